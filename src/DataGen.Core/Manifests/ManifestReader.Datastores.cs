using YamlDotNet.RepresentationModel;

namespace DataGen.Manifests;

// The datastores: section and the check of every model's store: against it.
internal sealed partial class ManifestReader
{
    private void ReadDatastores(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            _errors.Add(node, "'datastores' must be a map of store name to { kind: …, settings… }");
            return;
        }

        foreach (var (name, _, v) in NamedEntries(map, "datastore name"))
        {
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
            if (settings.Remove("mode"))
            {
                _datastoreModes[name] = ReadMode(Get(store, "mode"), $"datastore '{name}'");
            }

            if (settings.Remove("infer", out var infer) && infer is not ("true" or "false"))
            {
                _errors.Add(Get(store, "infer"), $"datastore '{name}': 'infer' must be true or false, found '{infer}'");
            }

            if (kind is null)
            {
                _errors.Add(store, $"datastore '{name}' needs a 'kind'" + (_stores is null ? string.Empty : $": one of {string.Join(", ", _stores.Kinds)}"));
                _invalidDatastores.Add(name);
                continue;
            }

            if (_stores is null)
            {
                if (!Identifier().IsMatch(kind))
                {
                    _errors.Add(Get(store, "kind"), $"datastore kind '{kind}' must be letters, digits and underscores");
                    _invalidDatastores.Add(name);
                    continue;
                }
            }
            else if (_stores.Find(kind) is not { } provider)
            {
                _errors.Add(Get(store, "kind"), _stores.UnknownKind(name, kind));
                _invalidDatastores.Add(name);
                continue;
            }
            else
            {
                var known = provider.Settings.Keys.ToList();
                var unknown = false;
                foreach (var (sk, _) in store.Children)
                {
                    var key = (sk as YamlScalarNode)?.Value ?? string.Empty;
                    if (key is not ("kind" or "mode" or "infer") && !provider.Settings.ContainsKey(key))
                    {
                        unknown = true;
                        var suggestion = Suggest.Closest(key, known);
                        _errors.Add(sk, $"datastore '{name}' ({kind}): unknown setting '{key}'" + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)")
                            + $"; {kind} understands: {string.Join(", ", known)}");
                    }
                }

                if (unknown)
                {
                    _invalidDatastores.Add(name);
                    continue;
                }

                var problems = provider.Validate(new Datastore(name, kind, settings)).ToList();
                foreach (var problem in problems)
                {
                    _errors.Add(store, problem);
                }

                if (problems.Count > 0)
                {
                    _invalidDatastores.Add(name);
                    continue;
                }
            }

            if (_datastoreModes.GetValueOrDefault(name) is { } mode and not Outputs.LoadMode.Create && _stores?.Find(kind) is { SupportsLoadModes: false })
            {
                _errors.Add(Get(store, "mode"), $"datastore '{name}' ({kind}): mode '{mode.ToString().ToLowerInvariant()}' is for the SQL stores; {kind} loads as 'create'");
            }

            _datastoreKinds[name] = kind;
            Datastores.Add(new Datastore(name, kind, settings));
        }
    }

    private readonly Dictionary<string, Outputs.LoadMode?> _datastoreModes = new(StringComparer.Ordinal);

    /// <summary>Datastores declared with errors (already reported): their models are not told the store is undeclared.</summary>
    private readonly HashSet<string> _invalidDatastores = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _datastoreKinds = new(StringComparer.Ordinal);

    private static readonly string[] Modes = ["create", "truncate", "append", "replace"];

    /// <summary><c>mode: create | truncate | append | replace</c>; null when absent or wrong (reported).</summary>
    private Outputs.LoadMode? ReadMode(YamlNode? node, string owner)
    {
        if (node is null || Text(node, "create, truncate, append or replace") is not { } text)
        {
            return null;
        }

        var index = Array.IndexOf(Modes, text);
        if (index < 0)
        {
            var suggestion = Suggest.Closest(text, Modes);
            _errors.Add(node, $"{owner}: unknown mode '{text}'" + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)") + "; modes: create, truncate, append, replace");
            return null;
        }

        return (Outputs.LoadMode)index;
    }

    /// <summary>Reads only the variables and the datastores (what schema inference needs before the models can be read).</summary>
    public void ReadDatastoresOnly(YamlMappingNode root)
    {
        if (Get(root, "variables") is { } vars)
        {
            ReadVariables(vars);
        }

        if (Get(root, "datastores") is { } stores)
        {
            ReadDatastores(stores);
        }
    }

    /// <summary>Checks every model's <c>store:</c> against the declared datastores (after both sections are read).</summary>
    public void CheckStores()
    {
        foreach (var model in Models)
        {
            var datastoreMode = model.Store is { } store ? _datastoreModes.GetValueOrDefault(store) : null;
            model.DatastoreModeIsExplicit = datastoreMode is not null;
            model.Mode = model.OwnMode ?? datastoreMode ?? Outputs.LoadMode.Create;
            if (model.OwnMode is { } own and not Outputs.LoadMode.Create && model.Store is { } named
                && _datastoreKinds.TryGetValue(named, out var kind) && _stores?.Find(kind) is { SupportsLoadModes: false })
            {
                _errors.Add(model.ModeNode ?? model.Node, $"mode '{own.ToString().ToLowerInvariant()}' is for the SQL stores; {kind} loads as 'create'", model.Name);
            }
        }

        foreach (var model in Models.Where(m => m.Store is not null))
        {
            if (Datastores.All(d => d.Name != model.Store) && !_invalidDatastores.Contains(model.Store!))
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
}
