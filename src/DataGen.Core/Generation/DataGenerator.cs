using System.Collections.Concurrent;
using System.Diagnostics;
using DataGen.Generation;
using DataGen.Outputs;

namespace DataGen;

/// <summary>
/// Runs a manifest into an output. Rows are generated in parallel over row ranges and written in
/// row order through a bounded window, so memory stays flat and the bytes written are the same for
/// any thread count or batch size.
/// </summary>
public static partial class DataGenerator
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
        var reads = StartingReads.For(plan);
        var described = plan.Models.Select(m => plan.Describe(m, 0) is var d && reads.TryGetValue(m.Name, out var read) ? d with { Starting = read } : d).ToList();

        // A hidden ground truth's table is the run's too: prepared with its model (its mode, its conflicts) before any row.
        var truths = plan.Models.Where(m => m.Duplicates is { Hidden: true }).Select(m => m.DescribeTruth(described.First(d => d.Name == m.Name)));
        await output.PrepareAsync(described.Concat(truths).ToList(), cancellationToken).ConfigureAwait(false);
        Archives.Read(plan, reads, options.Shard);
        if (StartingReads.Compile(manifest, plan, reads) is { } continued)
        {
            // Appending to tables that hold rows: the plan compiled for what they hold (keys continue, values avoid, refs reach them).
            plan = continued.Plan;
            run = new GenerationRun(plan);
        }

        AllocateInlineTargets(plan, run, options, budget);
        var archives = new Archives();
        await using var disposeArchives = archives.ConfigureAwait(false);
        foreach (var model in plan.Models)
        {
            var started = Stopwatch.GetTimestamp();
            var (count, generated, offsets) = ResolveCount(plan, model, options, name => counts[name], budget);

            run.SetGeneratedRows(model, generated);
            counts[model.Name] = count;
            var truth = model.Duplicates is { Hidden: true } ? new List<object?[]>() : null;
            var written = await GenerateModelAsync(plan, run, model, (count, offsets), (output, archives), options, workers, truth, budget, cancellationToken).ConfigureAwait(false);
            summaries.Add(new ModelSummary(model.Name, written, Stopwatch.GetElapsedTime(started)));
            if (truth is not null)
            {
                started = Stopwatch.GetTimestamp();
                var descriptor = model.DescribeTruth(plan.Describe(model, count));
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
        if (options.Trial)
        {
            return new GenerationSummary(plan.Seed, summaries, total.Elapsed);
        }

        await archives.CompleteAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>Generates one model's rows (the shard's part written, and every row to its archive) and checks the output acknowledged every one.</summary>
    private static async Task<long> GenerateModelAsync(
        GenerationPlan plan,
        GenerationRun run,
        ModelPlan model,
        (long Count, long[]? Offsets) rows,
        (IDataOutput Output, Archives Archives) to,
        GenerationOptions options,
        ConcurrentBag<GenerationWorker> workers,
        List<object?[]>? truth,
        MemoryBudget budget,
        CancellationToken cancellationToken)
    {
        var (count, offsets) = rows;
        budget.ReserveColumns(model, count);
        var columns = model.Columns.Select(c => (c.FieldIndex, Values: run.Allocate(c.Column, model.Root.Fields[c.FieldIndex], count))).ToArray();
        var (lo, hi) = options.Shard is { } shard ? (shard.First(count), shard.End(count)) : (0L, count);
        var descriptor = plan.Describe(model, hi - lo);
        var archive = await to.Archives.OpenAsync(model, plan.Describe(model, count), cancellationToken).ConfigureAwait(false);
        await using var disposeArchive = ((IAsyncDisposable?)archive?.Writer ?? NoArchive.Instance).ConfigureAwait(false);
        var writer = await to.Output.OpenModelAsync(descriptor, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            var batches = new ModelBatches(run, model, offsets, options, workers, truth, cancellationToken)
            {
                Columns = columns,
                Count = count,
                Lo = lo,
                Hi = hi,
                Descriptor = descriptor,
                Writer = writer,
                Archive = archive,
            };
            await batches.WriteAllAsync().ConfigureAwait(false);
            var acknowledged = await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            if (acknowledged != hi - lo)
            {
                throw new GenerationException($"generated {hi - lo} rows but the output acknowledged {acknowledged} (difference {hi - lo - acknowledged})", model.Name);
            }

            if (archive is { Writer: var archived } && await archived.CompleteAsync(cancellationToken).ConfigureAwait(false) != count)
            {
                throw new GenerationException($"generated {count} rows but its archive {model.Source.Archive!.Path} took a different number", model.Name);
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
        var descriptor = model.DescribeUpdates(plan.Describe(model, hi - lo), hi - lo);
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
}
