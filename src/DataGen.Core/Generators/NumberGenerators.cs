using DataGen.Generation;
using DataGen.Manifests;
using DataGen.Randomness;

namespace DataGen.Generators;

/// <summary>Integers and decimals, uniform or normal (truncated to [min, max]).</summary>
internal static class NumberGenerators
{
    private static readonly string[] Distributions = ["uniform", "normal"];

    private static readonly OptionSpec[] Common =
    [
        new("distribution", OptionType.String, "uniform (default) or normal.", Allowed: Distributions),
        new("mean", OptionType.Number, "Mean of the normal distribution (default: the middle of the range)."),
        new("stddev", OptionType.Number, "Standard deviation of the normal distribution (default: a sixth of the range)."),
    ];

    public static readonly GeneratorDescriptor Int = new(
        "int",
        "A whole number in [min, max].",
        [new("min", OptionType.Integer, "Smallest value (default 0)."), new("max", OptionType.Integer, "Largest value (default 100)."), .. Common],
        static (spec, _) =>
        {
            var min = spec.GetLong("min") ?? 0;
            var max = spec.GetLong("max") ?? 100;
            return CheckRange(spec, min, max) && ReadShape(spec, min, max) is { } shape ? new IntGenerator(min, max, shape) : null;
        });

    public static readonly GeneratorDescriptor Decimal = new(
        "decimal",
        "An exact decimal in [min, max] with 'scale' digits after the point.",
        [
            new("min", OptionType.Number, "Smallest value (default 0)."),
            new("max", OptionType.Number, "Largest value (default 1000)."),
            new("scale", OptionType.Integer, "Digits after the decimal point (default 2, at most 12)."),
            .. Common,
        ],
        static (spec, _) =>
        {
            var min = spec.GetDecimal("min") ?? 0m;
            var max = spec.GetDecimal("max") ?? 1000m;
            var scale = spec.GetLong("scale") ?? 2;
            if (scale is < 0 or > 12)
            {
                spec.Error(spec.Find("scale"), $"option 'scale' must be between 0 and 12, found {scale}");
                return null;
            }

            return CheckRange(spec, min, max) && ReadShape(spec, (double)min, (double)max) is { } shape
                ? new DecimalGenerator(min, max, (int)scale, shape)
                : null;
        });

    private static bool CheckRange<T>(FieldSpec spec, T min, T max)
        where T : IComparable<T>
    {
        if (min.CompareTo(max) > 0)
        {
            spec.Error(spec.Find("min"), $"'min' ({min}) is greater than 'max' ({max})");
            return false;
        }

        return true;
    }

    private static Shape? ReadShape(FieldSpec spec, double min, double max)
    {
        var distribution = spec.GetString("distribution") ?? "uniform";
        var meanNode = spec.Find("mean");
        var stddevNode = spec.Find("stddev");
        if (distribution == "uniform")
        {
            if (meanNode is not null || stddevNode is not null)
            {
                spec.Error(meanNode ?? stddevNode, "'mean' and 'stddev' go with 'distribution: normal'");
            }

            return new Shape(false, 0, 0);
        }

        if (distribution != "normal")
        {
            spec.Error(spec.Find("distribution"), $"unknown distribution '{distribution}'; expected one of: {string.Join(", ", Distributions)}");
            return null;
        }

        var mean = spec.GetDouble("mean") ?? ((min + max) / 2);
        var stddev = spec.GetDouble("stddev") ?? ((max - min) / 6);
        if (stddev <= 0)
        {
            spec.Error(stddevNode ?? spec.Node, "'stddev' must be greater than 0");
            return null;
        }

        return new Shape(true, mean, stddev);
    }

    private static double SampleNormal(ref DeterministicRandom random, Shape shape, double min, double max)
    {
        // Truncated normal by rejection; the clamp only matters for ranges far in the tails.
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var x = shape.Mean + (shape.StdDev * random.NextGaussian());
            if (x >= min && x <= max)
            {
                return x;
            }
        }

        return Math.Clamp(shape.Mean, min, max);
    }

    private readonly record struct Shape(bool Normal, double Mean, double StdDev);

    private sealed class IntGenerator(long min, long max, Shape shape) : FieldGenerator
    {
        public override ValueKind Kind => ValueKind.Integer;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope) =>
            shape.Normal
                ? (long)Math.Round(SampleNormal(ref random, shape, min - 0.5, max + 0.49999999), MidpointRounding.ToEven)
                : random.NextInclusive(min, max);
    }

    private sealed class DecimalGenerator : FieldGenerator
    {
        private readonly long _minUnits;
        private readonly long _maxUnits;
        private readonly int _scale;
        private readonly Shape _shape;

        public DecimalGenerator(decimal min, decimal max, int scale, Shape shape)
        {
            var factor = Pow10(scale);
            _minUnits = (long)decimal.Ceiling(min * factor);
            _maxUnits = (long)decimal.Floor(max * factor);
            _scale = scale;
            _shape = shape with { Mean = shape.Mean * (double)factor, StdDev = shape.StdDev * (double)factor };
        }

        public override ValueKind Kind => ValueKind.Decimal;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
        {
            var units = _shape.Normal
                ? (long)Math.Round(SampleNormal(ref random, _shape, _minUnits, _maxUnits), MidpointRounding.ToEven)
                : random.NextInclusive(_minUnits, _maxUnits);
            var negative = units < 0;
            var magnitude = (ulong)Math.Abs(units);
            return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, negative, (byte)_scale);
        }

        private static decimal Pow10(int n)
        {
            var r = 1m;
            for (var i = 0; i < n; i++)
            {
                r *= 10;
            }

            return r;
        }
    }
}
