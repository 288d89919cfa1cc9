using System.Collections.Concurrent;
using System.Diagnostics;
using DataGen.Generation;
using DataGen.Outputs;
using DataGen.Randomness;

namespace DataGen;

/// <summary>
/// Runs a manifest into an output. Rows are generated in parallel over row ranges and written in
/// row order through a bounded window, so memory stays flat and the bytes written are the same for
/// any thread count or batch size.
/// </summary>
public static class DataGenerator
{
    private const int MaxUniqueAttempts = 1000;

    /// <summary>Generates every model of the manifest into <paramref name="output"/>, then completes it.</summary>
    /// <exception cref="GenerationException">A value could not be generated or the output did not acknowledge every row.</exception>
    public static async Task<GenerationSummary> GenerateAsync(
        Manifest manifest,
        IDataOutput output,
        GenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new GenerationOptions();
        if (options.BatchSize <= 0 || options.MaxDegreeOfParallelism <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "BatchSize and MaxDegreeOfParallelism must be positive");
        }

        if (options.Shard is { } shard && (shard.Count < 1 || shard.Index < 0 || shard.Index >= shard.Count))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"shard {shard.Index}/{shard.Count} is not a slice: 0 ≤ index < count");
        }

        var plan = manifest.Plan;
        var run = new GenerationRun(plan);
        var total = Stopwatch.StartNew();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var workers = new ConcurrentBag<GenerationWorker>();
        var summaries = new List<ModelSummary>();
        var budget = new MemoryBudget(options.MemoryLimit);
        await output.PrepareAsync(plan.Models.Select(m => m.Describe(0, name => plan.Models.FirstOrDefault(p => p.Name == name))).ToList(), cancellationToken).ConfigureAwait(false);
        AllocateInlineTargets(plan, run, options, budget);
        foreach (var model in plan.Models)
        {
            var started = Stopwatch.GetTimestamp();
            var (count, generated, offsets) = ResolveCount(plan, model, options, name => counts[name], budget);

            run.SetGeneratedRows(model, generated);
            counts[model.Name] = count;
            var truth = model.Duplicates is { Hidden: true } ? new List<object?[]>() : null;
            var written = await GenerateModelAsync(plan, run, model, count, offsets, output, options, workers, truth, budget, cancellationToken).ConfigureAwait(false);
            summaries.Add(new ModelSummary(model.Name, written, Stopwatch.GetElapsedTime(started)));
            if (truth is not null)
            {
                started = Stopwatch.GetTimestamp();
                var descriptor = model.DescribeTruth(model.Describe(count, name => plan.Models.FirstOrDefault(m => m.Name == name)));
                summaries.Add(new ModelSummary(descriptor.Name, await WriteAllAsync(output, descriptor, truth, cancellationToken).ConfigureAwait(false), Stopwatch.GetElapsedTime(started)));
            }
        }

        foreach (var model in plan.Models.Where(m => m.DeferredFields.Length > 0))
        {
            var started = Stopwatch.GetTimestamp();
            var updated = await UpdateDeferredAsync(plan, run, model, counts[model.Name], output, options, cancellationToken).ConfigureAwait(false);
            summaries.Add(new ModelSummary($"{model.Name} (updates: {string.Join(", ", model.DeferredFields.Select(i => model.Root.Names[i]))})", updated, Stopwatch.GetElapsedTime(started)) { Updates = true });
        }

        await output.CompleteAsync(cancellationToken).ConfigureAwait(false);
        if (options.Shard is not { Index: > 0 })
        {
            // Tracers used once are marked when the run's output is complete (one shard marks for all).
            await Manifests.TracerConsumption.MarkAsync(plan.Models.Select(m => m.Source), cancellationToken).ConfigureAwait(false);
        }

        return new GenerationSummary(plan.Seed, summaries, total.Elapsed);
    }

    /// <summary>The model's row count, generated rows and per-parent offsets, with the options' count override applied.</summary>
    private static (long Count, long Generated, long[]? Offsets) ResolveCount(GenerationPlan plan, ModelPlan model, GenerationOptions options, Func<string, long> countOf, MemoryBudget budget)
    {
        var (count, generated, offsets) = model.ResolveCount(plan.Scale, countOf, budget);
        if (options.CountOverrides?.TryGetValue(model.Name, out var fixedCount) == true && offsets is null)
        {
            generated = fixedCount;
            count = fixedCount + model.Tracers.Count;
        }

        return (count, generated, offsets);
    }

    /// <summary>
    /// A reference cycle filled in one pass: the columns its inline deferred refs read are computed from position, so they
    /// are allocated before any model is generated (the same values the referenced model's own allocation gives later).
    /// </summary>
    private static void AllocateInlineTargets(GenerationPlan plan, GenerationRun run, GenerationOptions options, MemoryBudget budget)
    {
        foreach (var field in plan.Models.SelectMany(m => m.Root.Fields))
        {
            if (field.Generator is Generators.ReferenceGenerators.DeferredRefGenerator { Inline: true, Source: { } column }
                && plan.Models.FirstOrDefault(m => m.Name == column.Model) is { } target)
            {
                var (_, generated, _) = ResolveCount(plan, target, options, _ => 0, budget);
                run.Allocate(column, target.Root.Fields[Array.IndexOf(target.Root.Names, column.Field)], generated);
            }
        }
    }

    private static async Task<long> GenerateModelAsync(
        GenerationPlan plan,
        GenerationRun run,
        ModelPlan model,
        long count,
        long[]? offsets,
        IDataOutput output,
        GenerationOptions options,
        ConcurrentBag<GenerationWorker> workers,
        List<object?[]>? truth,
        MemoryBudget budget,
        CancellationToken cancellationToken)
    {
        budget.ReserveColumns(model, count);
        var columns = model.Columns.Select(c => (c.FieldIndex, Values: run.Allocate(c.Column, model.Root.Fields[c.FieldIndex], count))).ToArray();

        // A shard writes rows [lo, hi). Rows before it are generated too when later rows depend on them (unique retries)
        // or later models read them (reference columns); rows after it only for reference columns.
        var (lo, hi) = options.Shard is { } shard ? (shard.First(count), shard.End(count)) : (0L, count);
        var uniques = model.UniqueKeys.Select(_ => new HashSet<object>()).ToArray();
        var from = columns.Length == 0 && uniques.Length == 0 ? lo : 0;
        var to = columns.Length == 0 ? hi : count;
        var descriptor = model.Describe(hi - lo, name => plan.Models.FirstOrDefault(m => m.Name == name));
        var ordered = new GenerationWorker();
        var writer = await output.OpenModelAsync(descriptor, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            var parallel = options.MaxDegreeOfParallelism > 1;

            // A writer that encodes apart from writing (files) gets its batches encoded on the pool: in the task that
            // generated them when no in-order step changes rows (unique retries, ground truth), else in a task of their
            // own once those steps ran. Either way the bytes are written in row order. Windows stay a few batches deep,
            // twice the threads so no core waits while the writer writes: memory stays flat.
            var encoder = parallel ? writer as IEncodingModelWriter : null;
            var encodeWithRows = encoder is not null && uniques.Length == 0 && truth is null;

            // Rows encoded where they were made and kept by no reference column are dead once encoded: their arrays go
            // back to be filled again by a later batch (a quarter of what a row allocates, so fewer collections).
            var recycle = encodeWithRows && columns.Length == 0;
            var spares = new ConcurrentBag<object?[][]>();
            var depth = parallel ? 2 * options.MaxDegreeOfParallelism : 1;
            var window = new Queue<(long Start, int Count, Task<(object?[][]? Rows, EncodedBatch? Bytes)> Batch)>();
            var encoding = new Queue<(Task<EncodedBatch> Bytes, long Done)>();
            var next = from;
            long done = 0;
            while (next < to || window.Count > 0)
            {
                while (window.Count < depth && next < to)
                {
                    var start = next;
                    var n = (int)Math.Min(options.BatchSize, to - start);
                    window.Enqueue((start, n, parallel
                        ? Task.Run(() => Generate(start, n), cancellationToken)
                        : Task.FromResult(Generate(start, n))));
                    next += n;
                }

                var (first, size, task) = window.Dequeue();
                var (held, encoded) = await task.ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (held is not null)
                {
                    if (uniques.Length > 0)
                    {
                        EnforceUnique(run, model, offsets, first, held, uniques, ordered);
                    }

                    foreach (var (fieldIndex, values) in columns)
                    {
                        for (var i = 0; i < held.Length; i++)
                        {
                            values.Set(first + i, held[i][fieldIndex]);
                        }
                    }
                }

                var (skip, take) = ShardPart(first, size);
                if (take <= 0)
                {
                    continue;
                }

                done += take;
                if (encoded is not null)
                {
                    await encoder!.WriteAsync(encoded, cancellationToken).ConfigureAwait(false);
                    options.Progress?.Report(new GenerationProgress(model.Name, done, hi - lo));
                    continue;
                }

                // Not encoded yet, so not recycled: the rows are here.
                var rows = held!;
                if (take != rows.Length)
                {
                    rows = rows[skip..(skip + take)];
                    first += skip;
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

                if (encoder is null)
                {
                    await writer.WriteAsync(new RowBatch(descriptor, first, rows), cancellationToken).ConfigureAwait(false);
                    options.Progress?.Report(new GenerationProgress(model.Name, done, hi - lo));
                    continue;
                }

                var batch = new RowBatch(descriptor, first, rows);
                encoding.Enqueue((Task.Run(() => encoder.Encode(batch), cancellationToken), done));
                while (encoding.Count > options.MaxDegreeOfParallelism)
                {
                    await WriteEncodedAsync().ConfigureAwait(false);
                }
            }

            while (encoding.Count > 0)
            {
                await WriteEncodedAsync().ConfigureAwait(false);
            }

            // Rows [start, start + n), and their bytes when they need no in-order step (then no rows when they were recycled).
            (object?[][]? Rows, EncodedBatch? Bytes) Generate(long start, int n)
            {
                var rows = GenerateRows(run, model, offsets, start, n, workers, recycle && spares.TryTake(out var spare) ? spare : null);
                if (!encodeWithRows)
                {
                    return (rows, null);
                }

                var (skip, take) = ShardPart(start, n);
                var bytes = take <= 0 ? null : encoder!.Encode(new RowBatch(descriptor, start + skip, take == n ? rows : rows[skip..(skip + take)]));
                if (!recycle)
                {
                    return (rows, bytes);
                }

                spares.Add(rows);
                return (null, bytes);
            }

            // The part of a batch the shard writes (the whole batch without a shard).
            (int Skip, int Take) ShardPart(long start, int n)
            {
                var skip = (int)Math.Clamp(lo - start, 0, n);
                return (skip, (int)Math.Clamp(hi - start, 0, n) - skip);
            }

            async Task WriteEncodedAsync()
            {
                var (bytes, written) = encoding.Dequeue();
                await encoder!.WriteAsync(await bytes.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                options.Progress?.Report(new GenerationProgress(model.Name, written, hi - lo));
            }

            var acknowledged = await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            if (acknowledged != hi - lo)
            {
                throw new GenerationException($"generated {hi - lo} rows but the output acknowledged {acknowledged} (difference {hi - lo - acknowledged})", model.Name);
            }

            return acknowledged;
        }
    }

    /// <summary>
    /// Sets a model's deferred refs once every model is generated: for each row written (the shard's), its key and the
    /// values, each from the field's own stream at the row (so any thread count or shard gives the same values).
    /// </summary>
    private static async Task<long> UpdateDeferredAsync(GenerationPlan plan, GenerationRun run, ModelPlan model, long count, IDataOutput output, GenerationOptions options, CancellationToken cancellationToken)
    {
        var (lo, hi) = options.Shard is { } shard ? (shard.First(count), shard.End(count)) : (0L, count);
        var descriptor = model.DescribeUpdates(model.Describe(hi - lo, name => plan.Models.FirstOrDefault(m => m.Name == name)), hi - lo);
        var keys = run.Values(model.KeyColumn!);
        var fields = model.DeferredFields.Select(i => model.Root.Fields[i]).ToArray();
        IModelWriter writer;
        try
        {
            writer = await output.OpenUpdatesAsync(descriptor, cancellationToken).ConfigureAwait(false);
        }
        catch (NotSupportedException e)
        {
            throw new GenerationException($"{string.Join(", ", fields.Select(f => f.Name))}: a deferred ref is set by updating rows after every model is written, and this output cannot ({e.Message}); write the model to a SQL store or files", model.Name, fields[0].Path, null, e);
        }

        await using (writer.ConfigureAwait(false))
        {
            for (var first = lo; first < hi; first += options.BatchSize)
            {
                var rows = new object?[(int)Math.Min(options.BatchSize, hi - first)][];
                for (var i = 0; i < rows.Length; i++)
                {
                    var row = first + i;
                    var values = new object?[fields.Length + 1];
                    values[0] = keys[row];
                    for (var f = 0; f < fields.Length; f++)
                    {
                        values[f + 1] = ((Generators.ReferenceGenerators.DeferredRefGenerator)fields[f].Generator).ValueAt(fields[f], row, run);
                    }

                    rows[i] = values;
                }

                cancellationToken.ThrowIfCancellationRequested();
                await writer.WriteAsync(new RowBatch(descriptor, first, rows), cancellationToken).ConfigureAwait(false);
            }

            var acknowledged = await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return acknowledged == hi - lo
                ? acknowledged
                : throw new GenerationException($"sent updates for {hi - lo} rows but the output applied {acknowledged} (difference {hi - lo - acknowledged})", model.Name);
        }
    }

    /// <summary>Rows [start, start + count); in the arrays of <paramref name="spare"/> (rows of an earlier batch that nothing holds any more) when given.</summary>
    private static object?[][] GenerateRows(GenerationRun run, ModelPlan model, long[]? offsets, long start, int count, ConcurrentBag<GenerationWorker> workers, object?[][]? spare = null)
    {
        if (!workers.TryTake(out var worker))
        {
            worker = new GenerationWorker();
        }

        try
        {
            var rows = spare?.Length == count ? spare : new object?[count][];
            var parent = ParentOf(offsets, start);
            for (var i = 0; i < count; i++)
            {
                var row = start + i;
                while (offsets is not null && offsets[parent + 1] <= row)
                {
                    parent++;
                }

                rows[i] = GenerateRow(run, model, offsets, row, offsets is null ? -1 : parent, worker, attempt: 0, rows[i]);
            }

            return rows;
        }
        finally
        {
            workers.Add(worker);
        }
    }

    private static object?[] GenerateRow(GenerationRun run, ModelPlan model, long[]? offsets, long row, long parent, GenerationWorker worker, int attempt, object?[]? reuse = null)
    {
        var key = StableHash.Mix(unchecked((ulong)row));
        if (attempt > 0)
        {
            key = StableHash.Combine(key, (ulong)attempt);
        }

        try
        {
            var generatedRows = run.GeneratedRows(model);
            var values = model.Root.Fill(worker.RowScope(model.Root, run, row, parent, key, reuse)).Values;
            if (row >= generatedRows && model.Tracers.Count > 0)
            {
                foreach (var (field, value) in model.Tracers[(int)(row - generatedRows)])
                {
                    values[field] = value;
                }
            }

            if (model.Duplicates is { } duplicates)
            {
                var source = duplicates.SourceOf(row, generatedRows);
                var cluster = source < 0
                    ? values[model.KeyIndex]
                    : duplicates.Copy(row, values, GenerateRow(run, model, offsets, source, ParentOf(offsets, source), worker, attempt: 0));
                Array.Resize(ref values, values.Length + 1);
                values[^1] = cluster;
            }

            return values;
        }
        catch (GenerationException e) when (e.Model is null)
        {
            throw new GenerationException(e.Detail, model.Name, e.Field, row, e.InnerException ?? e);
        }
    }

    /// <summary>Writes rows held in memory as one model (restoring a baseline, replaying captured rows); returns the rows the output acknowledged.</summary>
    /// <param name="output">The output.</param>
    /// <param name="descriptor">The model.</param>
    /// <param name="rows">The rows, one value per field.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static async Task<long> WriteAllAsync(IDataOutput output, ModelDescriptor descriptor, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(rows);
        return await WriteHeldAsync(await output.OpenModelAsync(descriptor, cancellationToken).ConfigureAwait(false), descriptor, rows, "generated", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets fields of rows written earlier from updates held in memory (replaying a run whose deferred refs were set after
    /// its rows: <see cref="MemoryOutput.Updates"/>), through <see cref="IDataOutput.OpenUpdatesAsync"/>; returns the rows
    /// the output applied.
    /// </summary>
    /// <param name="output">The output that holds the rows.</param>
    /// <param name="updates">The model narrowed to its key, then the fields to set.</param>
    /// <param name="rows">One row per update: the key, then the values.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static async Task<long> WriteUpdatesAsync(IDataOutput output, ModelDescriptor updates, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(rows);
        return await WriteHeldAsync(await output.OpenUpdatesAsync(updates, cancellationToken).ConfigureAwait(false), updates, rows, "sent updates for", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rows held in memory through an opened writer, in batches; the writer must acknowledge every one.</summary>
    private static async Task<long> WriteHeldAsync(IModelWriter writer, ModelDescriptor descriptor, IReadOnlyList<object?[]> rows, string sent, CancellationToken cancellationToken)
    {
        await using (writer.ConfigureAwait(false))
        {
            for (var first = 0; first < rows.Count; first += 4096)
            {
                await writer.WriteAsync(new RowBatch(descriptor, first, rows.Skip(first).Take(Math.Min(4096, rows.Count - first)).ToArray()), cancellationToken).ConfigureAwait(false);
            }

            var acknowledged = await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return acknowledged == rows.Count
                ? acknowledged
                : throw new GenerationException($"{sent} {rows.Count} rows but the output acknowledged {acknowledged} (difference {rows.Count - acknowledged})", descriptor.Name);
        }
    }

    private static long ParentOf(long[]? offsets, long row)
    {
        if (offsets is null)
        {
            return -1;
        }

        var i = Array.BinarySearch(offsets, row);
        if (i < 0)
        {
            return ~i - 1;
        }

        // Several parents may share an offset (those with no children): take the last.
        while (i + 1 < offsets.Length && offsets[i + 1] == row)
        {
            i++;
        }

        return i;
    }

    /// <summary>
    /// Runs in row order: a row whose unique value was seen before is generated again with the next
    /// attempt number (all its fields, so values derived from the colliding one change too).
    /// </summary>
    private static void EnforceUnique(GenerationRun run, ModelPlan model, long[]? offsets, long first, object?[][] rows, HashSet<object>[] seen, GenerationWorker worker)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            for (var attempt = 0; ; attempt++)
            {
                if (attempt > 0)
                {
                    row = GenerateRow(run, model, offsets, first + i, ParentOf(offsets, first + i), worker, attempt);
                }

                if (IsNew(model, row, seen))
                {
                    break;
                }

                if (attempt == MaxUniqueAttempts)
                {
                    var key = Enumerable.Range(0, seen.Length).First(u => ModelPlan.KeyValue(row, model.UniqueKeys[u]) is { } v && seen[u].Contains(v));
                    var fields = model.UniqueKeys[key];
                    var where = model.Root.Fields[fields[0]].Where is { } w ? $"{w}: " : string.Empty;
                    throw new GenerationException(
                        where + (fields.Length == 1
                            ? $"no unique value after {MaxUniqueAttempts} attempts (last: '{row[fields[0]]}'); a unique field needs a generator with many more possible values than the model has rows"
                            : $"no unique combination of {string.Join(", ", fields.Select(f => model.Root.Names[f]))} after {MaxUniqueAttempts} attempts (last: {ModelPlan.KeyValue(row, fields)}); the combinations must be many more than the model's rows"),
                        model.Name,
                        model.Root.Fields[fields[0]].Path,
                        first + i);
                }
            }

            for (var u = 0; u < seen.Length; u++)
            {
                if (ModelPlan.KeyValue(row, model.UniqueKeys[u]) is { } value)
                {
                    seen[u].Add(value);
                }
            }

            rows[i] = row;
        }
    }

    private static bool IsNew(ModelPlan model, object?[] row, HashSet<object>[] seen)
    {
        for (var u = 0; u < seen.Length; u++)
        {
            if (ModelPlan.KeyValue(row, model.UniqueKeys[u]) is { } value && seen[u].Contains(value))
            {
                return false;
            }
        }

        return true;
    }
}
