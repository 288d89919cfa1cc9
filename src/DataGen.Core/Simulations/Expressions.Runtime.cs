namespace DataGen.Simulations;

internal static partial class Expressions
{
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
}
