using System.Globalization;
using DataGen.Generation;
using DataGen.Manifests;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DataGen.Generators;

/// <summary>Typed values from YAML scalars, and the one invariant text form of every value.</summary>
internal static class ScalarValues
{
    /// <summary>
    /// A plain scalar becomes null, a boolean, a long or a decimal when it reads as one; a quoted
    /// scalar is always a string (so <c>"007"</c> stays text).
    /// </summary>
    public static object? Read(FieldSpec spec, YamlNode node)
    {
        var text = spec.Scalar(node, "a scalar value");
        if (text is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Style: ScalarStyle.Plain })
        {
            switch (text)
            {
                case "null" or "~" or "":
                    return null;
                case "true":
                    return true;
                case "false":
                    return false;
            }

            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                return l;
            }

            if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d))
            {
                return d;
            }
        }

        return text;
    }

    /// <summary>Text (from a CSV file) as a value of <paramref name="kind"/>; null when it does not parse.</summary>
    public static object? Parse(string text, ValueKind kind)
    {
        var c = CultureInfo.InvariantCulture;
        return kind switch
        {
            ValueKind.Integer => long.TryParse(text, NumberStyles.AllowLeadingSign, c, out var l) ? l : null,
            ValueKind.Decimal => decimal.TryParse(text, NumberStyles.Number, c, out var d) ? d : null,
            ValueKind.Double => double.TryParse(text, NumberStyles.Float, c, out var f) ? f : null,
            ValueKind.Boolean => bool.TryParse(text, out var b) ? b : null,
            ValueKind.Date => DateOnly.TryParse(text, c, out var date) ? date : null,
            ValueKind.DateTime => DateTime.TryParse(text, c, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dt) ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : null,
            ValueKind.Time => TimeOnly.TryParse(text, c, out var t) ? t : null,
            ValueKind.Uuid => Guid.TryParse(text, out var g) ? g : null,
            _ => text,
        };
    }

    /// <summary>
    /// Values from Bogus or C# delegates in the shapes outputs expect: integers as long, date-times as UTC
    /// (Bogus computes them from the manifest's UTC reference date).
    /// </summary>
    public static object? Normalize(object? value) => value switch
    {
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        DateTime dt => DateTime.SpecifyKind(dt, DateTimeKind.Utc),
        DateTimeOffset dto => dto.UtcDateTime,
        _ => value,
    };

    public static ValueKind KindOf(object? value) => value switch
    {
        string => ValueKind.String,
        long or int or short or byte => ValueKind.Integer,
        decimal => ValueKind.Decimal,
        double or float => ValueKind.Double,
        bool => ValueKind.Boolean,
        DateOnly => ValueKind.Date,
        DateTime or DateTimeOffset => ValueKind.DateTime,
        TimeOnly => ValueKind.Time,
        Guid => ValueKind.Uuid,
        IReadOnlyDictionary<string, object?> => ValueKind.Object,
        System.Collections.IEnumerable => ValueKind.Array,
        _ => ValueKind.Unknown,
    };

    /// <summary>The text of a value as templates, CSV and file names show it (culture-invariant, ISO 8601).</summary>
    public static string Format(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dt => FormatDateTime(dt),
        DateTimeOffset dto => FormatDateTime(dto.UtcDateTime),
        TimeOnly t => t.ToString(t.Millisecond == 0 ? "HH:mm:ss" : "HH:mm:ss.fff", CultureInfo.InvariantCulture),
        Guid g => g.ToString("D"),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string FormatDateTime(DateTime dt) =>
        dt.ToString(dt.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
