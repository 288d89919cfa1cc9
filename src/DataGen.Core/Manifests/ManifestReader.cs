using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DataGen.Manifests;

/// <summary>Reads the manifest's YAML (or JSON) into settings and model sources, reporting every problem with its position.</summary>
internal sealed partial class ManifestReader
{
    private static readonly string[] TopLevelKeys = ["$schema", "seed", "scale", "locale", "referenceDate", "variables", "datastores", "models", "simulation", "events", "journeys"];
    private static readonly string[] ModelKeys = ["count", "key", "fields", "store", "table", "mode", "indexes", "unique", "duplicates", "tracers", "scale", "enabled", "archive"];

    private readonly ErrorSink _errors;
    private readonly Variables _variables;
    private readonly Stores.StoreCatalog? _stores;

    /// <param name="errors">Where problems go.</param>
    /// <param name="variables">Variable values.</param>
    /// <param name="stores">The registered store kinds: datastore kinds and settings are checked against them (null: any kind is accepted).</param>
    public ManifestReader(ErrorSink errors, Variables variables, Stores.StoreCatalog? stores = null)
    {
        _errors = errors;
        _variables = variables;
        _stores = stores;
    }

    public ulong? Seed { get; private set; }

    public double Scale { get; private set; } = 1;

    public string Locale { get; private set; } = "en";

    /// <summary>The fixed "now" of relative dates: 2025-01-01T00:00:00Z unless the manifest says otherwise.</summary>
    public DateTime ReferenceDate { get; private set; } = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public List<ModelSource> Models { get; } = [];

    public List<Datastore> Datastores { get; } = [];

    /// <summary>The <c>simulation:</c> section, read after the models are compiled.</summary>
    public YamlNode? SimulationNode { get; private set; }

    /// <summary>The <c>events:</c> section (event flows), read after the models are compiled.</summary>
    public YamlNode? EventsNode { get; private set; }

    /// <summary>The <c>journeys:</c> section.</summary>
    public YamlNode? JourneysNode { get; private set; }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    internal static partial Regex Identifier();

    /// <summary>The longest name of a model, datastore, variable or journey (names become file names and store identifiers).</summary>
    internal const int MaxNameLength = 128;

    internal static bool IsIdentifier(string? name) => name is not null && Identifier().IsMatch(name);

    /// <summary>The entries of a map whose keys are identifiers; every other key is reported as "<paramref name="what"/> 'x' must …".</summary>
    private IEnumerable<(string Name, YamlNode Key, YamlNode Value)> NamedEntries(YamlMappingNode map, string what)
    {
        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? string.Empty;
            if (name.Length > MaxNameLength)
            {
                _errors.Add(k, $"{what} '{name[..24]}…' has {name.Length} characters; at most {MaxNameLength} are allowed (names become file names and store identifiers)");
            }
            else if (Identifier().IsMatch(name))
            {
                yield return (name, k, v);
            }
            else
            {
                _errors.Add(k, $"{what} '{name}' must start with a letter or underscore and contain only letters, digits and underscores");
            }
        }
    }

    private static YamlNode? FirstKeyNode(YamlMappingNode map, string key) =>
        map.Children.Keys.FirstOrDefault(k => k is YamlScalarNode s && s.Value == key);

    public void Read(YamlMappingNode root)
    {
        // Variables first: every other scalar may use them.
        if (Get(root, "variables") is { } vars)
        {
            ReadVariables(vars);
        }

        CheckUndeclaredOverrides(root);

        foreach (var (k, v) in root.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? string.Empty;
            switch (key)
            {
                case "seed":
                    Seed = ReadNumber<ulong>(v, "seed", "a whole number ≥ 0", t => ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : (ulong?)null);
                    break;
                case "scale":
                    Scale = ReadNumber(v, "scale", "a number > 0", t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 && double.IsFinite(s) ? s : (double?)null) ?? 1;
                    break;
                case "locale":
                    ReadLocale(v);
                    break;
                case "referenceDate":
                    ReadReferenceDate(v);
                    break;
                case "models":
                    ReadModels(v);
                    break;
                case "datastores":
                    ReadDatastores(v);
                    break;
                case "simulation":
                    SimulationNode = v;
                    break;
                case "events":
                    EventsNode = v;
                    break;
                case "journeys":
                    JourneysNode = v;
                    break;
                case "variables" or "$schema":
                    break;
                default:
                    var suggestion = Suggest.Closest(key, TopLevelKeys);
                    _errors.Add(k, $"unknown top-level key '{key}'"
                        + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)")
                        + $"; expected one of: {string.Join(", ", TopLevelKeys)}");
                    break;
            }
        }

        if (Get(root, "models") is null && Get(root, "events") is null && Get(root, "journeys") is null)
        {
            _errors.Add(root, "the manifest has no 'models:' section (or 'events:' or 'journeys:')");
        }

        CheckStores();
        CheckSwitchedOff();
    }

    /// <summary>A value supplied for a variable the manifest does not declare is a typo until proven otherwise.</summary>
    private void CheckUndeclaredOverrides(YamlMappingNode root)
    {
        foreach (var name in _variables.UndeclaredOverrides())
        {
            var declared = _variables.Declared;
            var suggestion = Suggest.Closest(name, declared);
            _errors.Add(
                Get(root, "variables") is { } at ? FirstKeyNode(root, "variables") ?? at : root,
                $"variable '{name}' has a value (--var, ManifestOptions.Variables or an attribute) but is not declared under 'variables:'"
                + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)")
                + (declared.Count == 0 ? "; the manifest declares no variables" : $"; declared: {string.Join(", ", declared)}"));
        }
    }

    private void ReadLocale(YamlNode v)
    {
        var locale = Text(v, "a Bogus locale such as en, de, fr, pt_BR");
        if (locale is not null && !Bogus.Database.LocaleResourceExists(locale))
        {
            _errors.Add(v, $"unknown locale '{locale}'; Bogus locales: {string.Join(", ", Bogus.Database.GetAllLocales().Order(StringComparer.Ordinal))}");
        }
        else if (locale is not null)
        {
            Locale = locale;
        }
    }

    private void ReadReferenceDate(YamlNode v)
    {
        var text = Text(v, "a date");
        if (text is not null && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date))
        {
            ReferenceDate = DateTime.SpecifyKind(date, DateTimeKind.Utc);
        }
        else if (text is not null)
        {
            _errors.Add(v, $"'referenceDate' must be a date such as 2025-01-01 or 2025-01-01T12:00:00Z, found '{text}'");
        }
    }

    private void ReadVariables(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            _errors.Add(node, "'variables' must be a map of name: default value (null for a value that must be supplied)");
            return;
        }

        foreach (var (name, _, v) in NamedEntries(map, "variable name"))
        {
            if (v is not YamlScalarNode s)
            {
                _errors.Add(v, $"variable '{name}' must have a scalar default value (or null)");
                continue;
            }

            _variables.Declare(name, s.Style == ScalarStyle.Plain && s.Value is "null" or "~" or "" ? null : s.Value);
        }
    }
}
