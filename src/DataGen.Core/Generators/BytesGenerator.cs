using DataGen.Generation;
using DataGen.Randomness;

namespace DataGen.Generators;

/// <summary>Binary values (blobs, <c>bytea</c>, <c>varbinary</c>) of a chosen size, filled from the field's stream.</summary>
internal static class BytesGenerator
{
    /// <summary>The largest value a field may produce (64 MiB): a blob bigger than that is a load test, not test data.</summary>
    internal const long MaxSize = 64L << 20;

    public static readonly GeneratorDescriptor Descriptor = new(
        "bytes",
        "Random bytes: 'length' of them, or a length in [min, max].",
        [
            new("length", OptionType.Integer, "Exactly this many bytes (instead of min and max)."),
            new("min", OptionType.Integer, "Fewest bytes (default 16)."),
            new("max", OptionType.Integer, "Most bytes (default 256; at most 64 MiB)."),
        ],
        static (spec, _) =>
        {
            var length = spec.GetLong("length");
            if (length is not null && (spec.Find("min") is not null || spec.Find("max") is not null))
            {
                spec.Error(spec.Find("length"), "give 'length' or 'min'/'max', not both");
                return null;
            }

            var min = length ?? spec.GetLong("min") ?? 16;
            var max = length ?? spec.GetLong("max") ?? Math.Max(min, 256);
            if (min < 0 || max > MaxSize || min > max)
            {
                spec.Error(spec.Find("length") ?? spec.Find("min") ?? spec.Find("max"), $"the size must be 0 to {MaxSize} bytes with min ≤ max, found {min}–{max}");
                return null;
            }

            return new Generator((int)min, (int)max);
        });

    /// <summary>A bytes generator for C# code and tests.</summary>
    internal static FieldGenerator Of(int min, int max) => new Generator(min, max);

    private sealed class Generator(int min, int max) : FieldGenerator
    {
        public override ValueKind Kind => ValueKind.Bytes;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
        {
            var bytes = new byte[min == max ? min : (int)random.NextInclusive(min, max)];
            var span = bytes.AsSpan();
            while (span.Length >= 8)
            {
                BitConverter.TryWriteBytes(span, random.NextUInt64());
                span = span[8..];
            }

            if (span.Length > 0)
            {
                var last = random.NextUInt64();
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = (byte)(last >> (8 * i));
                }
            }

            return bytes;
        }
    }
}
