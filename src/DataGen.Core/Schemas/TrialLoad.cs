using DataGen.Generation;
using DataGen.Manifests;
using DataGen.Outputs;

namespace DataGen.Schemas;

/// <summary>
/// What <c>validate --against</c> does after its catalog checks: a few rows of every model go into each SQL datastore
/// inside that datastore's own transaction, which is then rolled back (the output is disposed, never completed), so the
/// database decides what a catalog reading cannot — types, formats, checks, partitions, keys, triggers. Models of other
/// datastores (files, brokers) are generated to memory only.
/// </summary>
internal static class TrialLoad
{
    /// <summary>Rows per model the trial sends (per-parent models follow their parents' sample).</summary>
    public const long Rows = 20;

    /// <summary>Runs the trial; a failure is an error located at the model it names (or at the datastores).</summary>
    public static async Task RunAsync(Manifest manifest, GenerationPlan plan, Stores.StoreCatalog stores, IReadOnlyList<Datastore> sqlStores, ErrorSink errors, CancellationToken cancellationToken)
    {
        // A datastore with a mode 'replace' model is left out: where DDL commits by itself (MySQL) its drop could not be rolled back.
        var outputs = new Dictionary<string, IDataOutput>(StringComparer.Ordinal);
        foreach (var store in manifest.Datastores)
        {
            var tried = sqlStores.Contains(store) && !plan.Models.Any(m => m.Source.Store == store.Name && m.Source.Mode == LoadMode.Replace);
            outputs[store.Name] = tried ? stores.CreateOutput(store, new StoreLoadOptions()) : new MemoryOutput();
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
