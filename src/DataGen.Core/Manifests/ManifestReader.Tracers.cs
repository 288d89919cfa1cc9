using YamlDotNet.RepresentationModel;

namespace DataGen.Manifests;

// A model's tracers: CSV file of fixed rows.
internal sealed partial class ManifestReader
{
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
}
