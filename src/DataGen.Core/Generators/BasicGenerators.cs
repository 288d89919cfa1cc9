using DataGen.Generation;
using DataGen.Manifests;
using DataGen.Randomness;
using YamlDotNet.RepresentationModel;

namespace DataGen.Generators;

/// <summary>UUIDs, sequences, booleans, constants, weighted choices and masks.</summary>
internal static class BasicGenerators
{
    public static readonly GeneratorDescriptor Uuid = new(
        "uuid",
        "A deterministic random UUID (version 4 layout) derived from the seed, model, field and row.",
        [],
        static (spec, _) => new UuidGenerator());

    public static readonly GeneratorDescriptor Sequence = new(
        "sequence",
        "start + row × step (within an array: the element index).",
        [new("start", OptionType.Integer, "First value (default 1)."), new("step", OptionType.Integer, "Increment (default 1).")],
        static (spec, ctx) =>
        {
            var start = spec.GetLong("start") ?? 1;
            var step = spec.GetLong("step") ?? 1;
            if (step == 0)
            {
                spec.Error(spec.Find("step"), "option 'step' must not be 0");
            }

            // Appending to a table that holds rows: the keys continue after its largest.
            return new SequenceGenerator(ctx.Scope.Parent is null ? ctx.Compiler.SequenceStart(ctx.Model, spec.Path, start, step) : start, step);
        });

    public static readonly GeneratorDescriptor Bool = new(
        "bool",
        "true with the given probability.",
        [new("probability", OptionType.Probability, "Probability of true (default 0.5).")],
        static (spec, _) => new BoolGenerator(spec.GetProbability("probability") ?? 0.5));

    public static readonly GeneratorDescriptor Constant = new(
        "constant",
        "The same value in every row.",
        [new("value", OptionType.Any, "The value.", Required: true)],
        static (spec, _) =>
        {
            var node = spec.Require("value", "a scalar");
            return node is null ? null : new ConstantGenerator(ScalarValues.Read(spec, node));
        });

    public static readonly GeneratorDescriptor Choice = new(
        "choice",
        "One of the given values, uniformly or by weight: a list, a list with 'weights', or a map of value: weight.",
        [
            new("values", OptionType.WeightedValues, "A list of values, or a map of value to weight.", Required: true),
            new("weights", OptionType.List, "Weights for a list of values (same length)."),
        ],
        static (spec, _) => CreateChoice(spec));

    public static readonly GeneratorDescriptor Mask = new(
        "mask",
        "Fills a pattern: # a digit, @ an upper-case letter, ? a lower-case letter, * a letter or digit, \\ escapes the next character.",
        [new("mask", OptionType.String, "The pattern, e.g. 07######### or @@###@@@#@###@.", Required: true)],
        static (spec, _) => spec.GetString("mask", required: true) is { } mask ? new MaskGenerator(mask) : null);

    /// <summary>A version-4-layout UUID from 128 bits of the stream.</summary>
    internal static Guid NextUuid(ref DeterministicRandom random)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, random.NextUInt64());
        BitConverter.TryWriteBytes(bytes[8..], random.NextUInt64());
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (Guid's little-endian layout)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }

    /// <summary>A mask generator for C# document schemas.</summary>
    internal static FieldGenerator MaskOf(string mask) => new MaskGenerator(mask);

    /// <summary>A UUID generator for C# document schemas.</summary>
    internal static FieldGenerator NewUuid() => new UuidGenerator();

    private static ChoiceGenerator? CreateChoice(FieldSpec spec)
    {
        var node = spec.Require("values", "a list or a map of value: weight");
        var weightsNode = spec.Find("weights");
        var values = new List<object?>();
        var weights = new List<double>();
        switch (node)
        {
            case YamlSequenceNode list:
                if (!ReadListedChoices(spec, list, weightsNode, values, weights))
                {
                    return null;
                }

                break;
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                {
                    values.Add(ScalarValues.Read(spec, k));
                    weights.Add(ReadWeight(spec, v));
                }

                if (weightsNode is not null)
                {
                    spec.Error(weightsNode, "'weights' goes with a list of values; a map already gives each value its weight");
                }

                break;
            case null:
                return null;
            default:
                spec.Error(node, "'values' must be a list or a map of value: weight");
                return null;
        }

        if (values.Count == 0)
        {
            spec.Error(node, "'values' must not be empty");
            return null;
        }

        if (weights.Sum() <= 0)
        {
            spec.Error(node, "the weights must add up to more than 0");
            return null;
        }

        return new ChoiceGenerator([.. values], [.. weights]);
    }

    /// <summary>A list of values with, when given, a list of as many weights; false when the counts differ (reported).</summary>
    private static bool ReadListedChoices(FieldSpec spec, YamlSequenceNode list, YamlNode? weightsNode, List<object?> values, List<double> weights)
    {
        foreach (var item in list)
        {
            values.Add(ScalarValues.Read(spec, item));
        }

        if (weightsNode is YamlSequenceNode w)
        {
            foreach (var item in w)
            {
                weights.Add(ReadWeight(spec, item));
            }

            if (weights.Count != values.Count)
            {
                spec.Error(weightsNode, $"'weights' has {weights.Count} entries but 'values' has {values.Count}");
                return false;
            }
        }
        else if (weightsNode is not null)
        {
            spec.Error(weightsNode, "'weights' must be a list of numbers");
        }
        else
        {
            weights.AddRange(values.Select(_ => 1.0));
        }

        return true;
    }

    private static double ReadWeight(FieldSpec spec, YamlNode node)
    {
        var text = spec.Scalar(node, "a weight");
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var w) && w >= 0 && double.IsFinite(w))
        {
            return w;
        }

        spec.Error(node, $"a weight must be a number ≥ 0, found '{text}'");
        return 0;
    }

    private sealed class UuidGenerator : FieldGenerator
    {
        public override ValueKind Kind => ValueKind.Uuid;

        public override bool UniqueByConstruction => true;

        public override bool PositionOnly => true;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope) => NextUuid(ref random);

        public override object? ValueAt(ref DeterministicRandom random, long position) => NextUuid(ref random);
    }

    internal sealed class SequenceGenerator(long start, long step) : FieldGenerator
    {
        /// <summary>The increment (an appended table's keys continue after its largest only when it is positive).</summary>
        public long Step => step;

        public override ValueKind Kind => ValueKind.Integer;

        public override bool UniqueByConstruction => true;

        public override bool PositionOnly => true;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope) => ValueAt(ref random, scope.Position);

        public override object? ValueAt(ref DeterministicRandom random, long position) => start + (step * position);
    }

    private sealed class BoolGenerator(double probability) : FieldGenerator
    {
        public override ValueKind Kind => ValueKind.Boolean;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope) => random.Chance(probability);
    }

    private sealed class ConstantGenerator(object? value) : FieldGenerator
    {
        public override ValueKind Kind => ScalarValues.KindOf(value);

        public override IReadOnlyList<object?>? PossibleValues => [value];

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope) => value;
    }

    private sealed class ChoiceGenerator : FieldGenerator
    {
        private readonly object?[] _values;
        private readonly double[] _cumulative;
        private readonly bool _uniform;

        public ChoiceGenerator(object?[] values, double[] weights)
        {
            _values = values;
            _uniform = weights.All(w => w == weights[0]);
            _cumulative = new double[weights.Length];
            var total = weights.Sum();
            var running = 0.0;
            for (var i = 0; i < weights.Length; i++)
            {
                running += weights[i];
                _cumulative[i] = running / total;
            }

            Kind = values.Select(ScalarValues.KindOf).Distinct().Count() == 1 ? ScalarValues.KindOf(values[0]) : ValueKind.Unknown;
        }

        public override ValueKind Kind { get; }

        public override IReadOnlyList<object?>? PossibleValues => _values;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
        {
            if (_uniform)
            {
                return _values[random.NextIndex(_values.Length)];
            }

            var u = random.NextDouble();
            var i = Array.BinarySearch(_cumulative, u);
            i = i < 0 ? ~i : i + 1;
            return _values[Math.Min(i, _values.Length - 1)];
        }
    }

    private sealed class MaskGenerator(string mask) : FieldGenerator
    {
        private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        private const string Lower = "abcdefghijklmnopqrstuvwxyz";
        private const string AlphaNumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

        public override ValueKind Kind => ValueKind.String;

        public override int? MaxTextLength => mask.Length - mask.Count(c => c == '\\');

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope) => Fill(mask, ref random);

        internal static string Fill(string mask, ref DeterministicRandom random)
        {
            var builder = StringBuilderCache.Acquire(mask.Length);
            for (var i = 0; i < mask.Length; i++)
            {
                var c = mask[i];
                builder.Append(c switch
                {
                    '#' => (char)('0' + random.NextIndex(10)),
                    '@' => Upper[random.NextIndex(26)],
                    '?' => Lower[random.NextIndex(26)],
                    '*' => AlphaNumeric[random.NextIndex(AlphaNumeric.Length)],
                    '\\' when i + 1 < mask.Length => mask[++i],
                    _ => c,
                });
            }

            return StringBuilderCache.ToStringAndRelease(builder);
        }
    }
}
