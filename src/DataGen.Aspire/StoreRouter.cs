using DataGen.Outputs;

namespace DataGen.Aspire;

/// <summary>
/// Sends each model to its bound store (<see cref="RoutingOutput"/>, models without <c>store:</c> to the primary one) and
/// remembers which models each store received. When refilling, tables are emptied first (<see cref="LoadMode.Truncate"/>,
/// keeping their definitions) and models bound for topics, which cannot be emptied, are generated but not written.
/// </summary>
internal sealed class StoreRouter(IReadOnlyDictionary<string, IDataOutput> outputs, IReadOnlyDictionary<string, string> kinds, string primary, bool refill) : IDataOutput
{
    private readonly RoutingOutput _inner = new(outputs, outputs[primary]);
    private readonly List<ModelDescriptor> _models = [];
    private readonly List<string> _skipped = [];

    /// <summary>Models generated but not written (topics when refilling).</summary>
    public IReadOnlyList<string> Skipped => _skipped;

    /// <summary>The models written to the store named <paramref name="store"/>.</summary>
    public IReadOnlyList<ModelDescriptor> ModelsOf(string store) =>
        _models.Where(m => (m.Store ?? primary) == store && !_skipped.Contains(m.Name)).ToList();

    public ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default) =>
        _inner.PrepareAsync(models.Where(m => !Skips(m)).Select(Change).ToList(), cancellationToken);

    public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
    {
        _models.Add(model);
        if (Skips(model))
        {
            _skipped.Add(model.Name);
            return ValueTask.FromResult<IModelWriter>(new Discarding());
        }

        return _inner.OpenModelAsync(Change(model), cancellationToken);
    }

    public ValueTask<IModelWriter> OpenUpdatesAsync(ModelDescriptor model, CancellationToken cancellationToken = default) =>
        Skips(model) ? ValueTask.FromResult<IModelWriter>(new Discarding()) : _inner.OpenUpdatesAsync(Change(model), cancellationToken);

    public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => _inner.CompleteAsync(cancellationToken);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    private bool Skips(ModelDescriptor model) => refill && kinds[model.Store ?? primary] == "kafka";

    private ModelDescriptor Change(ModelDescriptor model) => refill ? model with { Mode = LoadMode.Truncate } : model;

    /// <summary>Acknowledges rows without writing them.</summary>
    private sealed class Discarding : IModelWriter
    {
        private long _rows;

        public ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
        {
            _rows += batch.Rows.Count;
            return ValueTask.CompletedTask;
        }

        public ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_rows);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
