using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace DataGen.Manifests;

/// <summary>
/// Manifest variables: <c>{{name}}</c> in any scalar. A value comes from, in order, the caller
/// (<c>--var name=value</c>), the environment (<c>DATAGEN_VAR_name</c>), then the manifest's default,
/// so credentials never need to live in the file.
/// </summary>
internal sealed partial class Variables
{
    /// <summary>Prefix of environment variables that supply manifest variables.</summary>
    public const string EnvironmentPrefix = "DATAGEN_VAR_";

    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public Variables(
        IReadOnlyDictionary<string, string>? overrides,
        Func<string, string?> environment)
    {
        Overrides = overrides ?? new Dictionary<string, string>();
        Environment = environment;
    }

    private IReadOnlyDictionary<string, string> Overrides { get; }

    private Func<string, string?> Environment { get; }

    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*\}\}", RegexOptions.CultureInvariant)]
    internal static partial Regex Placeholder();

    /// <summary>The name when <paramref name="text"/> is exactly one placeholder (its value keeps its type), else null.</summary>
    internal static string? WholePlaceholder(string text) =>
        Placeholder().Match(text) is { Success: true } m && m.Length == text.Length ? m.Groups[1].Value : null;

    /// <summary>Replaces every placeholder with the invariant text of <paramref name="resolve"/>(name).</summary>
    internal static string Render(string text, Func<string, object?> resolve) =>
        Placeholder().Replace(text, m => Outputs.ValueText.Format(resolve(m.Groups[1].Value)));

    /// <summary>The variables the manifest declares, in order.</summary>
    public IReadOnlyList<string> Declared => _values.Keys.ToList();

    /// <summary>Names the caller gave values for that the manifest does not declare (the environment's are not counted).</summary>
    public IEnumerable<string> UndeclaredOverrides() => Overrides.Keys.Where(k => !_values.ContainsKey(k)).Order(StringComparer.Ordinal);

    /// <summary>Declares a variable with its default (null: required).</summary>
    public void Declare(string name, string? defaultValue) => _values[name] = defaultValue;

    /// <summary>Resolves a variable's value, or null when it has none.</summary>
    public string? Resolve(string name)
    {
        if (Overrides.TryGetValue(name, out var o))
        {
            return o;
        }

        var fromEnvironment = Environment(EnvironmentPrefix + name);
        if (fromEnvironment is not null)
        {
            return fromEnvironment;
        }

        return _values.TryGetValue(name, out var d) ? d : null;
    }

    /// <summary>Whether a name is a declared or supplied variable.</summary>
    public bool IsKnown(string name) =>
        _values.ContainsKey(name) || Overrides.ContainsKey(name) || Environment(EnvironmentPrefix + name) is not null;

    /// <summary>Replaces every <c>{{name}}</c> in a scalar; unknown or unset names are reported at the scalar (and yield null).</summary>
    public string? Substitute(YamlScalarNode node, ErrorSink errors, string? model = null, string? field = null)
    {
        var text = node.Value ?? string.Empty;
        if (!text.Contains("{{", StringComparison.Ordinal))
        {
            return text;
        }

        var builder = new StringBuilder();
        var last = 0;
        var ok = true;
        foreach (Match m in Placeholder().Matches(text))
        {
            builder.Append(text, last, m.Index - last);
            var name = m.Groups[1].Value;
            var value = Resolve(name);
            if (value is null)
            {
                errors.Add(node, IsKnown(name)
                    ? $"variable '{name}' has no value: pass --var {name}=… or set {EnvironmentPrefix}{name}"
                    : $"unknown variable '{{{{{name}}}}}': declare it under 'variables:' or pass --var {name}=…", model, field);
                ok = false;
            }

            builder.Append(value);
            last = m.Index + m.Length;
        }

        builder.Append(text, last, text.Length - last);
        return ok ? builder.ToString() : null;
    }
}
