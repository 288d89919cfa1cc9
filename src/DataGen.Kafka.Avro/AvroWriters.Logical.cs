using System.Globalization;
using System.Numerics;
using Avro;
using DataGen.Outputs;
using Newtonsoft.Json.Linq;

namespace DataGen.Kafka.Avro;

// Writers for logical types: dates, times, timestamps, decimals, UUIDs
internal static partial class AvroWriters
{
    private static ValueWriter Logical(LogicalSchema logical, string path, Dictionary<string, ValueWriter> records)
    {
        switch (logical.LogicalTypeName)
        {
            case "decimal":
                var scale = int.Parse(logical.GetProperty("scale") ?? "0", CultureInfo.InvariantCulture);
                var precision = int.Parse(logical.GetProperty("precision") ?? "0", CultureInfo.InvariantCulture);
                var size = logical.BaseSchema is FixedSchema f ? f.Size : -1;
                return (buffer, value) =>
                {
                    var unscaled = Unscaled(value switch
                    {
                        decimal d => d,
                        long l => l,
                        int i => i,
                        _ => throw Mismatch(path, logical, value),
                    }, scale, precision, path);
                    var bytes = unscaled.ToByteArray(isUnsigned: false, isBigEndian: true);
                    if (size < 0)
                    {
                        buffer.WriteBytes(bytes);
                        return;
                    }

                    // Fixed: sign-extend to the declared size.
                    var padded = new byte[size];
                    padded.AsSpan().Fill(unscaled.Sign < 0 ? (byte)0xFF : (byte)0);
                    bytes.CopyTo(padded.AsSpan(size - bytes.Length));
                    buffer.WriteFixed(padded);
                };
            case "date":
                return (buffer, value) => buffer.WriteLong(value switch
                {
                    DateOnly d => d.DayNumber - DateOnly.FromDateTime(Epoch).DayNumber,
                    DateTime t => DateOnly.FromDateTime(t).DayNumber - DateOnly.FromDateTime(Epoch).DayNumber,
                    _ => throw Mismatch(path, logical, value),
                });
            case "timestamp-millis" or "local-timestamp-millis":
                return (buffer, value) => buffer.WriteLong((Ticks(value, path, logical) - Epoch.Ticks) / TimeSpan.TicksPerMillisecond);
            case "timestamp-micros" or "local-timestamp-micros":
                return (buffer, value) => buffer.WriteLong((Ticks(value, path, logical) - Epoch.Ticks) / TimeSpan.TicksPerMicrosecond);
            case "time-millis":
                return (buffer, value) => buffer.WriteLong((value as TimeOnly? ?? throw Mismatch(path, logical, value)).Ticks / TimeSpan.TicksPerMillisecond);
            case "time-micros":
                return (buffer, value) => buffer.WriteLong((value as TimeOnly? ?? throw Mismatch(path, logical, value)).Ticks / TimeSpan.TicksPerMicrosecond);
            case "uuid" when logical.BaseSchema.Tag == Schema.Type.String:
                return (buffer, value) => buffer.WriteString(value switch
                {
                    Guid g => g.ToString("D"),
                    string s when Guid.TryParse(s, out var g) => g.ToString("D"),
                    _ => throw Mismatch(path, logical, value),
                });
            default:
                // An unknown logical type is read as its base type (the specification's rule).
                return For(logical.BaseSchema, path, records);
        }
    }

    private static long Ticks(object? value, string path, Schema schema) => value switch
    {
        DateTime t => t.Kind == DateTimeKind.Local ? t.ToUniversalTime().Ticks : t.Ticks,
        DateTimeOffset o => o.UtcTicks,
        _ => throw Mismatch(path, schema, value),
    };

    /// <summary>The decimal's digits at the schema's scale; fails rather than round.</summary>
    private static BigInteger Unscaled(decimal value, int scale, int precision, string path)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        var valueScale = (bits[3] >> 16) & 0xFF;
        if (bits[3] < 0)
        {
            mantissa = -mantissa;
        }

        if (valueScale > scale)
        {
            var divisor = BigInteger.Pow(10, valueScale - scale);
            if (!(mantissa % divisor).IsZero)
            {
                throw new FormatException($"field '{path}': {value.ToString(CultureInfo.InvariantCulture)} has more than the schema's {scale} decimal places (round it in the manifest, or give the model an .avsc with a larger scale)");
            }

            mantissa /= divisor;
        }
        else
        {
            mantissa *= BigInteger.Pow(10, scale - valueScale);
        }

        if (precision > 0 && BigInteger.Abs(mantissa) >= BigInteger.Pow(10, precision))
        {
            throw new FormatException($"field '{path}': {value.ToString(CultureInfo.InvariantCulture)} has more than the schema's {precision} digits");
        }

        return mantissa;
    }
}
