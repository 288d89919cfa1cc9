using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DataGen.Manifests;

/// <summary>Reads the manifest's YAML (or JSON) into settings and model sources, reporting every problem with its position.</summary>
internal sealed partial class ManifestReader
{
    private static readonly string[] TopLevelKeys = ["$schema", "seed", "scale", "locale", "referenceDate", "variables", "datastores", "models", "simulation", "events", "journeys"];
    private static readonly string[] ModelKeys = ["count", "key", "fields", "store", "table", "indexes", "duplicates", "tracers"];

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

    internal static bool IsIdentifier(string? name) => name is not null && Identifier().IsMatch(name);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.\\-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TargetName();

    /// <summary>Parses YAML text; a syntax error is reported at its position and yields null.</summary>
    public static YamlMappingNode? Parse(string text, ErrorSink errors)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                errors.Add(stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode, "the manifest must be a mapping with at least 'models:'");
                return null;
            }

            return root;
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            errors.Add((int)e.Start.Line, (int)e.Start.Column, $"invalid YAML: {Clean(message)}");
            return null;
        }
    }

    public void Read(YamlMappingNode root)
    {
        // Variables first: every other scalar may use them.
        if (Get(root, "variables") is { } vars)
        {
            ReadVariables(vars);
        }

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
                    var locale = Text(v, "a Bogus locale such as en, de, fr, pt_BR");
                    if (locale is not null && !Bogus.Database.LocaleResourceExists(locale))
                    {
                        _errors.Add(v, $"unknown locale '{locale}'; Bogus locales: {string.Join(", ", Bogus.Database.GetAllLocales().Order(StringComparer.Ordinal))}");
                    }
                    else if (locale is not null)
                    {
                        Locale = locale;
                    }

                    break;
                case "referenceDate":
                    var text = Text(v, "a date");
                    if (text is not null && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date))
                    {
                        ReferenceDate = DateTime.SpecifyKind(date, DateTimeKind.Utc);
                    }
                    else if (text is not null)
                    {
                        _errors.Add(v, $"'referenceDate' must be a date such as 2025-01-01 or 2025-01-01T12:00:00Z, found '{text}'");
                    }

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
    }

    internal static YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key).Value;

    private static string Clean(string message) => message.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private void ReadVariables(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            _errors.Add(node, "'variables' must be a map of name: default value (null for a value that must be supplied)");
            return;
        }

        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? string.Empty;
            if (!Identifier().IsMatch(name))
            {
                _errors.Add(k, $"variable name '{name}' must be letters, digits and underscores");
                continue;
            }

            if (v is not YamlScalarNode s)
            {
                _errors.Add(v, $"variable '{name}' must have a scalar default value (or null)");
                continue;
            }

            _variables.Declare(name, s.Style == ScalarStyle.Plain && s.Value is "null" or "~" or "" ? null : s.Value);
        }
    }

    private void ReadModels(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            _errors.Add(node, "'models' must be a map of model name to model");
            return;
        }

        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? string.Empty;
            if (!Identifier().IsMatch(name))
            {
                _errors.Add(k, $"model name '{name}' must start with a letter or underscore and contain only letters, digits and underscores");
                continue;
            }

            if (Models.Any(m => m.Name == name))
            {
                _errors.Add(k, $"model '{name}' is defined twice", name);
                continue;
            }

            if (v is not YamlMappingNode model)
            {
                _errors.Add(v, "a model must be a map with 'count' and 'fields'", name);
                continue;
            }

            foreach (var (mk, _) in model.Children)
            {
                var key = (mk as YamlScalarNode)?.Value ?? string.Empty;
                if (!ModelKeys.Contains(key))
                {
                    var suggestion = Suggest.Closest(key, ModelKeys);
                    _errors.Add(mk, $"unknown model key '{key}'" + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)")
                        + $"; expected one of: {string.Join(", ", ModelKeys)}", name);
                }
            }

            var fields = ReadFields(Get(model, "fields"), model, name, null);
            var count = ReadCount(Get(model, "count"), model, name);
            var keyNode = Get(model, "key");
            var keyName = keyNode is null ? null : Text(keyNode, "a field name", name);
            if (keyName is not null && fields.All(f => f.Name != keyName))
            {
                _errors.Add(keyNode, $"key '{keyName}' is not a field of model '{name}'; fields: {string.Join(", ", fields.Select(f => f.Name))}", name);
            }

            var storeNode = Get(model, "store");
            var store = storeNode is null ? null : Text(storeNode, "a datastore name", name);
            var tableNode = Get(model, "table");
            var table = tableNode is null ? name : Text(tableNode, "a table, collection or topic name", name) ?? name;
            if (tableNode is not null && !TargetName().IsMatch(table))
            {
                _errors.Add(tableNode, $"table '{table}' must be letters, digits and underscores (topics may also use '.' and '-'), at most 63 characters", name);
            }

            var indexes = ReadIndexes(Get(model, "indexes"), fields, name);
            var duplicates = Get(model, "duplicates") is { } dupNode ? ReadDuplicates(dupNode, fields, name, keyName) : null;
            var tracers = Get(model, "tracers") is { } tracerNode ? ReadTracers(tracerNode, fields, name) : null;
            Models.Add(new ModelSource(name, k, fields, count, keyName, keyNode) { Store = store, StoreNode = storeNode, Target = table, Indexes = indexes, Duplicates = duplicates, Tracers = tracers });
        }
    }

    private void ReadDatastores(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            _errors.Add(node, "'datastores' must be a map of store name to { kind: …, settings… }");
            return;
        }

        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? string.Empty;
            if (!Identifier().IsMatch(name))
            {
                _errors.Add(k, $"datastore name '{name}' must be letters, digits and underscores");
                continue;
            }

            if (v is not YamlMappingNode store)
            {
                _errors.Add(v, $"datastore '{name}' must be a map with 'kind' and its settings");
                continue;
            }

            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (sk, sv) in store.Children)
            {
                var key = (sk as YamlScalarNode)?.Value ?? string.Empty;
                if (Text(sv, $"a value for '{key}'") is { } value)
                {
                    settings[key] = value;
                }
            }

            var kind = settings.GetValueOrDefault("kind");
            settings.Remove("kind");
            if (kind is null)
            {
                _errors.Add(store, $"datastore '{name}' needs a 'kind'" + (_stores is null ? string.Empty : $": one of {string.Join(", ", _stores.Kinds)}"));
                continue;
            }

            if (_stores is null)
            {
                if (!Identifier().IsMatch(kind))
                {
                    _errors.Add(Get(store, "kind"), $"datastore kind '{kind}' must be letters, digits and underscores");
                    continue;
                }
            }
            else if (_stores.Find(kind) is not { } provider)
            {
                _errors.Add(Get(store, "kind"), _stores.UnknownKind(name, kind));
                continue;
            }
            else
            {
                var known = provider.Settings.Keys.ToList();
                var unknown = false;
                foreach (var (sk, _) in store.Children)
                {
                    var key = (sk as YamlScalarNode)?.Value ?? string.Empty;
                    if (key != "kind" && !provider.Settings.ContainsKey(key))
                    {
                        unknown = true;
                        var suggestion = Suggest.Closest(key, known);
                        _errors.Add(sk, $"datastore '{name}' ({kind}): unknown setting '{key}'" + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)")
                            + $"; {kind} understands: {string.Join(", ", known)}");
                    }
                }

                if (unknown)
                {
                    continue;
                }

                var problems = provider.Validate(new Datastore(name, kind, settings)).ToList();
                foreach (var problem in problems)
                {
                    _errors.Add(store, problem);
                }

                if (problems.Count > 0)
                {
                    continue;
                }
            }

            Datastores.Add(new Datastore(name, kind, settings));
        }
    }

    /// <summary>Checks every model's <c>store:</c> against the declared datastores (after both sections are read).</summary>
    public void CheckStores()
    {
        foreach (var model in Models.Where(m => m.Store is not null))
        {
            if (Datastores.All(d => d.Name != model.Store))
            {
                var suggestion = Suggest.Closest(model.Store!, Datastores.Select(d => d.Name));
                _errors.Add(model.StoreNode, $"store '{model.Store}' is not declared under 'datastores:'"
                    + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)")
                    + (Datastores.Count == 0 ? string.Empty : $"; datastores: {string.Join(", ", Datastores.Select(d => d.Name))}"), model.Name);
            }
        }

        foreach (var group in Models.GroupBy(m => (m.Store ?? string.Empty, m.Target)).Where(g => g.Count() > 1))
        {
            _errors.Add(group.Last().Node, $"models {string.Join(" and ", group.Select(m => $"'{m.Name}'"))} would both write to '{group.Key.Target}'", group.Last().Name);
        }
    }

    /// <summary><c>indexes: [email, [last_name, first_name]]</c>: each entry a field or a list of fields.</summary>
    private List<IReadOnlyList<string>> ReadIndexes(YamlNode? node, List<(string Name, YamlNode Node)> fields, string model)
    {
        var indexes = new List<IReadOnlyList<string>>();
        if (node is null)
        {
            return indexes;
        }

        if (node is not YamlSequenceNode list)
        {
            _errors.Add(node, "'indexes' must be a list of fields or lists of fields", model);
            return indexes;
        }

        foreach (var entry in list)
        {
            var columns = entry is YamlSequenceNode composite ? composite.Children : [entry];
            var names = new List<string>();
            foreach (var column in columns)
            {
                var name = Text(column, "a field name", model);
                if (name is not null && fields.All(f => f.Name != name))
                {
                    _errors.Add(column, $"index field '{name}' is not a field of model '{model}'", model);
                }
                else if (name is not null)
                {
                    names.Add(name);
                }
            }

            if (names.Count > 0)
            {
                indexes.Add(names);
            }
        }

        return indexes;
    }

    /// <summary>Reads a map of field name → spec; shared by models and nested objects.</summary>
    internal List<(string Name, YamlNode Node)> ReadFields(YamlNode? node, YamlNode owner, string model, string? path)
    {
        var fields = new List<(string, YamlNode)>();
        if (node is null)
        {
            _errors.Add(owner, path is null ? "a model needs 'fields'" : "an object needs 'fields'", model, path);
            return fields;
        }

        if (node is not YamlMappingNode map || map.Children.Count == 0)
        {
            _errors.Add(node, "'fields' must be a non-empty map of field name to generator", model, path);
            return fields;
        }

        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? string.Empty;
            if (!Identifier().IsMatch(name))
            {
                _errors.Add(k, $"field name '{name}' must start with a letter or underscore and contain only letters, digits and underscores", model, path);
                continue;
            }

            if (fields.Any(f => f.Item1 == name))
            {
                _errors.Add(k, $"field '{name}' is defined twice", model, path);
                continue;
            }

            fields.Add((name, v));
        }

        return fields;
    }

    private CountSpec ReadCount(YamlNode? node, YamlMappingNode model, string name)
    {
        switch (node)
        {
            case null:
                _errors.Add(model, "a model needs a 'count': a number, [min, max], or { per: parent_model, min: 1, max: 5 }", name);
                return new CountSpec.Fixed(model, 0);
            case YamlScalarNode:
                return new CountSpec.Fixed(node, CountNumber(node, name));
            case YamlSequenceNode { Children.Count: 2 } pair:
                return RangeOf(node, CountNumber(pair[0], name), CountNumber(pair[1], name), name);
            case YamlMappingNode map:
                foreach (var (k, _) in map.Children)
                {
                    if ((k as YamlScalarNode)?.Value is not ("per" or "min" or "max"))
                    {
                        _errors.Add(k, $"unknown count key '{(k as YamlScalarNode)?.Value}'; expected per, min, max", name);
                    }
                }

                var minNode = Get(map, "min");
                var maxNode = Get(map, "max");
                if (minNode is null && maxNode is null)
                {
                    _errors.Add(map, "a count map needs 'min' and/or 'max'", name);
                }

                var min = minNode is null ? (long?)null : CountNumber(minNode, name);
                var max = maxNode is null ? (long?)null : CountNumber(maxNode, name);
                var range = RangeOf(node, min ?? max ?? 0, max ?? min ?? 0, name);
                var per = Get(map, "per");
                return per is null
                    ? range
                    : new CountSpec.PerParent(node, Text(per, "a model name", name) ?? string.Empty, per, range.Min, range.Max);
            default:
                _errors.Add(node, "'count' must be a number, [min, max], or { per: parent_model, min: 1, max: 5 }", name);
                return new CountSpec.Fixed(node, 0);
        }
    }

    private CountSpec.Range RangeOf(YamlNode node, long min, long max, string model)
    {
        if (min > max)
        {
            _errors.Add(node, $"count range [{min}, {max}]: min is greater than max", model);
        }

        return new CountSpec.Range(node, min, max);
    }

    private long CountNumber(YamlNode node, string model) =>
        ReadNumber(node, "count", "a whole number ≥ 0", t => long.TryParse(t.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (long?)null, model) ?? 0;

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

    private DuplicateSpec? ReadDuplicates(YamlNode node, List<(string Name, YamlNode Node)> fields, string model, string? key)
    {
        if (node is not YamlMappingNode map)
        {
            _errors.Add(node, "'duplicates' must be a map with rate and fields", model);
            return null;
        }

        foreach (var (k, _) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? string.Empty;
            if (!DuplicateSpec.Keys.Contains(name))
            {
                _errors.Add(k, $"unknown duplicates key '{name}'{Suggest.Hint(name, DuplicateSpec.Keys)}; expected one of: {string.Join(", ", DuplicateSpec.Keys)}", model);
            }
        }

        if (key is null)
        {
            _errors.Add(node, "duplicates need the model's 'key': a duplicate keeps its own key and names the original's key as its cluster", model);
        }

        double Percent(string name, double fallback) => Get(map, name) is { } n
            ? ReadNumber(n, name, "a percentage between 0 and 100", t => double.TryParse(t.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 100 ? v : (double?)null, model) ?? fallback
            : fallback;
        var rate = Percent("rate", 0);
        if (Get(map, "rate") is null)
        {
            _errors.Add(node, "duplicates need 'rate' (the percentage of rows that are fuzzed copies of earlier rows)", model);
        }

        var variance = Percent("variance", 0);
        bool IsField(string name, YamlNode at, string what)
        {
            if (fields.Any(f => f.Name == name))
            {
                return true;
            }

            _errors.Add(at, $"{what} '{name}' is not a field of model '{model}'{Suggest.Hint(name, fields.Select(f => f.Name))}; fields: {string.Join(", ", fields.Select(f => f.Name))}", model);
            return false;
        }

        var fuzzed = new List<(string Field, YamlNode At, FuzzOp[] Ops)>();
        if (Get(map, "fields") is YamlMappingNode fieldMap)
        {
            foreach (var (k, v) in fieldMap.Children)
            {
                var field = Text(k, "a field name", model) ?? string.Empty;
                if (field == key)
                {
                    _errors.Add(k, $"the key '{key}' cannot be fuzzed: every duplicate keeps its own key", model);
                }

                var ops = new List<FuzzOp>();
                foreach (var o in v is YamlSequenceNode seq ? seq.Children : [v])
                {
                    var op = Text(o, "a fuzz operator", model) ?? string.Empty;
                    if (DuplicateSpec.Ops.TryGetValue(op, out var parsed))
                    {
                        ops.Add(parsed);
                    }
                    else
                    {
                        _errors.Add(o, $"unknown fuzz operator '{op}'{Suggest.Hint(op, DuplicateSpec.Ops.Keys)}; operators: {string.Join(", ", DuplicateSpec.Ops.Keys)}", model, field);
                    }
                }

                if (IsField(field, k, "fuzzed field") && ops.Count > 0)
                {
                    fuzzed.Add((field, k, ops.ToArray()));
                }
            }
        }
        else if (Get(map, "fields") is { } bad)
        {
            _errors.Add(bad, "duplicates 'fields' must map field names to fuzz operators, e.g. first_name: [typo, nickname]", model);
        }

        (string, string)? swap = null;
        if (Get(map, "swap") is { } swapNode)
        {
            var names = swapNode is YamlSequenceNode s2 ? s2.Children.Select(c => (Text(c, "a field name", model) ?? string.Empty, c)).ToList() : [];
            if (names.Count != 2)
            {
                _errors.Add(swapNode, "'swap' must name two fields, e.g. [first_name, last_name]", model);
            }
            else if (IsField(names[0].Item1, names[0].c, "swapped field") & IsField(names[1].Item1, names[1].c, "swapped field"))
            {
                swap = (names[0].Item1, names[1].Item1);
            }
        }

        var (minEdits, maxEdits) = (1, 2);
        if (Get(map, "edits") is { } editsNode)
        {
            var text = Text(editsNode, "a number of edits such as 2 or 1-3", model) ?? "1";
            var parts = text.Split('-', 2);
            if (int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var lo) && lo >= 1
                && (parts.Length == 1 || (int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var hi) && hi >= lo)))
            {
                (minEdits, maxEdits) = (lo, parts.Length == 1 ? lo : int.Parse(parts[1], CultureInfo.InvariantCulture));
            }
            else
            {
                _errors.Add(editsNode, $"'edits' must be a number ≥ 1 or a range such as 1-3, found '{text}'", model);
            }
        }

        var truth = Get(map, "truth") is { } truthNode ? Text(truthNode, "a column name", model) ?? "cluster_id" : "cluster_id";
        if (fields.Any(f => f.Name == truth) || !Identifier().IsMatch(truth))
        {
            _errors.Add(Get(map, "truth") ?? node, $"the ground-truth column '{truth}' must be a new name (letters, digits, _), not one of the model's fields", model);
        }

        var hidden = Get(map, "hidden") is { } hiddenNode && ReadNumber(hiddenNode, "hidden", "true or false", t => bool.TryParse(t, out var b) ? b : (bool?)null, model) == true;
        if (fuzzed.Count == 0 && swap is null && Get(map, "fields") is null)
        {
            _errors.Add(node, "duplicates need 'fields' (field: [fuzz operators]) or 'swap'", model);
        }

        return new DuplicateSpec(node, rate, variance, fuzzed, swap, minEdits, maxEdits, truth, hidden);
    }

    private TracerRows? ReadTracers(YamlNode node, List<(string Name, YamlNode Node)> fields, string model)
    {
        var path = Text(node, "a CSV file path (relative to the manifest)", model);
        if (path is null)
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(_errors.File)) ?? ".", path));
        string[] lines;
        try
        {
            lines = File.ReadAllLines(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _errors.Add(node, $"cannot read tracers file '{full}': {e.Message}", model);
            return null;
        }

        if (lines.Length == 0)
        {
            _errors.Add(node, $"tracers file '{full}' is empty: it needs a header row of field names", model);
            return null;
        }

        var header = Csv.Split(lines[0]);
        foreach (var column in header.Where(c => fields.All(f => f.Name != c)))
        {
            _errors.Add(node, $"{full}(1): column '{column}' is not a field of model '{model}'{Suggest.Hint(column, fields.Select(f => f.Name))}", model);
        }

        var rows = new List<(int, string[])>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var values = Csv.Split(lines[i]);
            if (values.Length != header.Length)
            {
                _errors.Add(node, $"{full}({i + 1}): {values.Length} values for {header.Length} columns", model);
                continue;
            }

            rows.Add((i + 1, values));
        }

        return new TracerRows(node, full, header, rows);
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
