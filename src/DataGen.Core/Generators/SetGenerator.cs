using System.Text;
using DataGen.Generation;
using DataGen.Randomness;
using YamlDotNet.RepresentationModel;

namespace DataGen.Generators;

/// <summary>
/// A subset of given values, comma-joined in their given order (<c>Trailers,Deleted Scenes</c>): what a MySQL
/// <c>SET</c> column holds. <c>choice</c> cannot say it without listing every combination.
/// </summary>
internal static class SetGenerator
{
    public static readonly GeneratorDescriptor Descriptor = new(
        "set",
        "A subset of the values, joined by commas in the order given (a MySQL SET).",
        [
            new("values", OptionType.List, "The members (text without commas).", Required: true),
            new("min", OptionType.Integer, "Fewest members (default 1)."),
            new("max", OptionType.Integer, "Most members (default all)."),
        ],
        static (spec, _) =>
        {
            if (spec.Require("values", "a list of values") is not { } node)
            {
                return null;
            }

            if (node is not YamlSequenceNode list || list.Children.Count == 0)
            {
                spec.Error(node, "'values' must be a non-empty list");
                return null;
            }

            var values = new List<string>();
            foreach (var item in list)
            {
                var text = ScalarValues.Format(ScalarValues.Read(spec, item));
                if (text.Contains(',', StringComparison.Ordinal))
                {
                    spec.Error(item, $"a member of a set cannot contain a comma: '{text}'");
                    return null;
                }

                values.Add(text);
            }

            var min = spec.GetLong("min") ?? 1;
            var max = spec.GetLong("max") ?? values.Count;
            if (min < 0 || max > values.Count || min > max)
            {
                spec.Error(spec.Find("min") ?? spec.Find("max"), $"min and max must be within 0–{values.Count} with min ≤ max, found {min}–{max}");
                return null;
            }

            return new Generator([.. values], (int)min, (int)max);
        });

    private sealed class Generator(string[] values, int min, int max) : FieldGenerator
    {
        public override ValueKind Kind => ValueKind.String;

        public override int? MaxTextLength => values.Sum(v => v.Length) + values.Length - 1;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
        {
            var count = (int)random.NextInclusive(min, max);
            Span<bool> chosen = stackalloc bool[values.Length];
            Span<int> order = stackalloc int[values.Length];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            // The first `count` places of a partial shuffle are the members; they are written in the given order.
            for (var i = 0; i < count; i++)
            {
                var j = i + random.NextIndex(values.Length - i);
                (order[i], order[j]) = (order[j], order[i]);
                chosen[order[i]] = true;
            }

            var builder = new StringBuilder();
            var first = true;
            for (var i = 0; i < values.Length; i++)
            {
                if (chosen[i])
                {
                    builder.Append(first ? string.Empty : ",").Append(values[i]);
                    first = false;
                }
            }

            return builder.ToString();
        }
    }
}
