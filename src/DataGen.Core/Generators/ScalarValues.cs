using System.Globalization;
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
            ValueKind.Bytes => Base64(text),
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
        byte[] => ValueKind.Bytes,
        IReadOnlyDictionary<string, object?> => ValueKind.Object,
        System.Collections.IEnumerable => ValueKind.Array,
        _ => ValueKind.Unknown,
    };

    /// <summary>The text of a value as templates, CSV and file names show it (culture-invariant, ISO 8601, bytes as base64).</summary>
    public static string Format(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        DateOnly d => d.ToString(DateFormat, CultureInfo.InvariantCulture),
        DateTime dt => dt.ToString(DateTimeFormat(dt), CultureInfo.InvariantCulture),
        DateTimeOffset dto => dto.UtcDateTime.ToString(DateTimeFormat(dto.UtcDateTime), CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString(TimeFormat(t), CultureInfo.InvariantCulture),
        Guid g => g.ToString("D"),
        byte[] bytes => Convert.ToBase64String(bytes),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>
    /// <see cref="Format"/> of a date, time, UUID or decimal straight into UTF-8, with no string in between (what file writers
    /// call per row); false for any other value, or when <paramref name="destination"/> (64 bytes suffice) is too short.
    /// </summary>
    public static bool TryFormatUtf8(object? value, Span<byte> destination, out int written)
    {
        switch (value)
        {
            case DateOnly d when destination.Length >= 10:
                // yyyy-MM-dd by hand: the custom-format parser costs more than the date.
                WriteDigits(destination[..4], d.Year);
                destination[4] = (byte)'-';
                WriteDigits(destination.Slice(5, 2), d.Month);
                destination[7] = (byte)'-';
                WriteDigits(destination.Slice(8, 2), d.Day);
                written = 10;
                return true;
            case decimal m:
                return TryFormatDecimal(m, destination, out written);
            case DateTime dt:
                return dt.TryFormat(destination, out written, DateTimeFormat(dt), CultureInfo.InvariantCulture);
            case DateTimeOffset dto:
                return dto.UtcDateTime.TryFormat(destination, out written, DateTimeFormat(dto.UtcDateTime), CultureInfo.InvariantCulture);
            case TimeOnly t:
                return t.TryFormat(destination, out written, TimeFormat(t), CultureInfo.InvariantCulture);
            case Guid g:
                return g.TryFormat(destination, out written, "D");
            default:
                written = 0;
                return false;
        }
    }

    private const string DateFormat = "yyyy-MM-dd";

    private static byte[]? Base64(string text)
    {
        var bytes = new byte[text.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(text, bytes, out var written) ? bytes[..written] : null;
    }

    private static void WriteDigits(Span<byte> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>
    /// A decimal as <see cref="Format"/> (and JSON's number) writes it — every digit of its scale kept, <c>12.50</c> —
    /// straight from its 96-bit integer; values past 2^63 and negative zero go the BCL's way.
    /// </summary>
    private static bool TryFormatDecimal(decimal value, Span<byte> destination, out int written)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var negative = bits[3] < 0;
        var integer = (uint)bits[0] | ((ulong)(uint)bits[1] << 32);
        if (bits[2] != 0 || integer > long.MaxValue || (negative && integer == 0))
        {
            return value.TryFormat(destination, out written, default, CultureInfo.InvariantCulture);
        }

        var scale = value.Scale;
        Span<byte> digits = stackalloc byte[29]; // 19 digits of 2^63, or a scale of up to 28 and the leading 0
        var count = 0;
        do
        {
            digits[count++] = (byte)('0' + (integer % 10));
            integer /= 10;
        }
        while (integer != 0 || count <= scale);

        var length = (negative ? 1 : 0) + count + (scale > 0 ? 1 : 0);
        if (destination.Length < length)
        {
            written = 0;
            return false;
        }

        var at = 0;
        if (negative)
        {
            destination[at++] = (byte)'-';
        }

        for (var i = count - 1; i >= 0; i--)
        {
            destination[at++] = digits[i];
            if (i == scale && scale > 0)
            {
                destination[at++] = (byte)'.';
            }
        }

        written = at;
        return true;
    }

    private static string DateTimeFormat(DateTime dt) => dt.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private static string TimeFormat(TimeOnly t) => t.Millisecond == 0 ? "HH:mm:ss" : "HH:mm:ss.fff";
}
