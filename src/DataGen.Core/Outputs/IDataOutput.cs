using DataGen.Generation;

namespace DataGen.Outputs;

/// <summary>
/// Where generated rows go: files here, databases and brokers in the store packages. A run opens one
/// writer per model in dependency order and completes the output only when every model succeeded;
/// disposing an output or writer that was not completed must leave nothing half-written behind.
/// </summary>
public interface IDataOutput : IAsyncDisposable
{
    /// <summary>
    /// Called once before the first model with every model the run will write (counts not yet known: 0), so an output
    /// can act on them together — the SQL stores empty the tables of <see cref="LoadMode.Truncate"/> models in one step,
    /// children before parents. Outputs that wrap another must pass it on. Default: nothing.
    /// </summary>
    ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>Starts writing a model's rows.</summary>
    ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens the updates that set fields of rows this run already wrote: a reference cycle's <c>deferred: true</c> refs,
    /// whose rows went in with NULL because the rows they point at came later. Called after every model was written,
    /// before <see cref="CompleteAsync"/>, once per model with deferred fields. <paramref name="model"/> is the model's
    /// descriptor narrowed to its key followed by the fields to set; each row holds the key and the new values. The writer
    /// acknowledges the rows it applied. Outputs that wrap another must pass it on; the default refuses (an output that
    /// cannot change rows it wrote: a broker).
    /// </summary>
    /// <exception cref="NotSupportedException">The output cannot change rows it has written.</exception>
    ValueTask<IModelWriter> OpenUpdatesAsync(ModelDescriptor model, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} cannot change rows it has written");

    /// <summary>Makes everything written visible (renames temporary files, commits).</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken = default);
}

/// <summary>Receives one model's rows in row order.</summary>
public interface IModelWriter : IAsyncDisposable
{
    /// <summary>Writes a batch of rows.</summary>
    ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default);

    /// <summary>Called after the last batch; returns the number of rows the destination acknowledged.</summary>
    ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default);
}
