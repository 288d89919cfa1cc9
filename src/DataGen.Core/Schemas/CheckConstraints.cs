using System.Globalization;
using System.Text;

namespace DataGen.Schemas;

/// <summary>What a CHECK constraint says about one column: the values it allows or the bounds it sets.</summary>
internal sealed class ColumnRule
{
    /// <summary>The only values allowed (as text), or null.</summary>
    public HashSet<string>? Allowed { get; set; }

    public decimal? Min { get; set; }

    public bool MinExclusive { get; set; }

    public decimal? Max { get; set; }

    public bool MaxExclusive { get; set; }

    /// <summary>Dates and times bounded by a literal, kept as the literal text.</summary>
    public string? MinText { get; set; }

    public string? MaxText { get; set; }

    /// <summary>Other columns this one must be greater (or equal) than: <c>return_date &gt;= rental_date</c>.</summary>
    public List<string> AtLeast { get; } = [];

    /// <summary>Texts must not be empty (<c>col &lt;&gt; ''</c>, <c>length(col) &gt; 0</c>).</summary>
    public bool NonEmpty { get; set; }
}

/// <summary>
/// Reads CHECK expressions as PostgreSQL, SQL Server and SQLite print them into per-column rules: <c>IN (…)</c>,
/// <c>= ANY (ARRAY[…])</c>, an OR of equalities, comparisons and BETWEEN against constants, AND of those, and
/// comparisons between two columns. Anything else is reported as not understood, never guessed.
/// </summary>
internal static class CheckConstraints
{
    /// <summary>Folds <paramref name="check"/> into <paramref name="rules"/>; false when some part of it was not understood.</summary>
    public static bool Apply(string check, IReadOnlyCollection<string> columns, Dictionary<string, ColumnRule> rules)
    {
        List<Token> tokens;
        try
        {
            tokens = Tokenize(check);
        }
        catch (FormatException)
        {
            return false;
        }

        var parser = new Parser(tokens, columns);
        var node = parser.ParseExpression();
        if (node is null || !parser.AtEnd)
        {
            return false;
        }

        return Fold(node, rules);
    }

    private static bool Fold(Node node, Dictionary<string, ColumnRule> rules)
    {
        switch (node)
        {
            case And and:
                var all = true;
                foreach (var part in and.Parts)
                {
                    all &= Fold(part, rules);
                }

                return all;
            case Or or:
                // Only an OR of allowed-value sets over one column is understood (SQL Server prints IN that way), LIKE
                // patterns included; "col IS NULL OR …" is the same set on a nullable column.
                string? column = null;
                var values = new HashSet<string>(StringComparer.Ordinal);
                var alternatives = or.Parts.Where(p => p is not IsNull { Negated: false }).ToList();
                if (alternatives.Count == 1 && alternatives.Count < or.Parts.Count)
                {
                    // "col IS NULL OR <rule>" (end_date IS NULL OR end_date >= start_date): the rule, on a nullable column.
                    return Fold(alternatives[0], rules);
                }

                foreach (var alternative in alternatives)
                {
                    var part = alternative is Compare { Op: "=", Literal: { } equal, Column: var c } ? new InList(c, [equal]) : alternative;
                    if (part is not InList list || (column is not null && column != list.Column))
                    {
                        return false;
                    }

                    column = list.Column;
                    values.UnionWith(list.Values);
                }

                Rule(rules, column!).Allowed = Intersect(Rule(rules, column!).Allowed, values);
                return true;
            case InList list:
                Rule(rules, list.Column).Allowed = Intersect(Rule(rules, list.Column).Allowed, list.Values);
                return true;
            case Compare compare:
                return FoldCompare(compare, rules);
            case NonEmpty nonEmpty:
                Rule(rules, nonEmpty.Column).NonEmpty = true;
                return true;
            case IsNull { Negated: true }:
                return true;
            default:
                return false;
        }
    }

    private static bool FoldCompare(Compare c, Dictionary<string, ColumnRule> rules)
    {
        if (c.OtherColumn is { } other)
        {
            // a >= b / a > b: a is at least b; b <= a likewise (normalised by the parser).
            switch (c.Op)
            {
                case ">=" or ">":
                    Rule(rules, c.Column).AtLeast.Add(other);
                    return true;
                case "<=" or "<":
                    Rule(rules, other).AtLeast.Add(c.Column);
                    return true;
                default:
                    return false;
            }
        }

        var rule = Rule(rules, c.Column);
        var number = decimal.TryParse(c.Literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : (decimal?)null;
        switch (c.Op)
        {
            case "=":
                rule.Allowed = Intersect(rule.Allowed, [c.Literal!]);
                return true;
            case "<>" when c.Literal == string.Empty:
                rule.NonEmpty = true;
                return true;
            case ">=" or ">":
                if (number is { } lo)
                {
                    if (rule.Min is null || lo > rule.Min || (lo == rule.Min && c.Op == ">"))
                    {
                        rule.Min = lo;
                        rule.MinExclusive = c.Op == ">";
                    }
                }
                else
                {
                    rule.MinText = c.Literal;
                }

                return true;
            case "<=" or "<":
                if (number is { } hi)
                {
                    if (rule.Max is null || hi < rule.Max || (hi == rule.Max && c.Op == "<"))
                    {
                        rule.Max = hi;
                        rule.MaxExclusive = c.Op == "<";
                    }
                }
                else
                {
                    rule.MaxText = c.Literal;
                }

                return true;
            default:
                return false;
        }
    }

    private static HashSet<string> Intersect(HashSet<string>? existing, IEnumerable<string> values)
    {
        var set = new HashSet<string>(values, StringComparer.Ordinal);
        if (existing is not null)
        {
            set.IntersectWith(existing);
        }

        return set;
    }

    private static ColumnRule Rule(Dictionary<string, ColumnRule> rules, string column)
    {
        if (!rules.TryGetValue(column, out var rule))
        {
            rules[column] = rule = new ColumnRule();
        }

        return rule;
    }

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

    private abstract record Node;

    private sealed record And(List<Node> Parts) : Node;

    private sealed record Or(List<Node> Parts) : Node;

    private sealed record InList(string Column, List<string> Values) : Node;

    private sealed record Compare(string Column, string Op, string? Literal, string? OtherColumn) : Node;

    private sealed record NonEmpty(string Column) : Node;

    private sealed record IsNull(string Column, bool Negated) : Node;

    private sealed record Unknown : Node;

    private sealed record Term(string? Column, string? Literal);

    /// <summary>A recursive-descent parser over the tokens; null where the expression is not one it knows.</summary>
    private sealed class Parser(List<Token> tokens, IReadOnlyCollection<string> columns)
    {
        private int _at;

        public bool AtEnd => _at >= tokens.Count;

        public Node? ParseExpression() => ParseJoined("OR", ParseAnd, parts => new Or(parts));

        private Node? ParseAnd() => ParseJoined("AND", ParsePrimary, parts => new And(parts));

        /// <summary>One or more <paramref name="next"/> joined by <paramref name="word"/> (a part that fails to parse is unknown).</summary>
        private Node? ParseJoined(string word, Func<Node?> next, Func<List<Node>, Node> join)
        {
            var first = next();
            if (first is null)
            {
                return null;
            }

            var parts = new List<Node> { first };
            while (IsWord(word))
            {
                _at++;
                parts.Add(next() ?? new Unknown());
            }

            return parts.Count == 1 ? first : join(parts);
        }

        private Node? ParsePrimary()
        {
            // A comparison first (its operands may be parenthesised: (s)::text = …), then a parenthesised expression.
            var save = _at;
            var comparison = ParseComparison();
            if (comparison is not Unknown)
            {
                return comparison;
            }

            _at = save;
            if (IsSymbol("("))
            {
                _at++;
                var inner = ParseExpression();
                if (inner is not null && IsSymbol(")"))
                {
                    _at++;
                    return inner;
                }
            }

            _at = save;
            return ParseComparison();
        }

        private Node? ParseComparison()
        {
            var start = _at;
            if (TryLength() is { } lengthOf)
            {
                // length(col) > 0 / len(col) >= 1
                if (Peek() is { Kind: TokenKind.Symbol, Text: ">" or ">=" } op)
                {
                    _at++;
                    if (Operand()?.Literal is { } literal && decimal.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var bound))
                    {
                        return (op.Text == ">" && bound >= 0) || bound >= 1 ? new NonEmpty(lengthOf) : new Unknown();
                    }
                }

                _at = start;
                return SkipUnknown();
            }

            var left = Operand();
            if (left is null)
            {
                _at = start;
                return SkipUnknown();
            }

            if (IsWord("IS") && left.Column is { } nullable)
            {
                // col IS NULL / col IS NOT NULL
                _at++;
                var negated = IsWord("NOT");
                _at += negated ? 1 : 0;
                if (IsWord("NULL"))
                {
                    _at++;
                    return new IsNull(nullable, negated);
                }

                return SkipUnknown();
            }

            if ((IsWord("LIKE") || IsSymbol("LIKE")) && left.Column is { } matched)
            {
                // col LIKE 'pattern' (PostgreSQL prints ~~): one value that matches it, the wildcards filled in.
                _at++;
                return Operand()?.Literal is { } pattern && LikeValue(pattern) is { } value ? new InList(matched, [value]) : SkipUnknown();
            }

            if (IsWord("NOT"))
            {
                _at = start;
                return SkipUnknown();
            }

            if (IsWord("IN"))
            {
                _at++;
                return left.Column is { } c && Literals('(', ')') is { } values ? new InList(c, values) : SkipUnknown();
            }

            if (IsWord("BETWEEN"))
            {
                _at++;
                var lo = Operand();
                if (!IsWord("AND"))
                {
                    return SkipUnknown();
                }

                _at++;
                var hi = Operand();
                return left.Column is { } col && lo?.Literal is { } l && hi?.Literal is { } h
                    ? new And([new Compare(col, ">=", l, null), new Compare(col, "<=", h, null)])
                    : new Unknown();
            }

            if (Peek() is not { Kind: TokenKind.Symbol } opToken || opToken.Text is not ("=" or "<>" or "<" or ">" or "<=" or ">="))
            {
                _at = start;
                return SkipUnknown();
            }

            _at++;
            if (opToken.Text == "=" && IsWord("ANY"))
            {
                // col = ANY (ARRAY['a', 'b']) and col = ANY ((ARRAY['a', 'b']))
                _at++;
                var depth = 0;
                while (IsSymbol("("))
                {
                    _at++;
                    depth++;
                }

                if (!IsWord("ARRAY"))
                {
                    return SkipUnknown();
                }

                _at++;
                var values = Literals('[', ']');
                for (var i = 0; i < depth && IsSymbol(")"); i++)
                {
                    _at++;
                }

                return left.Column is { } c && values is not null ? new InList(c, values) : new Unknown();
            }

            var right = Operand();
            if (right is null)
            {
                return SkipUnknown();
            }

            if (left.Column is { } lc && right.Literal is { } rl)
            {
                return new Compare(lc, opToken.Text, rl, null);
            }

            if (left.Literal is { } ll && right.Column is { } rc)
            {
                return new Compare(rc, Flip(opToken.Text), ll, null);
            }

            if (left.Column is { } a && right.Column is { } b)
            {
                return new Compare(a, opToken.Text, null, b);
            }

            return new Unknown();
        }

        /// <summary>A text that matches a LIKE pattern: '%' matches nothing, '_' an 'x'; an ESCAPE clause is not read (null when the pattern escapes).</summary>
        private static string? LikeValue(string pattern) =>
            pattern.Contains('\\', StringComparison.Ordinal) ? null : pattern.Replace("%", string.Empty, StringComparison.Ordinal).Replace('_', 'x');

        private static string Flip(string op) => op switch { "<" => ">", ">" => "<", "<=" => ">=", ">=" => "<=", _ => op };

        /// <summary>Consumes tokens up to the end of this comparison (the next AND/OR/closing parenthesis at this depth).</summary>
        private Unknown SkipUnknown()
        {
            var depth = 0;
            while (!AtEnd)
            {
                var t = tokens[_at];
                if (t.Kind == TokenKind.Symbol && t.Text == "(")
                {
                    depth++;
                }
                else if (t.Kind == TokenKind.Symbol && t.Text == ")")
                {
                    if (depth == 0)
                    {
                        break;
                    }

                    depth--;
                }
                else if (depth == 0 && t.Kind == TokenKind.Word && (t.Text.Equals("AND", StringComparison.OrdinalIgnoreCase) || t.Text.Equals("OR", StringComparison.OrdinalIgnoreCase)))
                {
                    break;
                }

                _at++;
            }

            return new Unknown();
        }

        private string? TryLength()
        {
            if (Peek() is { Kind: TokenKind.Word } w && (w.Text.Equals("length", StringComparison.OrdinalIgnoreCase) || w.Text.Equals("len", StringComparison.OrdinalIgnoreCase) || w.Text.Equals("char_length", StringComparison.OrdinalIgnoreCase))
                && Next(1) is { Kind: TokenKind.Symbol, Text: "(" })
            {
                var save = _at;
                _at += 2;
                var operand = Operand();
                if (operand?.Column is { } column && IsSymbol(")"))
                {
                    _at++;
                    return column;
                }

                _at = save;
            }

            return null;
        }

        /// <summary>A column, a literal (number, string, true/false), or one of those in parentheses.</summary>
        private Term? Operand()
        {
            if (IsSymbol("("))
            {
                var save = _at;
                _at++;
                var inner = Operand();
                if (inner is not null && IsSymbol(")"))
                {
                    _at++;
                    return inner;
                }

                _at = save;
                return null;
            }

            if (Peek() is not { } t)
            {
                return null;
            }

            switch (t.Kind)
            {
                case TokenKind.Number:
                    _at++;
                    return new Term(null, t.Text);
                case TokenKind.String:
                    _at++;
                    return new Term(null, t.Text);
                case TokenKind.Quoted when columns.Contains(t.Text):
                    _at++;
                    return new Term(t.Text, null);
                case TokenKind.Word when columns.Contains(t.Text) && Next(1) is not { Kind: TokenKind.Symbol, Text: "(" }:
                    _at++;
                    return new Term(t.Text, null);
                case TokenKind.Word when t.Text.Equals("true", StringComparison.OrdinalIgnoreCase) || t.Text.Equals("false", StringComparison.OrdinalIgnoreCase):
                    _at++;
                    return new Term(null, t.Text.ToLowerInvariant());
                case TokenKind.Word when CaseFunctions.Contains(t.Text) && Next(1) is { Kind: TokenKind.Symbol, Text: "(" }:
                    // upper(col) = ANY (…) / lower(col) IN (…): the literals are already in that case, so they satisfy it as they are.
                    var save2 = _at;
                    _at += 2;
                    if (Operand() is { Column: { } cased } && IsSymbol(")"))
                    {
                        _at++;
                        return new Term(cased, null);
                    }

                    _at = save2;
                    return null;
                default:
                    return null;
            }
        }

        private static readonly HashSet<string> CaseFunctions = new(["upper", "lower", "ucase", "lcase", "trim", "btrim"], StringComparer.OrdinalIgnoreCase);

        private List<string>? Literals(char open, char close)
        {
            if (!IsSymbol(open.ToString()))
            {
                return null;
            }

            _at++;
            var values = new List<string>();
            while (true)
            {
                var operand = Operand();
                if (operand?.Literal is not { } literal)
                {
                    return null;
                }

                values.Add(literal);
                if (IsSymbol(","))
                {
                    _at++;
                    continue;
                }

                if (IsSymbol(close.ToString()))
                {
                    _at++;
                    return values;
                }

                return null;
            }
        }

        private Token? Peek() => _at < tokens.Count ? tokens[_at] : null;

        private Token? Next(int ahead) => _at + ahead < tokens.Count ? tokens[_at + ahead] : null;

        private bool IsWord(string word) => Peek() is { Kind: TokenKind.Word } t && t.Text.Equals(word, StringComparison.OrdinalIgnoreCase);

        private bool IsSymbol(string symbol) => Peek() is { Kind: TokenKind.Symbol } t && t.Text == symbol;
    }
}
