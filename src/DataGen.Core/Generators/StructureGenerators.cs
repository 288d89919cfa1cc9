using DataGen.Generation;
using DataGen.Manifests;
using DataGen.Randomness;
using YamlDotNet.RepresentationModel;

namespace DataGen.Generators;

/// <summary>Nested objects and arrays, to any depth; their fields may reference other models.</summary>
internal static class StructureGenerators
{
    /// <summary>The most values one row may hold through nested arrays and objects.</summary>
    public const double MaxValuesPerRow = 10_000_000;

    public static readonly GeneratorDescriptor Object = new(
        "object",
        "A nested object with its own fields.",
        [new("fields", OptionType.FieldMap, "The nested fields, as under a model.", Required: true)],
        static (spec, ctx) =>
        {
            var node = spec.Require("fields", "a map of field name to generator");
            return node is not null && ctx.CompileObject(spec, node) is { } shape ? new ObjectGenerator(shape, spec.Path) : null;
        });

    public static readonly GeneratorDescriptor Array = new(
        "array",
        "A list whose length is fixed or drawn from [min, max], of items described by 'items'.",
        [
            new("count", OptionType.Count, "The length: a number or [min, max] (default [1, 3]).", Required: false),
            new("items", OptionType.FieldSpec, "The generator of each item (any field spec, including object).", Required: true),
        ],
        static (spec, ctx) =>
        {
            var (min, max) = ReadCount(spec);
            var itemsNode = spec.Require("items", "a field spec");
            if (itemsNode is null)
            {
                return null;
            }

            var name = spec.Path[(spec.Path.LastIndexOf('.') + 1)..] + "[]";
            var scope = new ScopeInfo([(name, itemsNode)], ctx.Scope);
            var shape = ctx.Compiler.CompileObject(ctx.Model, spec.Path, scope, [(name, spec.Path + "[]", itemsNode)], ctx);
            if (shape is null)
            {
                return null;
            }

            // Nested arrays multiply: 50 levels of [1, 2] are 2⁵⁰ values a row. Refuse before generating anything.
            var values = max * shape.MaxValues;
            if (values > MaxValuesPerRow)
            {
                spec.Error(spec.Find("count") ?? spec.Node, $"this array holds up to {values:G3} values a row (up to {max:N0} items of up to {shape.MaxValues:G3} values each, nested arrays multiplied); at most {MaxValuesPerRow:N0} are allowed: lower the counts or the nesting");
                return null;
            }

            return new ArrayGenerator(shape, min, max);
        });

    internal static (long Min, long Max) ReadCount(FieldSpec spec)
    {
        var node = spec.Find("count");
        switch (node)
        {
            case null:
                return (1, 3);
            case YamlSequenceNode { Children.Count: 2 } pair:
                var min = ParseCount(spec, pair[0]);
                var max = ParseCount(spec, pair[1]);
                if (min > max)
                {
                    spec.Error(node, $"array count [{min}, {max}]: min is greater than max");
                }

                return (min, max);
            case YamlScalarNode:
                var n = ParseCount(spec, node);
                return (n, n);
            default:
                spec.Error(node, "array 'count' must be a number or [min, max]");
                return (0, 0);
        }
    }

    private static long ParseCount(FieldSpec spec, YamlNode node)
    {
        var text = spec.Scalar(node, "a count");
        if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n <= 100_000)
        {
            return n;
        }

        spec.Error(node, $"array count must be a whole number from 0 to 100000, found '{text}'");
        return 0;
    }

    internal sealed class ObjectGenerator(CompiledObject shape, string path) : FieldGenerator
    {
        public override double MaxValues => shape.MaxValues;

        private readonly ulong _key = StableHash.Of(path);

        public override ValueKind Kind => ValueKind.Object;

        public CompiledObject Shape => shape;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope) =>
            shape.Generate(scope.Row, scope, StableHash.Combine(scope.StreamKey, _key), scope.Position).ToObject();
    }

    internal sealed class ArrayGenerator(CompiledObject item, long min, long max) : FieldGenerator
    {
        public override double MaxValues => max * item.MaxValues;

        public override ValueKind Kind => ValueKind.Array;

        public CompiledObject ItemShape => item;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
        {
            var count = random.NextInclusive(min, max);
            var values = new object?[count];
            var baseKey = random.NextUInt64();
            for (var i = 0; i < count; i++)
            {
                values[i] = item.Generate(scope.Row, scope, StableHash.Combine(baseKey, (ulong)i), i).Values[0];
            }

            return values;
        }
    }
}
