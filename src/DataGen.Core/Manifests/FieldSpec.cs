using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace DataGen.Manifests;

/// <summary>
/// One field's YAML as a generator factory sees it: typed option getters that report
/// errors at the option's own line and column, and that remember which options were read
/// so unknown ones (typos) are reported too.
/// </summary>
internal sealed class FieldSpec
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal) { "type" };

    public FieldSpec(string model, string path, YamlNode node, YamlMappingNode? map, string type, YamlNode typeNode, ErrorSink errors, Variables variables)
    {
        Model = model;
        Path = path;
        Node = node;
        Map = map;
        Type = type;
        TypeNode = typeNode;
        Errors = errors;
        Variables = variables;
    }

    public string Model { get; }

    /// <summary>Dotted path of the field inside its model (<c>items[].product_id</c> for array items).</summary>
    public string Path { get; }

    public YamlNode Node { get; }

    public YamlMappingNode? Map { get; }

    public string Type { get; }

    public YamlNode TypeNode { get; }

    public ErrorSink Errors { get; }

    public Variables Variables { get; }

    public void Error(YamlNode? at, string message) => Errors.Add(at ?? Node, message, Model, Path);

    public bool Has(string key) => Find(key) is not null;

    public YamlNode? Find(string key)
    {
        if (Map is null)
        {
            return null;
        }

        foreach (var (k, v) in Map.Children)
        {
            if (k is YamlScalarNode s && s.Value == key)
            {
                _read.Add(key);
                return v;
            }
        }

        return null;
    }

    public YamlNode? Require(string key, string expected)
    {
        var node = Find(key);
        if (node is null)
        {
            Error(Map ?? Node, $"generator '{Type}' needs option '{key}' ({expected})");
        }

        return node;
    }

    public string? GetString(string key, bool required = false)
    {
        var node = required ? Require(key, "a string") : Find(key);
        return node is null ? null : Scalar(node, "a string");
    }

    /// <summary>The text of a scalar after variable substitution; reports a non-scalar.</summary>
    public string? Scalar(YamlNode node, string expected)
    {
        if (node is YamlScalarNode s)
        {
            return Variables.Substitute(s, Errors, Model, Path);
        }

        Error(node, $"expected {expected}, found a {(node is YamlSequenceNode ? "list" : "mapping")}");
        return null;
    }

    /// <summary>The text of a scalar without variable substitution (templates resolve names themselves).</summary>
    public string? RawScalar(YamlNode node, string expected)
    {
        if (node is YamlScalarNode s)
        {
            return s.Value ?? string.Empty;
        }

        Error(node, $"expected {expected}, found a {(node is YamlSequenceNode ? "list" : "mapping")}");
        return null;
    }

    public long? GetLong(string key, bool required = false) =>
        Parse<long>(key, required, "an integer", static t => long.TryParse(t.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null);

    public double? GetDouble(string key, bool required = false) =>
        Parse<double>(key, required, "a number", static t => double.TryParse(t.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null);

    public decimal? GetDecimal(string key, bool required = false) =>
        Parse<decimal>(key, required, "a number", static t => decimal.TryParse(t.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null);

    public bool? GetBool(string key) =>
        Parse<bool>(key, false, "true or false", ParseBool);

    /// <summary>A manifest's boolean literal (true/True/yes, false/False/no), or null.</summary>
    internal static bool? ParseBool(string text) => text switch { "true" or "True" or "yes" => true, "false" or "False" or "no" => false, _ => null };

    /// <summary>A probability in [0, 1]; percentages like <c>15%</c> are accepted too.</summary>
    public double? GetProbability(string key)
    {
        var node = Find(key);
        if (node is null)
        {
            return null;
        }

        var text = Scalar(node, "a probability between 0 and 1");
        if (text is null)
        {
            return null;
        }

        var percent = text.EndsWith('%');
        if (double.TryParse(percent ? text[..^1] : text, NumberStyles.Float, CultureInfo.InvariantCulture, out var p))
        {
            p = percent ? p / 100 : p;
            if (p is >= 0 and <= 1)
            {
                return p;
            }
        }

        Error(node, $"option '{key}' must be a probability between 0 and 1 (or a percentage like 15%), found '{text}'");
        return null;
    }

    /// <summary>Reports options the generator does not know, with the ones it does.</summary>
    public void ReportUnknownOptions(IEnumerable<string> known)
    {
        if (Map is null)
        {
            return;
        }

        var knownSet = known.ToHashSet(StringComparer.Ordinal);
        foreach (var (k, _) in Map.Children)
        {
            if (k is YamlScalarNode s && s.Value is { } name && !_read.Contains(name) && !knownSet.Contains(name))
            {
                var suggestion = Suggest.Closest(name, knownSet);
                Error(k, $"unknown option '{name}' for generator '{Type}'"
                    + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)")
                    + $"; expected one of: {string.Join(", ", knownSet.Order(StringComparer.Ordinal))}");
            }
        }
    }

    private T? Parse<T>(string key, bool required, string expected, Func<string, T?> parse)
        where T : struct
    {
        var node = required ? Require(key, expected) : Find(key);
        if (node is null)
        {
            return null;
        }

        var text = Scalar(node, expected);
        if (text is null)
        {
            return null;
        }

        var value = parse(text);
        if (value is null)
        {
            Error(node, $"option '{key}' must be {expected}, found '{text}'");
        }

        return value;
    }
}
