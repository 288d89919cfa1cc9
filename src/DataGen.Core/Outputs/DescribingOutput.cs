namespace DataGen.Outputs;

/// <summary>
/// Passes every model to <paramref name="inner"/> with its descriptor changed by <paramref name="change"/> (targets,
/// modes, keys, times). Compiled into the CLI and the kit as a linked source: they see none of Core's internals.
/// </summary>
internal sealed class DescribingOutput(IDataOutput inner, Func<ModelDescriptor, ModelDescriptor> change) : IDataOutput
{
    public ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default) =>
        inner.PrepareAsync(models.Select(change).ToList(), cancellationToken);

    public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default) => inner.OpenModelAsync(change(model), cancellationToken);

    public ValueTask<IModelWriter> OpenUpdatesAsync(ModelDescriptor model, CancellationToken cancellationToken = default) => inner.OpenUpdatesAsync(change(model), cancellationToken);

    public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
