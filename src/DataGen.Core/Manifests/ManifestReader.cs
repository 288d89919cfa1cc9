using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DataGen.Manifests;

/// <summary>Reads the manifest's YAML (or JSON) into settings and model sources, reporting every problem with its position.</summary>
internal sealed partial class ManifestReader
{
    private static readonly string[] TopLevelKeys = ["$schema", "seed", "scale", "locale", "referenceDate", "variables", "datastores", "models", "simulation", "events", "journeys"];
    private static readonly string[] ModelKeys = ["count", "key", "fields", "store", "table", "mode", "indexes", "unique", "duplicates", "tracers", "scale", "enabled"];

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

    /// <summary>
    /// A table, collection, topic or file name: what real schemas use (<c>Order Details</c>, <c>sales.orders</c>,
    /// <c>line-items</c>), quoted by the stores; never a path separator, a character a file name cannot hold, a control
    /// character, a quote or a semicolon, or surrounding spaces (it also names a file for file outputs). Topic names are
    /// checked by Kafka.
    /// </summary>
    [GeneratedRegex("^(?! )[^/\\\\:*?\"<>|;'`\\[\\]\\p{Cc}]{1,128}(?<! )$", RegexOptions.CultureInvariant)]
    private static partial Regex TargetName();


    /// <summary>Streams the parser's events (no tree, no recursion) to refuse nesting beyond <paramref name="maxDepth"/>.</summary>
    private static bool WithinLimits(string text, ErrorSink errors, int maxDepth)
    {
        // YamlDotNet's scanner recurses on flow collections ([ and {): too deep a nest overflows the stack before any
        // event comes out, so count them in the text first (outside quotes and comments).
        if (FlowNestingTooDeep(text, maxDepth) is { } deep)
        {
            errors.Add(deep.Line, deep.Column, $"the manifest nests [ and {{ more than {maxDepth} levels deep (ManifestOptions.MaxNesting)");
            return false;
        }

        var parser = new YamlDotNet.Core.Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                    if (++depth > maxDepth)
                    {
                        var at = parser.Current!.Start;
                        errors.Add((int)at.Line, (int)at.Column, $"the manifest nests mappings and sequences more than {maxDepth} levels deep (ManifestOptions.MaxNesting)");
                        return false;
                    }

                    break;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    depth--;
                    break;
            }
        }

        return true;
    }

    /// <summary>Where flow collections first nest deeper than <paramref name="maxDepth"/>, or null.</summary>
    private static (int Line, int Column)? FlowNestingTooDeep(string text, int maxDepth)
    {
        var depth = 0;
        var (line, column) = (1, 0);
        var quote = '\0';
        var comment = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            column++;
            if (c == '\n')
            {
                (line, column, comment) = (line + 1, 0, false);
                continue;
            }

            if (comment)
            {
                continue;
            }

            if (quote != '\0')
            {
                if (c == '\\' && quote == '"')
                {
                    i++;
                    column++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    break;
                case '#' when i == 0 || char.IsWhiteSpace(text[i - 1]):
                    comment = true;
                    break;
                case '[' or '{':
                    if (++depth > maxDepth)
                    {
                        return (line, column);
                    }

                    break;
                case ']' or '}':
                    depth = Math.Max(0, depth - 1);
                    break;
            }
        }

        return null;
    }

    /// <summary>The node count with every alias followed, memoised per node (so it is linear in the file) and capped.</summary>
    private static long ExpandedSize(YamlNode node, Dictionary<YamlNode, long> sizes, int depth, long cap)
    {
        if (sizes.TryGetValue(node, out var known))
        {
            return known;
        }

        long size = 1;
        if (depth <= 1024)
        {
            var children = node switch
            {
                YamlMappingNode m => m.Children.SelectMany(kv => new[] { kv.Key, kv.Value }),
                YamlSequenceNode s => s.Children,
                _ => [],
            };
            foreach (var child in children)
            {
                size = Math.Min(size + ExpandedSize(child, sizes, depth + 1, cap), cap + 1);
            }
        }

        sizes[node] = size;
        return size;
    }

    /// <summary>Parses YAML text; a syntax error is reported at its position and yields null.</summary>
    public static YamlMappingNode? Parse(string text, ErrorSink errors, int maxDepth = 64, long maxNodes = 1_000_000)
    {
        try
        {
            // Before the tree is built: nesting deep enough to exhaust the stack, and anchors that expand a small file
            // into millions of nodes, are refused with their position instead of taking the process down.
            if (!WithinLimits(text, errors, maxDepth))
            {
                return null;
            }

            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                errors.Add(stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode, "the manifest must be a mapping with at least 'models:'");
                return null;
            }

            var expanded = ExpandedSize(root, new Dictionary<YamlNode, long>(ReferenceEqualityComparer.Instance), 0, maxNodes);
            if (expanded > maxNodes)
            {
                errors.Add(root, $"the manifest expands to more than {maxNodes:N0} YAML nodes through its anchors and aliases (&name / *name): an alias bomb, or anchors reused far more than a manifest needs (ManifestOptions.MaxNodes)");
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
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner can fail without a position (an unterminated flow sequence at the end of the text, …):
            // report it at the last line, where such a scan stops, rather than as a crash.
            var lines = text.Split('\n');
            errors.Add(lines.Length, lines[^1].Length + 1, $"invalid YAML: the text ends inside a structure or a scalar the parser cannot finish ({e.GetType().Name})");
            return null;
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

        // A value supplied for a variable the manifest does not declare is a typo until proven otherwise.
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
        CheckSwitchedOff();
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

    private void ReadModels(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            _errors.Add(node, "'models' must be a map of model name to model");
            return;
        }

        foreach (var (name, k, v) in NamedEntries(map, "model name"))
        {
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
                _errors.Add(tableNode, $"table '{table}' must be 1 to 128 characters without / \\ : * ? \" < > | ; ' ` [ ], control characters or surrounding spaces", name);
            }

            var indexes = ReadIndexes(Get(model, "indexes"), fields, name);
            var uniqueKeys = ReadUniqueKeys(Get(model, "unique"), fields, name);
            var mode = ReadMode(Get(model, "mode"), $"model '{name}'");
            var duplicates = Get(model, "duplicates") is { } dupNode ? ReadDuplicates(dupNode, fields, name, keyName) : null;
            var tracers = Get(model, "tracers") is { } tracerNode ? ReadTracers(tracerNode, fields, name) : null;
            if (Get(model, "enabled") is { } enabledNode && !ReadEnabled(enabledNode, name))
            {
                (count, tracers) = (new CountSpec.Fixed(enabledNode, 0), null);
                _switchedOff.Add(name);
            }

            var scales = ReadScales(Get(model, "scale"), count, name);
            Models.Add(new ModelSource(name, k, fields, count, keyName, keyNode) { Store = store, StoreNode = storeNode, Target = table, TableNode = tableNode, FieldsNode = Get(model, "fields"), OwnMode = mode, ModeNode = Get(model, "mode"), Indexes = indexes, UniqueKeys = uniqueKeys, Duplicates = duplicates, Tracers = tracers, Scales = scales });
        }
    }

    /// <summary><c>scale: false</c>: the model keeps its count under <c>--scale</c> (lookup tables). Per-parent counts follow their parent.</summary>
    private bool ReadScales(YamlNode? node, CountSpec count, string model)
    {
        if (node is null)
        {
            return true;
        }

        switch (Text(node, "true or false", model))
        {
            case "true":
                return true;
            case "false" when count is CountSpec.PerParent:
                _errors.Add(node, "'scale: false' does not apply to a per-parent count: it follows its parent's (set 'scale: false' on the parent)", model);
                return true;
            case "false":
                return false;
            case { } other:
                _errors.Add(node, $"'scale' must be true or false, found '{other}'", model);
                return true;
            default:
                return true;
        }
    }

    /// <summary>
    /// <c>unique: [actor_id, film_id]</c> (one composite key) or <c>unique: [[actor_id, film_id], [slug]]</c> (several):
    /// the combination of values never repeats within the model.
    /// </summary>
    private List<IReadOnlyList<string>> ReadUniqueKeys(YamlNode? node, List<(string Name, YamlNode Node)> fields, string model)
    {
        return ReadIndexes(node, fields, model, "unique");
    }

    /// <summary><c>indexes: [email, [last_name, first_name]]</c>: each entry a field or a list of fields.</summary>
    private List<IReadOnlyList<string>> ReadIndexes(YamlNode? node, List<(string Name, YamlNode Node)> fields, string model, string what = "indexes")
    {
        var indexes = new List<IReadOnlyList<string>>();
        if (node is null)
        {
            return indexes;
        }

        if (node is not YamlSequenceNode list)
        {
            _errors.Add(node, $"'{what}' must be a list of fields or lists of fields", model);
            return indexes;
        }

        // A unique list of plain names is one composite key; indexes list one index per entry.
        IEnumerable<YamlNode> entries = what == "unique" && list.Children.All(c => c is YamlScalarNode) ? [list] : list.Children;
        foreach (var entry in entries)
        {
            var columns = entry is YamlSequenceNode composite ? composite.Children : [entry];
            var names = new List<string>();
            foreach (var column in columns)
            {
                var name = Text(column, "a field name", model);
                if (name is not null && fields.All(f => f.Name != name))
                {
                    var suggestion = Suggest.Closest(name, fields.Select(f => f.Name));
                    _errors.Add(column, $"{(what == "unique" ? "unique" : "index")} field '{name}' is not a field of model '{model}'" + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)"), model);
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

}
