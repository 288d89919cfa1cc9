using YamlDotNet.RepresentationModel;

namespace DataGen.Manifests;

// A model's tracers: CSV file of fixed rows.
internal sealed partial class ManifestReader
{
    private static readonly string[] TracerKeys = ["file", "consume", "take"];

    /// <summary>
    /// <c>tracers: file.csv</c>, or <c>tracers: { file: file.csv, consume: true, take: 2 }</c>: with <c>consume</c>, a run
    /// takes the rows no completed run took (the first <c>take</c> of them, in file order) and marks them in
    /// <c>file.csv.consumed</c> once it completes.
    /// </summary>
    private TracerRows? ReadTracers(YamlNode node, List<(string Name, YamlNode Node)> fields, string model)
    {
        if (node is not YamlMappingNode map)
        {
            return ReadTracerFile(node, fields, model);
        }

        foreach (var (k, _) in map.Children)
        {
            if ((k as YamlScalarNode)?.Value is not { } key || !TracerKeys.Contains(key))
            {
                _errors.Add(k, $"unknown tracers key '{(k as YamlScalarNode)?.Value}'{Suggest.Hint((k as YamlScalarNode)?.Value ?? string.Empty, TracerKeys)}; expected one of: {string.Join(", ", TracerKeys)}", model);
            }
        }

        if (Get(map, "file") is not { } file)
        {
            _errors.Add(map, "tracers need a 'file' (a CSV file path, relative to the manifest)", model);
            return null;
        }

        var consume = Get(map, "consume") is { } consumeNode && Text(consumeNode, "true or false", model) is var c && c switch
        {
            "true" => true,
            "false" or null => false,
            _ => Fail(consumeNode, $"tracers 'consume' must be true or false, found '{c}'"),
        };
        long? take = Get(map, "take") is { } takeNode ? ReadNumber(takeNode, "take", "a whole number ≥ 1", t => long.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : (long?)null, model) : null;
        var tracers = ReadTracerFile(file, fields, model);
        return tracers is null ? null : TracerConsumption.Select(tracers, consume, take);

        bool Fail(YamlNode at, string message)
        {
            _errors.Add(at, message, model);
            return false;
        }
    }

    private TracerRows? ReadTracerFile(YamlNode node, List<(string Name, YamlNode Node)> fields, string model)
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
        var raw = new List<string>();
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
            raw.Add(lines[i]);
        }

        return new TracerRows(node, full, header, rows) { Lines = raw };
    }
}
