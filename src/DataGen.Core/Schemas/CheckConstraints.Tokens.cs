using System.Globalization;
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
                // A PostgreSQL cast: skip the type name, its modifiers and array brackets.
                i += 2;
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
            }
            else if (ch == '\'')
            {
                var sb = new StringBuilder();
                i++;
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
                var two = i + 1 < text.Length ? text.Substring(i, 2) : string.Empty;
                if (two is ">=" or "<=" or "<>" or "!=" or "~~")
                {
                    tokens.Add(new Token(TokenKind.Symbol, two == "!=" ? "<>" : two == "~~" ? "LIKE" : two));
                    i += 2;
                }
                else if (ch is '(' or ')' or ',' or '=' or '<' or '>' or '[' or ']' or '%' or '+' or '-' or '*' or '/' or '|' or '~' or '!' or '&' or '^' or ':' or '.' or ';' or '?' or '@' or '#' or '$')
                {
                    tokens.Add(new Token(TokenKind.Symbol, ch.ToString()));
                    i++;
                }
                else
                {
                    throw new FormatException();
                }
            }
        }

        return tokens;
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
