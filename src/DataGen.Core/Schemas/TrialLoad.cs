using DataGen.Generation;
using DataGen.Manifests;
using DataGen.Outputs;
using DataGen.Stores;

namespace DataGen.Schemas;

/// <summary>
/// What <c>validate --against</c> does after its catalog checks: a few rows of every model go into each SQL datastore
/// inside that datastore's own transaction, which is then rolled back (the output is disposed, never completed), so the
/// database decides what a catalog reading cannot — types, formats, checks, partitions, keys, triggers. Models of other
/// datastores (files, brokers) are generated to memory only. Each datastore is asked first whether the trial can be undone
/// there (<see cref="StoreProvider.GuardTrialLoadAsync"/>); one that says no gets no trial, and the validation says why.
/// </summary>
internal static class TrialLoad
{
    /// <summary>Rows per model the trial sends (per-parent models follow their parents' sample).</summary>
    public const long Rows = 20;

    /// <summary>
    /// Runs the trial; a failure is an error located at the model it names (or at the datastores). Returns a note for each
    /// datastore into which no trial load was made, saying why.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RunAsync(Manifest manifest, GenerationPlan plan, StoreCatalog stores, IReadOnlyList<(Datastore Store, StoreProvider Provider)> described, ErrorSink errors, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        var guards = new List<TrialLoadGuard>();
        var tried = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (store, provider) in described)
        {
            var models = plan.Models.Where(m => m.Source.Store == store.Name).ToList();
            if (models.FirstOrDefault(m => m.Source.Mode == LoadMode.Replace) is { } replaced)
            {
                // Where DDL commits by itself (MySQL) a replace's drop could not be rolled back: never tried.
                notes.Add($"{store.Kind} '{store.Name}': no trial load was made: model '{replaced.Name}' has mode replace, and a trial would drop its table");
                continue;
            }

            var tables = models.Select(m => m.Source.Target)
                .Concat(models.Where(m => m.Duplicates is { Hidden: true }).Select(m => m.Source.Target + "_truth"))
                .Distinct(StringComparer.Ordinal)
                .ToList();
            var guard = await provider.GuardTrialLoadAsync(store, tables, cancellationToken).ConfigureAwait(false);
            if (guard.Refusal is { } reason)
            {
                notes.Add($"{store.Kind} '{store.Name}': no trial load was made: {reason}");
                continue;
            }

            guards.Add(guard);
            tried.Add(store.Name);
        }

        if (tried.Count > 0)
        {
            try
            {
                await TryAsync(manifest, plan, stores, tried, errors, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await RestoreAsync(guards).ConfigureAwait(false);
            }
        }

        return notes;
    }

    /// <summary>The trial itself: every output disposed, never completed, so each datastore rolls back.</summary>
    private static async Task TryAsync(Manifest manifest, GenerationPlan plan, StoreCatalog stores, HashSet<string> tried, ErrorSink errors, CancellationToken cancellationToken)
    {
        var outputs = new Dictionary<string, IDataOutput>(StringComparer.Ordinal);
        foreach (var store in manifest.Datastores)
        {
            outputs[store.Name] = tried.Contains(store.Name) ? stores.CreateOutput(store, new StoreLoadOptions()) : new MemoryOutput();
        }

        var routing = new RoutingOutput(outputs, new MemoryOutput());
        await using (routing.ConfigureAwait(false))
        {
            var budget = new MemoryBudget(null);
            var counts = plan.Models.Where(m => m.Source.Count is not CountSpec.PerParent)
                .ToDictionary(m => m.Name, m => Math.Min(Rows, m.ResolveCount(plan.Scale, _ => 0, budget).GeneratedRows), StringComparer.Ordinal);
            try
            {
                await DataGenerator.GenerateAsync(manifest, new RolledBack(routing), new GenerationOptions { CountOverrides = counts, Trial = true }, cancellationToken).ConfigureAwait(false);
            }
            catch (GenerationException e)
            {
                var model = plan.Models.FirstOrDefault(m => m.Name == e.Model)?.Source;
                errors.Add(model?.Node, $"a trial load of {Rows} rows per model (rolled back) failed: {e.Message}", e.Model, e.Field);
            }
        }
    }

    /// <summary>After the rollback: every guard puts back what it must (not cancellable: a half-restored database is worse), the first failure thrown.</summary>
    private static async Task RestoreAsync(List<TrialLoadGuard> guards)
    {
        Exception? first = null;
        foreach (var guard in guards)
        {
            try
            {
                await guard.RestoreAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is GenerationException or InvalidOperationException)
            {
                first ??= e;
            }
        }

        if (first is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
    }

    /// <summary>Passes everything on but completion: disposing the inner outputs then rolls every datastore back.</summary>
    private sealed class RolledBack(IDataOutput inner) : IDataOutput
    {
        public ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default) => inner.PrepareAsync(models, cancellationToken);

        public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default) => inner.OpenModelAsync(model, cancellationToken);

        public ValueTask<IModelWriter> OpenUpdatesAsync(ModelDescriptor model, CancellationToken cancellationToken = default) => inner.OpenUpdatesAsync(model, cancellationToken);

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
