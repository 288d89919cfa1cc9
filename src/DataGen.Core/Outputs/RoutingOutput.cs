namespace DataGen.Outputs;

/// <summary>
/// Sends each model to the output of the datastore its manifest entry names (<c>store:</c>), and models
/// without a store to a default output: one manifest spanning PostgreSQL, MongoDB, Kafka and files.
/// </summary>
public sealed class RoutingOutput : IDataOutput
{
    private readonly IReadOnlyDictionary<string, IDataOutput> _stores;
    private readonly IDataOutput? _default;
    private readonly List<IDataOutput> _used = [];

    /// <summary>Creates a routing output.</summary>
    /// <param name="stores">Outputs by datastore name.</param>
    /// <param name="defaultOutput">Where models without a store go (null: such models are an error).</param>
    public RoutingOutput(IReadOnlyDictionary<string, IDataOutput> stores, IDataOutput? defaultOutput)
    {
        _stores = stores;
        _default = defaultOutput;
    }

    /// <inheritdoc />
    public async ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        foreach (var group in models.GroupBy(m => m.Store ?? string.Empty))
        {
            var output = group.Key.Length == 0 ? _default : _stores.GetValueOrDefault(group.Key);
            if (output is not null)
            {
                await output.PrepareAsync(group.ToList(), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default) =>
        OutputOf(model).OpenModelAsync(model, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IModelWriter> OpenUpdatesAsync(ModelDescriptor model, CancellationToken cancellationToken = default) =>
        OutputOf(model).OpenUpdatesAsync(model, cancellationToken);

    private IDataOutput OutputOf(ModelDescriptor model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var output = model.Store is null
            ? _default ?? throw new GenerationException("has no 'store:' and the run has no default output", model.Name)
            : _stores.GetValueOrDefault(model.Store) ?? throw new GenerationException($"datastore '{model.Store}' has no output in this run", model.Name);
        if (!_used.Contains(output))
        {
            _used.Add(output);
        }

        return output;
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        foreach (var output in _used)
        {
            await output.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var output in _stores.Values.Append(_default).OfType<IDataOutput>().Distinct())
        {
            await output.DisposeAsync().ConfigureAwait(false);
        }
    }
}
