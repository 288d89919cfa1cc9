using System.Globalization;

namespace DataGen.Simulations;

internal static partial class Expressions
{
    private sealed class ExpressionException(string message, int offset) : Exception(message)
    {
        public int Offset { get; } = offset;
    }

    private sealed class Parser(string text, Func<string, bool> isName, string namesAre)
    {
        private int _pos;

        public void ExpectEnd()
        {
            Skip();
            if (_pos < text.Length)
            {
                throw new ExpressionException($"unexpected '{text[_pos..]}'", _pos);
            }
        }

        public Func<IExpressionContext, object?> Or()
        {
            var left = And();
            while (Word("or") || Symbol("||"))
            {
                var l = left;
                var r = And();
                left = c => Truthy(l(c)) || Truthy(r(c));
            }

            return left;
        }

        private Func<IExpressionContext, object?> And()
        {
            var left = Not();
            while (Word("and") || Symbol("&&"))
            {
                var l = left;
                var r = Not();
                left = c => Truthy(l(c)) && Truthy(r(c));
            }

            return left;
        }

        private Func<IExpressionContext, object?> Not()
        {
            if (Word("not") || (Peek('!') && !PeekAt(1, '=') && Symbol("!")))
            {
                var inner = Not();
                return c => !Truthy(inner(c));
            }

            return Comparison();
        }

        private Func<IExpressionContext, object?> Comparison()
        {
            var left = Additive();
            foreach (var op in new[] { "<=", ">=", "==", "!=", "<", ">" })
            {
                if (Symbol(op))
                {
                    var l = left;
                    var r = Additive();
                    return c => Compare(op, l(c), r(c));
                }
            }

            return left;
        }

        private Func<IExpressionContext, object?> Additive()
        {
            var left = Multiplicative();
            while (true)
            {
                var op = Symbol("+") ? '+' : Symbol("-") ? '-' : '\0';
                if (op == '\0')
                {
                    return left;
                }

                var l = left;
                var r = Multiplicative();
                left = c => Arithmetic(op, l(c), r(c));
            }
        }

        private Func<IExpressionContext, object?> Multiplicative()
        {
            var left = Unary();
            while (true)
            {
                var op = Symbol("*") ? '*' : Symbol("/") ? '/' : Symbol("%") ? '%' : '\0';
                if (op == '\0')
                {
                    return left;
                }

                var l = left;
                var r = Unary();
                left = c => Arithmetic(op, l(c), r(c));
            }
        }

        private Func<IExpressionContext, object?> Unary()
        {
            if (Symbol("-"))
            {
                var inner = Unary();
                return c => Arithmetic('-', 0L, inner(c));
            }

            return Primary();
        }

        private Func<IExpressionContext, object?> Primary()
        {
            Skip();
            var start = _pos;
            if (_pos >= text.Length)
            {
                throw new ExpressionException("expected a value, found the end of the expression", _pos);
            }

            var ch = text[_pos];
            if (ch == '(')
            {
                _pos++;
                var inner = Or();
                Expect(')');
                return inner;
            }

            if (char.IsAsciiDigit(ch) || (ch == '.' && PeekAt(1, char.IsAsciiDigit)))
            {
                return NumberLiteral(start);
            }

            if (ch is '\'' or '"')
            {
                var end = text.IndexOf(ch, _pos + 1);
                if (end < 0)
                {
                    throw new ExpressionException("unterminated string", start);
                }

                var value = text[(_pos + 1)..end];
                _pos = end + 1;
                return _ => value;
            }

            if (char.IsAsciiLetter(ch) || ch == '_')
            {
                return NameOrCall(start);
            }

            throw new ExpressionException($"unexpected '{ch}'", start);
        }

        /// <summary>A number at <paramref name="start"/> (digits, '.', '_' separators): a 64-bit integer, else an exact decimal.</summary>
        private Func<IExpressionContext, object?> NumberLiteral(int start)
        {
            while (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] == '.' || text[_pos] == '_'))
            {
                _pos++;
            }

            var literal = text[start.._pos].Replace("_", string.Empty, StringComparison.Ordinal);
            object value = long.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? (object)l
                : decimal.TryParse(literal, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) ? d
                : throw new ExpressionException($"'{literal}' is not a number", start);
            return _ => value;
        }

        /// <summary>A word at <paramref name="start"/>: true, false, null, a function call or a name.</summary>
        private Func<IExpressionContext, object?> NameOrCall(int start)
        {
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '_'))
            {
                _pos++;
            }

            var name = text[start.._pos];
            switch (name)
            {
                case "true":
                    return _ => true;
                case "false":
                    return _ => false;
                case "null":
                    return _ => null;
            }

            Skip();
            if (Peek('('))
            {
                return Function(name, start);
            }

            if (!isName(name))
            {
                throw new ExpressionException($"unknown name '{name}' (names are {namesAre})", start);
            }

            return c => c.ValueOf(name);
        }

        private Func<IExpressionContext, object?> Function(string name, int start)
        {
            if (!Functions.TryGetValue(name, out var arity))
            {
                throw new ExpressionException($"unknown function '{name}'{Manifests.Suggest.Hint(name, Functions.Keys)}; functions: {string.Join(", ", Functions.Keys)}", start);
            }

            Expect('(');
            var args = new List<Func<IExpressionContext, object?>>();
            Skip();
            if (!Peek(')'))
            {
                do
                {
                    args.Add(Or());
                }
                while (Symbol(","));
            }

            Expect(')');
            if (args.Count < arity.Min || args.Count > arity.Max)
            {
                var expected = arity.Min == arity.Max ? $"{arity.Min}" : $"{arity.Min} to {arity.Max}";
                throw new ExpressionException($"{name}() takes {expected} arguments, found {args.Count}", start);
            }

            var compiled = args.ToArray();
            return c =>
            {
                var values = new object?[compiled.Length];
                for (var i = 0; i < compiled.Length; i++)
                {
                    values[i] = compiled[i](c);
                }

                return Call(name, values, c);
            };
        }

        private void Skip()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        private bool Peek(char c)
        {
            Skip();
            return _pos < text.Length && text[_pos] == c;
        }

        private bool PeekAt(int offset, char c) => _pos + offset < text.Length && text[_pos + offset] == c;

        private bool PeekAt(int offset, Func<char, bool> test) => _pos + offset < text.Length && test(text[_pos + offset]);

        private bool Symbol(string symbol)
        {
            Skip();
            if (string.CompareOrdinal(text, _pos, symbol, 0, symbol.Length) != 0)
            {
                return false;
            }

            // '<' must not eat the '<' of '<=' (longer operators are tried first by the caller).
            _pos += symbol.Length;
            return true;
        }

        private bool Word(string word)
        {
            Skip();
            if (string.CompareOrdinal(text, _pos, word, 0, word.Length) != 0
                || (_pos + word.Length < text.Length && (char.IsAsciiLetterOrDigit(text[_pos + word.Length]) || text[_pos + word.Length] == '_')))
            {
                return false;
            }

            _pos += word.Length;
            return true;
        }

        private void Expect(char c)
        {
            if (!Peek(c))
            {
                throw new ExpressionException(_pos < text.Length ? $"expected '{c}', found '{text[_pos]}'" : $"expected '{c}' at the end", _pos);
            }

            _pos++;
        }
    }
}
