using System.Buffers;
using System.Text;
using System.Text.Json;
using DataGen.Generators;

namespace DataGen.Outputs;

/// <summary>File formats written by <see cref="FileOutput"/>.</summary>
public enum FileFormat
{
    /// <summary>One <c>model.ndjson</c> per model, a JSON object per line.</summary>
    Ndjson,

    /// <summary>One <c>model.csv</c> per model with a header row (RFC 4180 quoting; nested values as JSON).</summary>
    Csv,

    /// <summary>One JSON file per row, <c>model/model-key.json</c>, named by type and id.</summary>
    Json,
}

/// <summary>
/// Writes models to files in a directory. Everything is written to temporary names first and
/// published only by <see cref="CompleteAsync"/>, so a failed or cancelled run leaves the previous
/// output untouched and no partial files behind. A model that has no rows (a count of 0, <c>enabled: false</c>) writes no
/// file at all. A CSV or NDJSON model with <c>mode: append</c> adds its rows to the existing file (see <see cref="LoadMode.Append"/>).
/// </summary>
public sealed partial class FileOutput : IDataOutput
{
    private readonly List<(string Temporary, string Final, bool IsDirectory, IModelWriter Writer)> _pending = [];
    private bool _completed;

    /// <summary>Creates a file output.</summary>
    /// <param name="directory">The directory to write into (created if missing).</param>
    /// <param name="format">The file format.</param>
    public FileOutput(string directory, FileFormat format)
    {
        Directory = Path.GetFullPath(directory);
        Format = format;
    }

    /// <summary>The directory written into.</summary>
    public string Directory { get; }

    /// <summary>The file format.</summary>
    public FileFormat Format { get; }

    /// <summary>
    /// The slice of a sharded run this output writes (<see cref="GenerationOptions.Shard"/>): each model goes to
    /// <c>model.shard-i-of-n.ndjson</c> (or <c>.csv</c>, or a <c>model.shard-i-of-n/</c> directory of JSON files); the
    /// shards' files, concatenated in order (CSV: only shard 0 has the header), are the unsharded file byte for byte.
    /// </summary>
    public GenerationShard? Shard { get; init; }

    /// <summary>The files and directories published by the last <see cref="CompleteAsync"/>.</summary>
    public IReadOnlyList<string> Written { get; private set; } = [];

    /// <inheritdoc />
    public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var temporary = Path.Combine(Directory, $".{model.Name}.{Environment.ProcessId}.{_pending.Count}.tmp");
        IModelWriter writer;
        var name = Shard is { } shard
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{model.Name}.shard-{shard.Index.ToString($"D{shard.Count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length}", System.Globalization.CultureInfo.InvariantCulture)}-of-{shard.Count}")
            : model.Name;
        var appending = model.Mode == LoadMode.Append ? StartAppend(model, name, temporary) : false;
        switch (Format)
        {
            case FileFormat.Ndjson:
                writer = new StreamModelWriter(model, temporary, StreamModelWriter.Ndjson, append: appending);
                _pending.Add((temporary, Path.Combine(Directory, name + ".ndjson"), false, writer));
                break;
            case FileFormat.Csv:
                writer = new StreamModelWriter(model, temporary, StreamModelWriter.Csv, header: Shard is not { Index: > 0 } && !appending, append: appending);
                _pending.Add((temporary, Path.Combine(Directory, name + ".csv"), false, writer));
                break;
            default:
                System.IO.Directory.CreateDirectory(temporary);
                writer = new DocumentModelWriter(model, temporary);
                _pending.Add((temporary, Path.Combine(Directory, name), true, writer));
                break;
        }

        return ValueTask.FromResult(writer);
    }

    /// <summary>
    /// A file can't be changed row by row as it streams, so a model's deferred refs (a reference cycle) go to a file of
    /// their own beside it, <c>model.updates.ndjson</c> (or <c>.csv</c>, or a directory of JSON files): the key and the
    /// values each row gets once every file is loaded — what a loader applies after the inserts. The model's own file
    /// holds NULL in those fields, as a database does between the insert and the update.
    /// </summary>
    public ValueTask<IModelWriter> OpenUpdatesAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return OpenModelAsync(model with { Name = model.Name + ".updates" }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var written = new List<string>();
        foreach (var (temporary, final, isDirectory, writer) in _pending)
        {
            if (RowsOf(writer) == 0)
            {
                // No rows, no file: a source switched off leaves nothing (and an appended file as it was).
                Delete(temporary, isDirectory);
                continue;
            }

            written.Add(final);
            if (isDirectory)
            {
                if (System.IO.Directory.Exists(final))
                {
                    System.IO.Directory.Delete(final, recursive: true);
                }

                System.IO.Directory.Move(temporary, final);
            }
            else
            {
                File.Move(temporary, final, overwrite: true);
            }
        }

        Written = written;
        _pending.Clear();
        _completed = true;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            foreach (var (temporary, _, isDirectory, _) in _pending)
            {
                try
                {
                    Delete(temporary, isDirectory);
                }
                catch (IOException)
                {
                    // Best effort: a leftover .tmp is visible and harmless; the real outputs are untouched.
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    private static void Delete(string temporary, bool isDirectory)
    {
        if (isDirectory && System.IO.Directory.Exists(temporary))
        {
            System.IO.Directory.Delete(temporary, recursive: true);
        }
        else if (File.Exists(temporary))
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The rows a model's writer wrote (null: unknown, published as before).</summary>
    private static long? RowsOf(IModelWriter writer) => writer switch
    {
        StreamModelWriter stream => stream.Rows,
        DocumentModelWriter documents => documents.Rows,
        _ => null,
    };

    /// <summary>
    /// NDJSON and CSV: one stream per model. Batches are encoded on any thread (<see cref="IEncodingModelWriter"/>: the
    /// generator does it beside generation) into buffers kept for reuse, and written in row order.
    /// </summary>
    private sealed class StreamModelWriter : IEncodingModelWriter
    {
        public static readonly Action<StreamModelWriter, EncodedBatch, object?[]> Ndjson = static (w, encoded, row) =>
            JsonValueWriter.WriteLine(encoded.Bytes, encoded.Json, w._prefixes, row);

        public static readonly Action<StreamModelWriter, EncodedBatch, object?[]> Csv = static (_, encoded, row) =>
        {
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0)
                {
                    encoded.Bytes.Write(","u8);
                }

                WriteCsvCell(encoded.Bytes, row[i]);
            }

            encoded.Bytes.Write("\r\n"u8);
        };

        private readonly FileStream _stream;
        private readonly byte[][] _prefixes;
        private readonly Action<StreamModelWriter, EncodedBatch, object?[]> _writeRow;
        private readonly System.Collections.Concurrent.ConcurrentBag<EncodedBatch> _buffers = [];
        private EncodedBatch? _header;
        private long _rows;

        public long Rows => _rows;

        public StreamModelWriter(ModelDescriptor model, string path, Action<StreamModelWriter, EncodedBatch, object?[]> writeRow, bool header = true, bool append = false)
        {
            _writeRow = writeRow;
            _prefixes = JsonValueWriter.LinePrefixes(model.Fields);
            _stream = new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            if (writeRow == Csv && header)
            {
                _header = Rent();
                for (var i = 0; i < model.Fields.Count; i++)
                {
                    if (i > 0)
                    {
                        _header.Bytes.Write(","u8);
                    }

                    WriteCsvText(_header.Bytes, model.Fields[i].Name);
                }

                _header.Bytes.Write("\r\n"u8);
            }
        }

        public EncodedBatch Encode(RowBatch batch)
        {
            var encoded = Rent();
            foreach (var row in batch.Rows)
            {
                _writeRow(this, encoded, row);
            }

            encoded.Rows = batch.Rows.Count;
            return encoded;
        }

        public async ValueTask WriteAsync(EncodedBatch batch, CancellationToken cancellationToken)
        {
            await WriteHeaderAsync(cancellationToken).ConfigureAwait(false);
            await _stream.WriteAsync(batch.Bytes.WrittenMemory, cancellationToken).ConfigureAwait(false);
            _rows += batch.Rows;
            batch.Bytes.ResetWrittenCount();
            batch.Rows = 0;
            _buffers.Add(batch);
        }

        public ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default) => WriteAsync(Encode(batch), cancellationToken);

        public async ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default)
        {
            await WriteHeaderAsync(cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            return _rows;
        }

        public async ValueTask DisposeAsync()
        {
            while (_buffers.TryTake(out var buffer))
            {
                await buffer.Json.DisposeAsync().ConfigureAwait(false);
            }

            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        /// <summary>The CSV header goes out before the first batch (or alone, for a model without rows).</summary>
        private async ValueTask WriteHeaderAsync(CancellationToken cancellationToken)
        {
            if (_header is { } header)
            {
                _header = null;
                await _stream.WriteAsync(header.Bytes.WrittenMemory, cancellationToken).ConfigureAwait(false);
                header.Bytes.ResetWrittenCount();
                _buffers.Add(header);
            }
        }

        private EncodedBatch Rent() => _buffers.TryTake(out var buffer) ? buffer : new EncodedBatch(1 << 16, JsonValueWriter.Options);

        private static void WriteCsvCell(ArrayBufferWriter<byte> buffer, object? value)
        {
            switch (value)
            {
                case null:
                    return;
                case string s:
                    WriteCsvText(buffer, s);
                    return;
                case byte[] bytes:
                    WriteCsvText(buffer, Convert.ToBase64String(bytes));
                    return;
                case System.Collections.IEnumerable:
                    WriteCsvText(buffer, ValueText.ToJson(value));
                    return;
                default:
                    // Dates, times and UUIDs never need quoting: their UTF-8 goes straight in.
                    if (ScalarValues.TryFormatUtf8(value, buffer.GetSpan(64), out var written))
                    {
                        buffer.Advance(written);
                        return;
                    }

                    WriteCsvText(buffer, ScalarValues.Format(value));
                    return;
            }
        }

        internal static void WriteCsvText(ArrayBufferWriter<byte> buffer, string text)
        {
            var quote = text.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (text.Length > 0 && (text[0] == ' ' || text[^1] == ' '));
            if (!quote)
            {
                Encoding.UTF8.GetBytes(text, buffer);
                return;
            }

            buffer.Write("\""u8);
            Encoding.UTF8.GetBytes(text.Replace("\"", "\"\"", StringComparison.Ordinal), buffer);
            buffer.Write("\""u8);
        }
    }

    /// <summary>One JSON file per row, named <c>model-key.json</c> (or <c>model-row.json</c> without a key).</summary>
    private sealed class DocumentModelWriter(ModelDescriptor model, string directory) : IModelWriter
    {
        private readonly int _keyIndex = model.Key is null ? -1 : model.Fields.ToList().FindIndex(f => f.Name == model.Key);
        private readonly ArrayBufferWriter<byte> _buffer = new(4096);
        private long _rows;

        public long Rows => _rows;

        public async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
        {
            for (var i = 0; i < batch.Rows.Count; i++)
            {
                var row = batch.Rows[i];
                var id = _keyIndex >= 0 && row[_keyIndex] is { } key ? ScalarValues.Format(key) : (batch.FirstRow + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
                _buffer.ResetWrittenCount();
                using (var writer = new Utf8JsonWriter(_buffer, JsonValueWriter.Options with { Indented = true }))
                {
                    JsonValueWriter.WriteRow(writer, model.Fields, row);
                }

                var path = Path.Combine(directory, $"{model.Name}-{SafeFileName(id)}.json");
                if (File.Exists(path))
                {
                    throw new IOException($"model '{model.Name}': two rows would be written to {Path.GetFileName(path)}; the key '{model.Key}' is not unique as a file name");
                }

                await File.WriteAllBytesAsync(path, _buffer.WrittenMemory.ToArray(), cancellationToken).ConfigureAwait(false);
            }

            _rows += batch.Rows.Count;
        }

        public ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_rows);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private static string SafeFileName(string id)
        {
            var invalid = Path.GetInvalidFileNameChars();
            var chars = id.Select(c => invalid.Contains(c) || c is '/' or '\\' or ':' ? '_' : c).ToArray();
            return new string(chars);
        }
    }
}
