using System.Globalization;
using System.Text.RegularExpressions;
using DataGen.Generation;
using DataGen.Manifests;
using DataGen.Randomness;

namespace DataGen.Generators;

/// <summary>
/// Dates, date-times and times in a range. Bounds are absolute (<c>2024-01-31</c>) or relative to the
/// manifest's fixed <c>referenceDate</c> (<c>-18y</c>, <c>+30d</c>, <c>-1y-6M</c>), never to the clock,
/// so output does not drift from one run to the next.
/// </summary>
internal static partial class DateGenerators
{
    public static readonly GeneratorDescriptor Date = new(
        "date",
        "A calendar date in [min, max] (yyyy-MM-dd).",
        [
            new("min", OptionType.DateExpression, "Earliest date: absolute or relative to referenceDate (default -1y)."),
            new("max", OptionType.DateExpression, "Latest date (default: the reference date)."),
        ],
        static (spec, ctx) => Range(spec, ctx, "-1y", "0") is { } r
            ? new DateGenerator(DateOnly.FromDateTime(r.Min).DayNumber, DateOnly.FromDateTime(r.Max).DayNumber)
            : null);

    public static readonly GeneratorDescriptor DateTime = new(
        "datetime",
        "A UTC date and time in [min, max], to the second (ISO 8601).",
        [
            new("min", OptionType.DateExpression, "Earliest instant: absolute or relative to referenceDate (default -1y)."),
            new("max", OptionType.DateExpression, "Latest instant (default: the reference date)."),
        ],
        static (spec, ctx) => Range(spec, ctx, "-1y", "0") is { } r ? new DateTimeGenerator(r.Min, r.Max) : null);

    public static readonly GeneratorDescriptor Time = new(
        "time",
        "A time of day in [min, max], to the second.",
        [new("min", OptionType.String, "Earliest time, HH:mm[:ss] (default 00:00)."), new("max", OptionType.String, "Latest time (default 23:59:59).")],
        static (spec, _) =>
        {
            var min = ReadTime(spec, "min") ?? TimeOnly.MinValue;
            var max = ReadTime(spec, "max") ?? new TimeOnly(23, 59, 59);
            if (min > max)
            {
                spec.Error(spec.Find("min"), $"'min' ({min:HH:mm:ss}) is after 'max' ({max:HH:mm:ss})");
                return null;
            }

            return new TimeGenerator(min, max);
        });

    [GeneratedRegex(@"^\s*(?:(?<n>[+-]?\d+)\s*(?<u>y|M|w|d|h|m|s)\s*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex Relative();

    /// <summary>Parses an absolute or relative date expression against the reference date.</summary>
    public static System.DateTime? Parse(string text, System.DateTime reference)
    {
        var t = text.Trim();
        if (t is "0" or "ref" or "reference")
        {
            return reference;
        }

        var m = Relative().Match(t);
        if (m.Success)
        {
            var result = reference;
            for (var i = 0; i < m.Groups["n"].Captures.Count; i++)
            {
                // An offset past the years 1–9999 is not a date: null, reported where it is written.
                if (!int.TryParse(m.Groups["n"].Captures[i].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                    || TryShift(result, n, m.Groups["u"].Captures[i].Value) is not { } shifted)
                {
                    return null;
                }

                result = shifted;
            }

            return result;
        }

        return System.DateTime.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var absolute)
            ? System.DateTime.SpecifyKind(absolute, DateTimeKind.Utc)
            : null;
    }

    /// <summary><paramref name="date"/> moved by <paramref name="n"/> of a unit (y M w d h m s).</summary>
    private static System.DateTime Shift(System.DateTime date, int n, string unit) => unit switch
    {
        "y" => date.AddYears(n),
        "M" => date.AddMonths(n),
        "w" => date.AddDays(7.0 * n),
        "d" => date.AddDays(n),
        "h" => date.AddHours(n),
        "m" => date.AddMinutes(n),
        _ => date.AddSeconds(n),
    };

    /// <summary><paramref name="date"/> moved by <paramref name="n"/> of a unit; null past the years 1–9999.</summary>
    private static System.DateTime? TryShift(System.DateTime date, int n, string unit)
    {
        try
        {
            return Shift(date, n, unit);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static (System.DateTime Min, System.DateTime Max)? Range(FieldSpec spec, CompileContext ctx, string defaultMin, string defaultMax)
    {
        var min = ReadDate(spec, ctx, "min", defaultMin);
        var max = ReadDate(spec, ctx, "max", defaultMax);
        if (min is null || max is null)
        {
            return null;
        }

        if (min > max)
        {
            spec.Error(spec.Find("min"), $"'min' ({ScalarValues.Format(min.Value)}) is after 'max' ({ScalarValues.Format(max.Value)})");
            return null;
        }

        return (min.Value, max.Value);
    }

    private static System.DateTime? ReadDate(FieldSpec spec, CompileContext ctx, string key, string fallback)
    {
        var text = spec.GetString(key) ?? fallback;
        var value = Parse(text, ctx.ReferenceDate);
        if (value is null)
        {
            spec.Error(spec.Find(key), $"option '{key}' must be a date (2024-01-31, 2024-01-31T08:00:00Z) or an offset from referenceDate (-18y, +30d, -1y-6M), found '{text}' (dates are within the years 1 to 9999)");
        }

        return value;
    }

    private static TimeOnly? ReadTime(FieldSpec spec, string key)
    {
        var text = spec.GetString(key);
        if (text is null)
        {
            return null;
        }

        if (TimeOnly.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
        {
            return t;
        }

        spec.Error(spec.Find(key), $"option '{key}' must be a time of day HH:mm[:ss], found '{text}'");
        return null;
    }

    private sealed class DateGenerator(int minDay, int maxDay) : FieldGenerator
    {
        public override ValueKind Kind => ValueKind.Date;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope) =>
            DateOnly.FromDayNumber((int)random.NextInclusive(minDay, maxDay));
    }

    private sealed class DateTimeGenerator(System.DateTime min, System.DateTime max) : FieldGenerator
    {
        private readonly long _minSeconds = min.Ticks / TimeSpan.TicksPerSecond;
        private readonly long _maxSeconds = max.Ticks / TimeSpan.TicksPerSecond;

        public override ValueKind Kind => ValueKind.DateTime;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope) =>
            new System.DateTime(random.NextInclusive(_minSeconds, _maxSeconds) * TimeSpan.TicksPerSecond, DateTimeKind.Utc);
    }

    private sealed class TimeGenerator(TimeOnly min, TimeOnly max) : FieldGenerator
    {
        public override ValueKind Kind => ValueKind.Time;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope) =>
            new TimeOnly(random.NextInclusive(min.Ticks / TimeSpan.TicksPerSecond, max.Ticks / TimeSpan.TicksPerSecond) * TimeSpan.TicksPerSecond);
    }
}
