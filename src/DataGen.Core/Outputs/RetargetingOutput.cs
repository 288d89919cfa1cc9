namespace DataGen.Outputs;

/// <summary>Writes models under other table, collection or topic names.</summary>
/// <param name="inner">The output written to.</param>
/// <param name="target">The new target of each model.</param>
public sealed class RetargetingOutput(IDataOutput inner, Func<ModelDescriptor, string> target) : IDataOutput
{
    /// <summary>Renames one model's target.</summary>
    /// <param name="inner">The output written to.</param>
    /// <param name="model">The model whose target changes.</param>
    /// <param name="newTarget">Its new table, collection or topic.</param>
    public RetargetingOutput(IDataOutput inner, string model, string newTarget)
        : this(inner, m => m.Name == model ? newTarget : m.Target)
    {
    }

    /// <inheritdoc />
    public ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default) =>
        inner.PrepareAsync((models ?? throw new ArgumentNullException(nameof(models))).Select(m => m with { Target = target(m) }).ToList(), cancellationToken);

    /// <inheritdoc />
    public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor descriptor, CancellationToken cancellationToken = default) =>
        inner.OpenModelAsync((descriptor ?? throw new ArgumentNullException(nameof(descriptor))) with { Target = target(descriptor) }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IModelWriter> OpenUpdatesAsync(ModelDescriptor model, CancellationToken cancellationToken = default) =>
        inner.OpenUpdatesAsync((model ?? throw new ArgumentNullException(nameof(model))) with { Target = target(model) }, cancellationToken);

    /// <inheritdoc />
    public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
