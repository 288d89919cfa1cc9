using System.Collections.Concurrent;
using DataGen.Generation;
using DataGen.Outputs;

namespace DataGen;

public static partial class DataGenerator
{
    /// <summary>
    /// One model's rows, generated in batches on the pool and written in row order through a window a few batches deep.
    /// A shard writes rows [<see cref="Lo"/>, <see cref="Hi"/>): rows before it are generated too when later rows depend
    /// on them (unique retries) or later models read them (reference columns); rows after it only for reference columns.
    /// </summary>
    private sealed class ModelBatches(
        GenerationRun run,
        ModelPlan model,
        long[]? offsets,
        GenerationOptions options,
        ConcurrentBag<GenerationWorker> workers,
        List<object?[]>? truth,
        CancellationToken cancellationToken)
    {
        private readonly GenerationWorker _ordered = new();
        // Values the table held before an append run count as taken.
        private readonly HashSet<object>[] _uniques = model.UniqueKeys.Select((_, u) => model.HeldKeys.TryGetValue(u, out var held) ? new HashSet<object>(held) : []).ToArray();
        private readonly ConcurrentBag<object?[][]> _spares = [];
        private readonly Queue<(Task<EncodedBatch> Bytes, long Done)> _encoding = new();
        private readonly bool _parallel = options.MaxDegreeOfParallelism > 1;
        private IEncodingModelWriter? _encoder;
        private bool _encodeWithRows;
        private bool _recycle;
        private long _done;

        /// <summary>The reference columns later models read, by field index.</summary>
        public required (int FieldIndex, ReferenceValues Values)[] Columns { get; init; }

        public required long Count { get; init; }

        public required long Lo { get; init; }

        public required long Hi { get; init; }

        public required ModelDescriptor Descriptor { get; init; }

        public required IModelWriter Writer { get; init; }

        /// <summary>The model's archive (<c>archive:</c>), which gets every row as generated, ground truth included; or null.</summary>
        public (IModelWriter Writer, ModelDescriptor Descriptor)? Archive { get; init; }

        public async Task WriteAllAsync()
        {
            // A writer that encodes apart from writing (files) gets its batches encoded on the pool: in the task that
            // generated them when no in-order step changes rows (unique retries, ground truth, an archive), else in a task of their
            // own once those steps ran. Either way the bytes are written in row order. Windows stay a few batches deep,
            // twice the threads so no core waits while the writer writes: memory stays flat.
            _encoder = _parallel ? Writer as IEncodingModelWriter : null;
            _encodeWithRows = _encoder is not null && _uniques.Length == 0 && truth is null && Archive is null;

            // Rows encoded where they were made and kept by no reference column are dead once encoded: their arrays go
            // back to be filled again by a later batch (a quarter of what a row allocates, so fewer collections).
            _recycle = _encodeWithRows && Columns.Length == 0;
            var depth = _parallel ? 2 * options.MaxDegreeOfParallelism : 1;
            var window = new Queue<(long Start, int Count, Task<(object?[][]? Rows, EncodedBatch? Bytes)> Batch)>();
            var next = Columns.Length == 0 && _uniques.Length == 0 ? Lo : 0;
            var to = Columns.Length == 0 ? Hi : Count;
            while (next < to || window.Count > 0)
            {
                while (window.Count < depth && next < to)
                {
                    var start = next;
                    var n = (int)Math.Min(options.BatchSize, to - start);
                    window.Enqueue((start, n, _parallel
                        ? Task.Run(() => Generate(start, n), cancellationToken)
                        : Task.FromResult(Generate(start, n))));
                    next += n;
                }

                var (first, size, task) = window.Dequeue();
                var (held, encoded) = await task.ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (held is not null)
                {
                    Keep(first, held);
                }

                await WriteAsync(first, size, held, encoded).ConfigureAwait(false);
            }

            while (_encoding.Count > 0)
            {
                await WriteEncodedAsync().ConfigureAwait(false);
            }
        }

        /// <summary>Rows [start, start + n), and their bytes when they need no in-order step (then no rows when they were recycled).</summary>
        private (object?[][]? Rows, EncodedBatch? Bytes) Generate(long start, int n)
        {
            var rows = GenerateRows(run, model, offsets, start, n, workers, _recycle && _spares.TryTake(out var spare) ? spare : null);
            if (!_encodeWithRows)
            {
                return (rows, null);
            }

            var (skip, take) = ShardPart(start, n);
            var bytes = take <= 0 ? null : _encoder!.Encode(new RowBatch(Descriptor, start + skip, take == n ? rows : rows[skip..(skip + take)]));
            if (!_recycle)
            {
                return (rows, bytes);
            }

            _spares.Add(rows);
            return (null, bytes);
        }

        /// <summary>The in-order steps: unique values made unique by retries, then the values later models read kept.</summary>
        private void Keep(long first, object?[][] held)
        {
            if (_uniques.Length > 0)
            {
                EnforceUnique(run, model, offsets, first, held, _uniques, _ordered);
            }

            foreach (var (fieldIndex, values) in Columns)
            {
                for (var i = 0; i < held.Length; i++)
                {
                    values.Set(first + i, held[i][fieldIndex]);
                }
            }
        }

        /// <summary>Writes the shard's part of a batch: its bytes, its rows, or its rows handed to the pool to encode.</summary>
        private async Task WriteAsync(long first, int size, object?[][]? held, EncodedBatch? encoded)
        {
            var (skip, take) = ShardPart(first, size);
            if (take <= 0)
            {
                return;
            }

            _done += take;
            if (encoded is not null)
            {
                await _encoder!.WriteAsync(encoded, cancellationToken).ConfigureAwait(false);
                Report(_done);
                return;
            }

            // Not encoded yet, so not recycled: the rows are here.
            var rows = held!;
            if (take != rows.Length)
            {
                rows = rows[skip..(skip + take)];
                first += skip;
            }

            if (Archive is { } archive)
            {
                await archive.Writer.WriteAsync(new RowBatch(archive.Descriptor, first, rows), cancellationToken).ConfigureAwait(false);
            }

            if (truth is not null)
            {
                // Hidden ground truth: the cluster column moves to <model>_truth.
                for (var i = 0; i < rows.Length; i++)
                {
                    truth.Add([rows[i][model.KeyIndex], rows[i][^1]]);
                    rows[i] = rows[i][..^1];
                }
            }

            var batch = new RowBatch(Descriptor, first, rows);
            if (_encoder is not { } encoder)
            {
                await Writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                Report(_done);
                return;
            }

            _encoding.Enqueue((Task.Run(() => encoder.Encode(batch), cancellationToken), _done));
            while (_encoding.Count > options.MaxDegreeOfParallelism)
            {
                await WriteEncodedAsync().ConfigureAwait(false);
            }
        }

        /// <summary>The part of a batch the shard writes (the whole batch without a shard).</summary>
        private (int Skip, int Take) ShardPart(long start, int n)
        {
            var skip = (int)Math.Clamp(Lo - start, 0, n);
            return (skip, (int)Math.Clamp(Hi - start, 0, n) - skip);
        }

        private async Task WriteEncodedAsync()
        {
            var (bytes, written) = _encoding.Dequeue();
            await _encoder!.WriteAsync(await bytes.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            Report(written);
        }

        private void Report(long done) => options.Progress?.Report(new GenerationProgress(model.Name, done, Hi - Lo));
    }
}
