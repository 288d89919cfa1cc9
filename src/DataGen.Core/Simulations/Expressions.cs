using System.Globalization;

namespace DataGen.Simulations;

/// <summary>
/// The small expression language of YAML simulations (<c>let</c>, <c>require</c>, <c>set</c>): numbers, strings,
/// true/false/null, names (event values, then subject attributes), + − * / %, comparisons, and/or/not,
/// parentheses and functions: uniform(min, max[, decimals]), int(min, max), normal(mean, sd[, decimals]),
/// chance(percent), pick(a, b, …), round(x[, decimals]), min(a, b), max(a, b), abs(x), and durations days(n),
/// hours(n), minutes(n), seconds(n) that add to and subtract from dates (date − date is a duration).
/// Integers stay 64-bit; anything with a fraction is an exact decimal. Simulations, event flows and the <c>expr</c>
/// field generator share it.
/// </summary>
internal interface IExpressionContext
{
    /// <summary>Random values for uniform(), int(), pick() and the like.</summary>
    SimulationRandom Random { get; }

    /// <summary>The value a name stands for (null when unset).</summary>
    object? ValueOf(string name);
}

internal static class Expressions
{
    private static readonly Dictionary<string, (int Min, int Max)> Functions = new(StringComparer.Ordinal)
    {
        ["uniform"] = (2, 3),
        ["int"] = (2, 2),
        ["normal"] = (2, 3),
        ["chance"] = (1, 1),
        ["pick"] = (1, 64),
        ["round"] = (1, 2),
        ["min"] = (2, 2),
        ["max"] = (2, 2),
        ["abs"] = (1, 1),
        ["days"] = (1, 1),
        ["hours"] = (1, 1),
        ["minutes"] = (1, 1),
        ["seconds"] = (1, 1),
    };

    /// <summary>
    /// Compiles <paramref name="text"/>; on error returns null and reports (message, 0-based offset). The compiled
    /// expression reports every failure while it runs (a type error, overflow, division by zero, a date out of range)
    /// as an <see cref="ExpressionFailure"/> naming <paramref name="location"/> (<c>file(line,column)</c>) and the text.
    /// </summary>
    /// <remarks>With <paramref name="condition"/>, the result is checked to be true, false or null (false) inside the same contract.</remarks>
    public static Func<IExpressionContext, object?>? Compile(string text, Func<string, bool> isName, Action<string, int> error, string location, string namesAre = "the subject's attributes and earlier 'let' values", bool condition = false)
    {
        Func<IExpressionContext, object?> result;
        try
        {
            var parser = new Parser(text, isName, namesAre);
            result = parser.Or();
            parser.ExpectEnd();
            if (condition)
            {
                var value = result;
                result = c => Truthy(value(c));
            }
        }
        catch (ExpressionException e)
        {
            error(e.Message, e.Offset);
            return null;
        }

        return c =>
        {
            try
            {
                return result(c);
            }
            catch (Exception e) when (e is ArithmeticException or InvalidOperationException or ArgumentException or FormatException or InvalidCastException)
            {
                throw new ExpressionFailure(location, text, Explain(e));
            }
        };
    }

    /// <summary>The location of a YAML node as errors print it: <c>file(line,column)</c> (the column of the expression's first character).</summary>
    public static string Locate(string file, YamlDotNet.RepresentationModel.YamlNode node, int offset = 0) =>
        string.Create(CultureInfo.InvariantCulture, $"{file}({node.Start.Line},{node.Start.Column + offset})");

    private static string Explain(Exception e) => e switch
    {
        DivideByZeroException => "division by zero",
        OverflowException => "the result is out of range (integers are 64-bit, decimals hold ±7.9e28; integer overflow is an error, not a wrap-around)",
        ArgumentOutOfRangeException when e.Message.Contains("DateTime", StringComparison.Ordinal) || e.Message.Contains("un-representable", StringComparison.Ordinal) => "the date is out of range (years 1 to 9999)",
        ArgumentOutOfRangeException or ArgumentException => $"an argument is out of range ({e.Message.Split(Environment.NewLine)[0].Split(" (Parameter")[0]})",
        _ => e.Message,
    };

    public static bool Truthy(object? value) => value switch
    {
        bool b => b,
        null => false,
        _ => throw new InvalidOperationException($"expected true or false, found {Describe(value)}"),
    };

    private static string Describe(object? value) => value is null ? "null" : $"{value} ({value.GetType().Name})";

    private static decimal Number(object? value) => value switch
    {
        long l => l,
        int i => i,
        decimal d => d,
        double d when !double.IsFinite(d) => throw new InvalidOperationException($"expected a number, found {d} (NaN and infinities are not numbers here)"),
        float f when !float.IsFinite(f) => throw new InvalidOperationException($"expected a number, found {f} (NaN and infinities are not numbers here)"),
        double d => (decimal)d,
        float f => (decimal)f,
        _ => throw new InvalidOperationException($"expected a number, found {Describe(value)}"),
    };

    private static object Arithmetic(char op, object? a, object? b)
    {
        if (op == '+' && (a is string || b is string))
        {
            return string.Concat(Outputs.ValueText.Format(a), Outputs.ValueText.Format(b));
        }

        if (a is DateTime or DateOnly or TimeSpan || b is TimeSpan)
        {
            return TimeArithmetic(op, a, b);
        }

        if (a is long x && b is long y && op != '/')
        {
            return op switch
            {
                '+' => checked(x + y),
                '-' => checked(x - y),
                '*' => checked(x * y),
                _ => y == 0 ? throw new DivideByZeroException() : x % y,
            };
        }

        var m = Number(a);
        var n = Number(b);
        return op switch
        {
            '+' => m + n,
            '-' => m - n,
            '*' => m * n,
            '/' => n == 0 ? throw new DivideByZeroException() : m / n,
            _ => n == 0 ? throw new DivideByZeroException() : m % n,
        };
    }

    /// <summary>Dates and durations: date ± duration, date − date, duration ± duration, duration × number.</summary>
    private static object TimeArithmetic(char op, object? a, object? b)
    {
        switch (a, b, op)
        {
            case (DateTime t, TimeSpan d, '+'):
                return t + d;
            case (DateTime t, TimeSpan d, '-'):
                return t - d;
            case (DateOnly t, TimeSpan d, '+' or '-'):
                var shifted = t.ToDateTime(TimeOnly.MinValue) + (op == '+' ? d : -d);
                return shifted.TimeOfDay == TimeSpan.Zero ? DateOnly.FromDateTime(shifted) : shifted;
            case (DateTime or DateOnly, DateTime or DateOnly, '-'):
                return AsDateTime(a!) - AsDateTime(b!);
            case (TimeSpan x, TimeSpan y, '+'):
                return x + y;
            case (TimeSpan x, TimeSpan y, '-'):
                return x - y;
            case (TimeSpan x, _, '*'):
                return x * (double)Number(b);
            case (_, TimeSpan y, '*'):
                return y * (double)Number(a);
            case (TimeSpan x, _, '/'):
                return x / (double)Number(b);
            default:
                throw new InvalidOperationException($"cannot apply '{op}' to {Describe(a)} and {Describe(b)}");
        }
    }

    private static DateTime AsDateTime(object value) => value is DateOnly d ? d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : (DateTime)value;

    private static bool Compare(string op, object? a, object? b)
    {
        if (op is "==" or "!=")
        {
            var equal = (a, b) switch
            {
                (null, null) => true,
                (null, _) or (_, null) => false,
                (string s, string t) => s == t,
                (bool p, bool q) => p == q,
                (DateTime or DateOnly, DateTime or DateOnly) => AsDateTime(a) == AsDateTime(b),
                (long or int or decimal or double or float, long or int or decimal or double or float) => Number(a) == Number(b),
                _ => Equals(a, b),
            };
            return op == "==" ? equal : !equal;
        }

        var c = (a, b) switch
        {
            (string s1, string s2) => string.CompareOrdinal(s1, s2),
            (DateTime or DateOnly, DateTime or DateOnly) => AsDateTime(a).CompareTo(AsDateTime(b)),
            (TimeSpan x, TimeSpan y) => x.CompareTo(y),
            _ => Number(a).CompareTo(Number(b)),
        };
        return op switch
        {
            "<" => c < 0,
            "<=" => c <= 0,
            ">" => c > 0,
            _ => c >= 0,
        };
    }

    private static object? Call(string name, object?[] args, IExpressionContext ctx)
    {
        int Decimals(int i) => args.Length > i ? (int)Number(args[i]) : 2;
        switch (name)
        {
            case "uniform":
                return ctx.Random.Decimal(Number(args[0]), Number(args[1]), Decimals(2));
            case "int":
                return ctx.Random.Next((long)Math.Ceiling(Number(args[0])), (long)Math.Floor(Number(args[1])));
            case "normal":
                return Math.Round((decimal)ctx.Random.Normal((double)Number(args[0]), (double)Number(args[1])), Decimals(2), MidpointRounding.ToEven);
            case "chance":
                return ctx.Random.Chance((double)Number(args[0]) / 100);
            case "pick":
                return args[ctx.Random.Next(0, args.Length - 1)];
            case "round":
                return args[0] is long l ? l : Math.Round(Number(args[0]), args.Length > 1 ? (int)Number(args[1]) : 0, MidpointRounding.ToEven);
            case "abs":
                return args[0] is long a ? Math.Abs(a) : Math.Abs(Number(args[0]));
            case "days":
                return TimeSpan.FromDays((double)Number(args[0]));
            case "hours":
                return TimeSpan.FromHours((double)Number(args[0]));
            case "minutes":
                return TimeSpan.FromMinutes((double)Number(args[0]));
            case "seconds":
                return TimeSpan.FromSeconds((double)Number(args[0]));
            case "min":
                return Compare("<=", args[0], args[1]) ? args[0] : args[1];
            default:
                return Compare(">=", args[0], args[1]) ? args[0] : args[1];
        }
    }

    /// <summary>Thrown when a compiled expression fails while it runs; the runtime adds its subject, row or profile and tick.</summary>
    internal sealed class ExpressionFailure : Exception
    {
        public ExpressionFailure(string location, string text, string reason)
            : base($"{location}: in expression '{text}': {reason}")
        {
        }

        /// <summary>A failure where the expression was (<paramref name="where"/>: <c>file(line,col): in expression '…'</c>).</summary>
        public ExpressionFailure(string where, string reason)
            : base($"{where}: {reason}")
        {
        }
    }

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

            throw new ExpressionException($"unexpected '{ch}'", start);
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
