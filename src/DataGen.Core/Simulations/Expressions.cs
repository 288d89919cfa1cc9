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

internal static partial class Expressions
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
}
