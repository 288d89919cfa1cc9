using System.Globalization;
using System.Text;
using System.Text.Json;
using DataGen.Generators;
using DataGen.Manifests;

namespace DataGen.Outputs;

// What an appending run reads from the file it appends to (the StartingRead seam SQL stores answer from their tables).
public sealed partial class FileOutput
{
    /// <summary>
    /// Answers each model's <see cref="ModelDescriptor.Starting"/> from its file: a CSV or NDJSON model with
    /// <c>mode: append</c> reads the rows its file holds (the largest value of its sequence columns, so keys continue after
    /// them; the values of its unique columns and of the columns <c>existing: true</c> refs point at). A model the run
    /// replaces holds nothing to continue after (its file is rewritten), as a table emptied first. A CSV file whose header
    /// is not the model's fields is refused here, before anything is written.
    /// </summary>
    public ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        foreach (var model in models.Where(m => m.Starting is { Answered: false }))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = Path.Combine(Directory, model.Name + (Format == FileFormat.Csv ? ".csv" : ".ndjson"));
            if (model.Mode != LoadMode.Append || Format == FileFormat.Json || Shard is not null || !File.Exists(path))
            {
                model.Starting!.Answer(0, new Dictionary<string, long>(), new Dictionary<string, IReadOnlyList<object>>(), model.Starting.Tuples.Select(_ => (IReadOnlyList<object?[]>)[]).ToList());
                continue;
            }

            if (Format == FileFormat.Csv)
            {
                CheckHeader(path, model);
            }

            var rows = Format == FileFormat.Csv ? CsvRows(path).Skip(1).Select(r => (string?[])r.Values) : NdjsonRows(path, model);
            StartingFiles.Answer(model.Starting!, model.Fields, rows);
        }

        return ValueTask.CompletedTask;
    }

    private static IEnumerable<(int Line, string[] Values)> CsvRows(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        foreach (var record in Csv.Records(reader))
        {
            yield return record;
        }
    }

    /// <summary>An NDJSON file's rows as text per model field (absent or null: null), each line one object.</summary>
    private static IEnumerable<string?[]> NdjsonRows(string path, ModelDescriptor model)
    {
        var line = 0;
        foreach (var text in File.ReadLines(path, Encoding.UTF8))
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            using var document = ParseLine(path, line, text, model);
            yield return model.Fields.Select(f => document.RootElement.TryGetProperty(f.Name, out var value) ? StartingFiles.Text(value) : null).ToArray();
        }
    }

    private static JsonDocument ParseLine(string path, int line, string text, ModelDescriptor model)
    {
        try
        {
            var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
            throw new GenerationException($"{path}:{line}:1: the line is not a JSON object; appending reads every line of the file as a row; nothing was written", model.Name);
        }
        catch (JsonException e)
        {
            throw new GenerationException($"{path}:{line}:{(e.BytePositionInLine ?? 0) + 1}: the line is not JSON ({e.Message}); appending reads every line of the file as a row; nothing was written", model.Name, null, null, e);
        }
    }
}

/// <summary>Answers a <see cref="StartingRead"/> from rows read out of a file (an appended file, an archive), as text per field.</summary>
internal static class StartingFiles
{
    /// <summary>Counts the rows, keeps each asked column's largest number and values (parsed as the field's kind).</summary>
    public static void Answer(StartingRead read, IReadOnlyList<FieldDescriptor> fields, IEnumerable<string?[]> rows)
    {
        var index = fields.Select((f, i) => (f.Name, i)).ToDictionary(f => f.Name, f => f.i, StringComparer.Ordinal);
        var highest = new Dictionary<string, long>(StringComparer.Ordinal);
        var values = read.Values.Where(index.ContainsKey).ToDictionary(c => c, _ => new List<object>(), StringComparer.Ordinal);
        // Column sets read together (composite unique keys, an existing ref with the fields its lookups copy), in the
        // file's order: the same file gives the same list.
        var tuples = read.Tuples.Select(_ => new List<object?[]>()).ToList();
        long count = 0;
        foreach (var row in rows)
        {
            count++;
            foreach (var column in read.Highest.Where(index.ContainsKey))
            {
                if (Cell(row, index[column]) is { } text && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    var ceiling = (long)decimal.Ceiling(number);
                    highest[column] = highest.TryGetValue(column, out var seen) ? Math.Max(seen, ceiling) : ceiling;
                }
            }

            foreach (var (column, list) in values)
            {
                if (Value(row, column) is { } value)
                {
                    list.Add(value);
                }
            }

            for (var t = 0; t < tuples.Count; t++)
            {
                if (Value(row, read.Tuples[t][0]) is not null)
                {
                    tuples[t].Add([.. read.Tuples[t].Select(c => Value(row, c))]);
                }
            }
        }

        read.Answer(count, highest, values.ToDictionary(v => v.Key, v => (IReadOnlyList<object>)v.Value, StringComparer.Ordinal), [.. tuples]);

        object? Value(string?[] row, string column) =>
            index.TryGetValue(column, out var i) && Cell(row, i) is { } text ? ScalarValues.Parse(text, fields[i].Kind) ?? text : null;
    }

    /// <summary>A JSON value as the text a CSV cell would hold (null for JSON null).</summary>
    public static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };

    private static string? Cell(string?[] row, int index) => index < row.Length && row[index] is { Length: > 0 } text ? text : null;
}
