using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace DataGen.Manifests;

// Scalar readers shared by the manifest, simulation, events and journeys readers: numbers, text, dates, delays, unknown keys.
internal sealed partial class ManifestReader
{
    internal static YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key).Value;

    private static string Clean(string message) => message.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    internal T? ReadNumber<T>(YamlNode node, string what, string expected, Func<string, T?> parse, string? model = null)
        where T : struct
    {
        var text = Text(node, expected, model);
        if (text is null)
        {
            return null;
        }

        var value = parse(text);
        if (value is null)
        {
            _errors.Add(node, $"'{what}' must be {expected}, found '{text}'", model);
        }

        return value;
    }

    internal string? Text(YamlNode node, string expected, string? model = null)
    {
        if (node is YamlScalarNode s)
        {
            return _variables.Substitute(s, _errors, model);
        }

        _errors.Add(node, $"expected {expected}", model);
        return null;
    }

    /// <summary>Reports every key of <paramref name="map"/> not in <paramref name="keys"/> (with a suggestion).</summary>
    internal void CheckKeys(YamlMappingNode map, string[] keys, string what, string? model)
    {
        foreach (var (k, _) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? string.Empty;
            if (!keys.Contains(key))
            {
                _errors.Add(k, $"unknown {what} key '{key}'{Suggest.Hint(key, keys)}; expected one of: {string.Join(", ", keys)}", model);
            }
        }
    }

    /// <summary>A UTC date or date-time, or null (reported) when the scalar is not one.</summary>
    internal DateTime? Date(YamlNode node, string? model)
    {
        var text = Text(node, "a date", model);
        if (text is not null && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date))
        {
            return DateTime.SpecifyKind(date, DateTimeKind.Utc);
        }

        if (text is not null)
        {
            _errors.Add(node, $"expected a date such as 2025-01-01 or 2025-01-01T12:00:00Z, found '{text}'", model);
        }

        return null;
    }

    /// <summary>A delay (<c>1h</c>) or a range (<c>[1m, 1d]</c>); null (reported) when it is neither or min &gt; max.</summary>
    internal (TimeSpan Min, TimeSpan Max)? DelayRange(YamlNode node, string? model)
    {
        var bounds = node is YamlSequenceNode pair && pair.Children.Count == 2
            ? pair.Children.Select(c => Text(c, "a duration", model) is { } t ? Durations.Parse(t) : null).ToArray()
            : node is YamlScalarNode ? [Text(node, "a duration", model) is { } t1 ? Durations.Parse(t1) : null] : [];
        if (bounds.Length == 0 || bounds.Any(b => b is null || b < TimeSpan.Zero) || bounds[^1] < bounds[0])
        {
            _errors.Add(node, "'after' must be a delay or [min, max] such as [1m, 1d] with 0 ≤ min ≤ max", model);
            return null;
        }

        return (bounds[0]!.Value, bounds[^1]!.Value);
    }
}
