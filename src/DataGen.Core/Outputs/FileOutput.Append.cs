using System.Buffers;
using System.Text;
using DataGen.Manifests;

namespace DataGen.Outputs;

// mode: append on CSV and NDJSON files: the existing file is copied to the temporary name and the new rows follow it, so
// the file changes only when the run completes.
public sealed partial class FileOutput
{
    /// <summary>
    /// Prepares an appended model: true when its file exists and holds something (copied to <paramref name="temporary"/>,
    /// ending in a newline), false when it is missing or empty (written as a new file, CSV header included). A CSV file
    /// whose header is not the model's fields in order is refused at the first column that differs.
    /// </summary>
    private bool StartAppend(ModelDescriptor model, string name, string temporary)
    {
        if (Format == FileFormat.Json)
        {
            throw new GenerationException("mode: append adds rows to CSV and NDJSON files; JSON writes a file per row into a directory it replaces (use csv or ndjson)", model.Name);
        }

        if (Shard is not null)
        {
            throw new GenerationException("mode: append cannot be combined with a sharded run: each shard writes a file of its own", model.Name);
        }

        var final = Path.Combine(Directory, name + (Format == FileFormat.Csv ? ".csv" : ".ndjson"));
        if (!File.Exists(final) || new FileInfo(final).Length == 0)
        {
            return false;
        }

        if (Format == FileFormat.Csv)
        {
            CheckHeader(final, model);
        }

        File.Copy(final, temporary, overwrite: true);
        using var copy = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite);
        copy.Seek(-1, SeekOrigin.End);
        if (copy.ReadByte() != '\n')
        {
            copy.Write(Format == FileFormat.Csv ? "\r\n"u8 : "\n"u8);
        }

        return true;
    }

    /// <summary>Refuses a CSV file whose first line is not the header this model writes, naming file, line and column.</summary>
    internal static void CheckHeader(string path, ModelDescriptor model)
    {
        string existing;
        using (var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            existing = reader.ReadLine() ?? string.Empty;
        }

        var buffer = new ArrayBufferWriter<byte>();
        for (var i = 0; i < model.Fields.Count; i++)
        {
            if (i > 0)
            {
                buffer.Write(","u8);
            }

            StreamModelWriter.WriteCsvText(buffer, model.Fields[i].Name);
        }

        var expected = Encoding.UTF8.GetString(buffer.WrittenSpan);
        if (existing == expected)
        {
            return;
        }

        var have = Csv.Split(existing);
        var want = model.Fields.Select(f => f.Name).ToArray();
        var column = Enumerable.Range(0, Math.Max(have.Length, want.Length)).First(i => i >= have.Length || i >= want.Length || have[i] != want[i]);
        var at = ColumnStart(existing, column);
        var what = column >= have.Length ? $"the header ends where model '{model.Name}' writes '{want[column]}'"
            : column >= want.Length ? $"the header has '{have[column]}' after the model's last field"
            : $"the header has '{have[column]}' where model '{model.Name}' writes '{want[column]}'";
        throw new GenerationException(
            $"{path}:1:{at}: {what}; appending needs the file's columns to be the model's fields in order (file: {string.Join(",", have)}; model: {string.Join(",", want)}); nothing was written",
            model.Name);
    }

    /// <summary>The 1-based character position where the <paramref name="column"/>th cell of a CSV line starts (past the end: the line's length + 1).</summary>
    private static int ColumnStart(string line, int column)
    {
        var cell = 0;
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (cell == column)
            {
                return i + 1;
            }

            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == ',' && !quoted)
            {
                cell++;
            }
        }

        return line.Length + 1;
    }
}
