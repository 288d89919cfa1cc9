using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace DataGen.Manifests;

internal sealed partial class ManifestReader
{
    /// <summary>
    /// A table, collection, topic or file name: what real schemas use (<c>Order Details</c>, <c>sales.orders</c>,
    /// <c>line-items</c>), quoted by the stores; never a path separator, a character a file name cannot hold, a control
    /// character, a quote or a semicolon, or surrounding spaces (it also names a file for file outputs). Topic names are
    /// checked by Kafka.
    /// </summary>
    [GeneratedRegex("^(?! )[^/\\\\:*?\"<>|;'`\\[\\]\\p{Cc}]{1,128}(?<! )$", RegexOptions.CultureInvariant)]
    private static partial Regex TargetName();

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
            var archive = Get(model, "archive") is { } archiveNode ? ReadArchive(archiveNode, name) : null;
            var duplicates = Get(model, "duplicates") is { } dupNode ? ReadDuplicates(dupNode, fields, name, keyName, archive is not null) : null;
            var tracers = Get(model, "tracers") is { } tracerNode ? ReadTracers(tracerNode, fields, name) : null;
            if (Get(model, "enabled") is { } enabledNode && !ReadEnabled(enabledNode, name))
            {
                (count, tracers) = (new CountSpec.Fixed(enabledNode, 0), null);
                _switchedOff.Add(name);
            }

            var scales = ReadScales(Get(model, "scale"), count, name);
            Models.Add(new ModelSource(name, k, fields, count, keyName, keyNode) { Store = store, StoreNode = storeNode, Target = table, TableNode = tableNode, FieldsNode = Get(model, "fields"), OwnMode = mode, ModeNode = Get(model, "mode"), Indexes = indexes, UniqueKeys = uniqueKeys, Duplicates = duplicates, Archive = archive, Tracers = tracers, Scales = scales });
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
