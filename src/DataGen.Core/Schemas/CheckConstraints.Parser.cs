using System.Globalization;

namespace DataGen.Schemas;

internal static partial class CheckConstraints
{
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
                return ParseLength(start, lengthOf);
            }

            var left = Operand();
            if (left is null)
            {
                _at = start;
                return SkipUnknown();
            }

            if (IsWord("IS") && left.Column is { } nullable)
            {
                return ParseIsNull(nullable);
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
                return ParseBetween(left);
            }

            if (Peek() is not { Kind: TokenKind.Symbol } opToken || opToken.Text is not ("=" or "<>" or "<" or ">" or "<=" or ">="))
            {
                _at = start;
                return SkipUnknown();
            }

            _at++;
            return opToken.Text == "=" && IsWord("ANY") ? ParseAny(left) : ParseCompared(left, opToken.Text);
        }

        /// <summary>length(col) &gt; 0 / len(col) &gt;= 1: the column is not empty.</summary>
        private Node? ParseLength(int start, string lengthOf)
        {
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

        /// <summary>col IS NULL / col IS NOT NULL, at IS.</summary>
        private Node? ParseIsNull(string column)
        {
            _at++;
            var negated = IsWord("NOT");
            _at += negated ? 1 : 0;
            if (IsWord("NULL"))
            {
                _at++;
                return new IsNull(column, negated);
            }

            return SkipUnknown();
        }

        /// <summary>left BETWEEN lo AND hi, at BETWEEN.</summary>
        private Node? ParseBetween(Term left)
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

        /// <summary>col = ANY (ARRAY['a', 'b']) and col = ANY ((ARRAY['a', 'b'])), at ANY.</summary>
        private Node? ParseAny(Term left)
        {
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

        /// <summary>A comparison against a constant (either side) or between two columns, after the operator.</summary>
        private Node? ParseCompared(Term left, string op)
        {
            var right = Operand();
            if (right is null)
            {
                return SkipUnknown();
            }

            if (left.Column is { } lc && right.Literal is { } rl)
            {
                return new Compare(lc, op, rl, null);
            }

            if (left.Literal is { } ll && right.Column is { } rc)
            {
                return new Compare(rc, Flip(op), ll, null);
            }

            if (left.Column is { } a && right.Column is { } b)
            {
                return new Compare(a, op, null, b);
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
