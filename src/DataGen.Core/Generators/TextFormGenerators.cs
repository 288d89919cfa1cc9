using System.Globalization;
using System.Text;
using DataGen.Generation;
using DataGen.Manifests;
using DataGen.Randomness;

namespace DataGen.Generators;

/// <summary>
/// Values written in a database type's text input form that no other generator expresses well: bit strings
/// (<c>bit(n)</c>, <c>varbit</c>) and ranges and multiranges (<c>[3,17)</c>, <c>{[3,5),[8,9)}</c>).
/// </summary>
internal static class TextFormGenerators
{
    private static readonly string[] RangeSubtypes = ["int", "decimal", "date", "datetime"];

    public static readonly GeneratorDescriptor Bits = new(
        "bits",
        "A string of 0s and 1s (a bit string: bit(n), varbit(n)), of a fixed length or one drawn from [min, max].",
        [
            new("length", OptionType.Integer, "The exact length (bit(n)); default 8 unless min/max are given."),
            new("min", OptionType.Integer, "The shortest length (default 1)."),
            new("max", OptionType.Integer, "The longest length (varbit(n))."),
        ],
        static (spec, _) =>
        {
            var length = spec.GetLong("length");
            var min = spec.GetLong("min");
            var max = spec.GetLong("max");
            if (length is not null && (min is not null || max is not null))
            {
                spec.Error(spec.Find("length"), "give either 'length' or 'min'/'max', not both");
                return null;
            }

            var (lo, hi) = length is { } n ? (n, n) : (min ?? 1, max ?? min ?? 8);
            if (lo < 0 || lo > hi || hi > 100_000)
            {
                spec.Error(spec.Find("length") ?? spec.Find("min") ?? spec.Node, $"bit string length [{lo}, {hi}]: lengths are 0 to 100000, min at most max");
                return null;
            }

            return new BitsGenerator((int)lo, (int)hi);
        });

    public static readonly GeneratorDescriptor Range = new(
        "range",
        "A range [lower,upper) of whole numbers, decimals, dates or date-times in [min, max] (int4range, numrange, daterange, tstzrange …); with 'count', a multirange of that many ranges that do not touch ({[1,3),[5,8)}); with 'disjoint', no two rows' ranges overlap (what an exclusion constraint WITH && needs).",
        [
            new("of", OptionType.String, "What the bounds are: int (default), decimal, date or datetime.", Allowed: RangeSubtypes),
            new("min", OptionType.Any, "The lowest bound: a number, or a date absolute or relative to referenceDate (defaults: 1, 0, -1y, -1y)."),
            new("max", OptionType.Any, "The highest bound (defaults: 1000, 1000, the reference date, the reference date)."),
            new("scale", OptionType.Integer, "Digits after the point of decimal bounds (default 2)."),
            new("count", OptionType.Count, "A multirange of this many ranges: a number or [min, max] (default: one range, not a multirange)."),
            new("disjoint", OptionType.Boolean, "Row i's ranges lie in [min, max] shifted by i × (max − min), so no two rows' ranges overlap."),
        ],
        static (spec, ctx) => CreateRange(spec, ctx));

    private static RangeGenerator? CreateRange(FieldSpec spec, CompileContext ctx)
    {
        var of = spec.GetString("of") ?? "int";
        if (!RangeSubtypes.Contains(of))
        {
            spec.Error(spec.Find("of"), $"option 'of' must be one of {string.Join(", ", RangeSubtypes)}, found '{of}'");
            return null;
        }

        var scale = (int)(spec.GetLong("scale") ?? 2);
        if (scale is < 0 or > 12)
        {
            spec.Error(spec.Find("scale"), $"option 'scale' must be between 0 and 12, found {scale}");
            return null;
        }

        if (of != "decimal" && spec.Find("scale") is { } scaleNode)
        {
            spec.Error(scaleNode, "option 'scale' goes with 'of: decimal'");
        }

        long? Units(string key, string fallback)
        {
            var text = spec.GetString(key) ?? fallback;
            switch (of)
            {
                case "int" when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l):
                    return l;
                case "decimal" when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                    return (long)decimal.Round(d * Pow10(scale), 0, MidpointRounding.ToEven);
                case "date" when DateGenerators.Parse(text, ctx.ReferenceDate) is { } date:
                    return DateOnly.FromDateTime(date).DayNumber;
                case "datetime" when DateGenerators.Parse(text, ctx.ReferenceDate) is { } instant:
                    return instant.Ticks / TimeSpan.TicksPerSecond;
                default:
                    spec.Error(spec.Find(key), $"option '{key}' must be {(of is "int" or "decimal" ? "a number" : "a date (2024-01-31) or an offset from referenceDate (-1y)")} for 'of: {of}', found '{text}'");
                    return null;
            }
        }

        var (defaultMin, defaultMax) = of is "int" ? ("1", "1000") : of is "decimal" ? ("0", "1000") : ("-1y", "0");
        if (Units("min", defaultMin) is not { } min || Units("max", defaultMax) is not { } max)
        {
            return null;
        }

        var multi = spec.Find("count") is not null;
        var (countMin, countMax) = multi ? StructureGenerators.ReadCount(spec) : (1, 1);
        if (countMax > 64)
        {
            spec.Error(spec.Find("count")!, $"a multirange of at most 64 ranges, found {countMax}");
            return null;
        }

        // Each range takes two distinct points of [min, max].
        if (max - min + 1 < 2 * Math.Max(countMax, 1))
        {
            spec.Error(spec.Find("max") ?? spec.Node, $"[min, max] holds {max - min + 1} value(s): too few for {Math.Max(countMax, 1)} range(s) of two distinct bounds each");
            return null;
        }

        return new RangeGenerator(of, scale, min, max, multi, countMin, countMax, spec.GetBool("disjoint") ?? false);
    }

    private static decimal Pow10(int scale)
    {
        var p = 1m;
        for (var i = 0; i < scale; i++)
        {
            p *= 10;
        }

        return p;
    }

    private sealed class BitsGenerator(int min, int max) : FieldGenerator
    {
        public override ValueKind Kind => ValueKind.String;

        public override int? MaxTextLength => max;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
        {
            var length = min == max ? min : (int)random.NextInclusive(min, max);
            return string.Create(length, random.NextUInt64(), static (chars, seed) =>
            {
                var stream = new DeterministicRandom(seed);
                ulong bits = 0;
                for (var i = 0; i < chars.Length; i++)
                {
                    if (i % 64 == 0)
                    {
                        bits = stream.NextUInt64();
                    }

                    chars[i] = (bits & 1) == 0 ? '0' : '1';
                    bits >>= 1;
                }
            });
        }
    }

    private sealed class RangeGenerator(string of, int scale, long min, long max, bool multi, long countMin, long countMax, bool disjoint) : FieldGenerator
    {
        public override ValueKind Kind => ValueKind.String;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
        {
            var count = (int)(countMin == countMax ? countMin : random.NextInclusive(countMin, countMax));
            var shift = disjoint ? checked(scope.Position * (max - min)) : 0;
            Span<long> points = stackalloc long[128];
            points = points[..(2 * count)];
            for (var i = 0; i < points.Length; i++)
            {
                // Distinct points: a repeat is drawn again (the space holds at least twice the most ranges).
                long p;
                do
                {
                    p = random.NextInclusive(min, max);
                }
                while (points[..i].Contains(p));
                points[i] = p;
            }

            points.Sort();
            var text = new StringBuilder();
            if (multi)
            {
                text.Append('{');
            }

            for (var i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    text.Append(',');
                }

                text.Append('[').Append(Bound(points[2 * i] + shift)).Append(',').Append(Bound(points[(2 * i) + 1] + shift)).Append(')');
            }

            if (multi)
            {
                text.Append('}');
            }

            return text.ToString();
        }

        private string Bound(long units) => of switch
        {
            "int" => units.ToString(CultureInfo.InvariantCulture),
            "decimal" => (units / Pow10(scale)).ToString("F" + scale.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            "date" => DateOnly.FromDayNumber(checked((int)units)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            _ => "\"" + new DateTime(units * TimeSpan.TicksPerSecond, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "+00\"",
        };
    }
}
