using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace DataGen.Manifests;

// A model's duplicates: section (rate, edits, operators per field, ground truth).
internal sealed partial class ManifestReader
{
    private DuplicateSpec? ReadDuplicates(YamlNode node, List<(string Name, YamlNode Node)> fields, string model, string? key, bool archive)
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
        if (Get(map, "rate") is null && Get(map, "archived") is null)
        {
            _errors.Add(node, "duplicates need 'rate' (the percentage of rows that are fuzzed copies of earlier rows) or 'archived' (of archived rows)", model);
        }

        var variance = Percent("variance", 0);
        var archived = Percent("archived", 0);
        if (Get(map, "archived") is { } archivedNode && archived > 0)
        {
            if (!archive)
            {
                _errors.Add(archivedNode, $"'archived' re-injects rows of the model's archive, and model '{model}' has none: add 'archive: {model}.csv' (where every run keeps its rows)", model);
            }
            else if (rate + archived > 100)
            {
                _errors.Add(archivedNode, $"'rate' ({rate.ToString(CultureInfo.InvariantCulture)}) and 'archived' ({archived.ToString(CultureInfo.InvariantCulture)}) together exceed 100 %", model);
            }
        }

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

        return new DuplicateSpec(node, rate, variance, fuzzed, swap, minEdits, maxEdits, truth, hidden) { Archived = archived };
    }
}

// A model's archive: where its rows are kept across runs.
internal sealed partial class ManifestReader
{
    /// <summary><c>archive: path.csv</c>, relative to the manifest.</summary>
    private ArchiveSpec? ReadArchive(YamlNode node, string model)
    {
        var path = Text(node, "a CSV file path (relative to the manifest)", model);
        if (path is null)
        {
            return null;
        }

        // .csv exactly: the archive is written as <name>.csv, so another case would be read from one file and written to another.
        if (!path.EndsWith(".csv", StringComparison.Ordinal) || path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            _errors.Add(node, $"'archive' must be a CSV file path ending in .csv (relative to the manifest), found '{path}'", model);
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(_errors.File)) ?? ".", path));
        if (_archives.TryGetValue(full, out var other))
        {
            _errors.Add(node, $"'archive' {path} is already model '{other}'s archive: two models would write over one file", model);
            return null;
        }

        _archives[full] = model;
        return new ArchiveSpec(node, full);
    }

    /// <summary>Archive files by full path, and the model each belongs to.</summary>
    private readonly Dictionary<string, string> _archives = new(StringComparer.Ordinal);
}
