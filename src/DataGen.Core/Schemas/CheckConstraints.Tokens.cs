using System.Text;

namespace DataGen.Schemas;

internal static partial class CheckConstraints
{
    private enum TokenKind
    {
        Word,
        Quoted,
        String,
        Number,
        Symbol,
    }

    private readonly record struct Token(TokenKind Kind, string Text);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var ch = text[i];
            if (char.IsWhiteSpace(ch))
            {
                i++;
            }
            else if (ch == ':' && i + 1 < text.Length && text[i + 1] == ':')
            {
                i = SkipCast(text, i + 2);
            }
            else if (ch == '\'')
            {
                i = ReadString(text, i + 1, tokens);
            }
            else if (ch is '"' or '[' or '`' && !(ch == '[' && tokens.Count > 0 && tokens[^1] is { Kind: TokenKind.Word } w && w.Text.Equals("ARRAY", StringComparison.OrdinalIgnoreCase)))
            {
                var close = ch == '[' ? ']' : ch;
                var end = text.IndexOf(close, i + 1);
                if (end < 0)
                {
                    throw new FormatException();
                }

                tokens.Add(new Token(TokenKind.Quoted, text[(i + 1)..end]));
                i = end + 1;
            }
            else if (char.IsDigit(ch) || (ch is '-' or '+' && i + 1 < text.Length && char.IsDigit(text[i + 1]) && (tokens.Count == 0 || tokens[^1].Kind == TokenKind.Symbol || (tokens[^1].Kind == TokenKind.Word && tokens[^1].Text.ToUpperInvariant() is "BETWEEN" or "AND" or "OR" or "IN" or "NOT"))))
            {
                var start = i++;
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] is '.' or 'e' or 'E'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Number, text[start..i]));
            }
            else if (char.IsLetter(ch) || ch == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Word, text[start..i]));
            }
            else
            {
                i = ReadSymbol(text, i, tokens);
            }
        }

        return tokens;
    }

    /// <summary>A PostgreSQL cast after its <c>::</c>: skips the type name, its modifiers and array brackets; returns where the text goes on.</summary>
    private static int SkipCast(string text, int i)
    {
        while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or ' ' or '"' or '.'))
        {
            if (text[i] == ' ' && !NextWordContinuesType(text, i))
            {
                break;
            }

            i++;
        }

        if (i < text.Length && text[i] == '(')
        {
            i = text.IndexOf(')', i) is var close and >= 0 ? close + 1 : throw new FormatException();
        }

        while (i + 1 < text.Length && text[i] == '[' && text[i + 1] == ']')
        {
            i += 2;
        }

        return i;
    }

    /// <summary>A '…' string literal from just after its opening quote ('' is a quote); returns where the text goes on.</summary>
    private static int ReadString(string text, int i, List<Token> tokens)
    {
        var sb = new StringBuilder();
        while (true)
        {
            if (i >= text.Length)
            {
                throw new FormatException();
            }

            if (text[i] == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    sb.Append('\'');
                    i += 2;
                    continue;
                }

                i++;
                break;
            }

            sb.Append(text[i++]);
        }

        tokens.Add(new Token(TokenKind.String, sb.ToString()));
        return i;
    }

    /// <summary>An operator or punctuation (<c>!=</c> read as <c>&lt;&gt;</c>, <c>~~</c> as LIKE); returns where the text goes on.</summary>
    private static int ReadSymbol(string text, int i, List<Token> tokens)
    {
        var ch = text[i];
        var two = i + 1 < text.Length ? text.Substring(i, 2) : string.Empty;
        if (two is ">=" or "<=" or "<>" or "!=" or "~~")
        {
            tokens.Add(new Token(TokenKind.Symbol, two == "!=" ? "<>" : two == "~~" ? "LIKE" : two));
            return i + 2;
        }

        if (ch is '(' or ')' or ',' or '=' or '<' or '>' or '[' or ']' or '%' or '+' or '-' or '*' or '/' or '|' or '~' or '!' or '&' or '^' or ':' or '.' or ';' or '?' or '@' or '#' or '$')
        {
            tokens.Add(new Token(TokenKind.Symbol, ch.ToString()));
            return i + 1;
        }

        throw new FormatException();
    }

    /// <summary>Multi-word type names in casts: <c>character varying</c>, <c>double precision</c>, <c>timestamp without time zone</c>.</summary>
    private static bool NextWordContinuesType(string text, int space)
    {
        var rest = text[(space + 1)..];
        return rest.StartsWith("varying", StringComparison.Ordinal) || rest.StartsWith("precision", StringComparison.Ordinal)
            || rest.StartsWith("without", StringComparison.Ordinal) || rest.StartsWith("with", StringComparison.Ordinal)
            || rest.StartsWith("time zone", StringComparison.Ordinal) || rest.StartsWith("zone", StringComparison.Ordinal);
    }
}
