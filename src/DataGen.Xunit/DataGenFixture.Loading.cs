using DataGen.Outputs;

namespace DataGen.Xunit;

/// <content>Loading: the application schema, the load itself, the rows kept to restore from.</content>
public abstract partial class DataGenFixture
{
    private bool _schemaApplied;

    /// <summary>Clears what the last load made before <paramref name="next"/> loads: the whole database when an application schema is involved.</summary>
    private Task ClearForAsync(DataGenAttribute? next, CancellationToken cancellationToken)
    {
        if (_schemaApplied || next is SeededWithAttribute { Schema: not null })
        {
            _schemaApplied = false;
            return RecreateAsync(cancellationToken);
        }

        return ClearAsync(cancellationToken);
    }

    /// <summary>Makes the application's schema named by the attribute, if any, and returns its tables for the manifest.</summary>
    private async Task<ApplicationTables?> ApplySchemaAsync(DataGenAttribute data, CancellationToken cancellationToken)
    {
        if (data is not SeededWithAttribute { Schema: { } type } seeded)
        {
            return null;
        }

        var attribute = $"[SeededWith(\"{seeded.Manifest}\", Schema = typeof({type.Name}))]";
        var schema = ApplicationSchemas.Create(type, attribute);
        var connectionString = ApplicationConnectionString
            ?? throw new InvalidOperationException($"{attribute}: an application schema is made in a SQL database; {Backend} has no tables");
        try
        {
            _schemaApplied = true;
            await schema.CreateAsync(Store, connectionString, cancellationToken).ConfigureAwait(false);
            var tables = schema.Describe(Store, connectionString) ?? await ReadSchemaAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"{GetType().Name} cannot read tables back; {type.Name} must describe them");
            return new ApplicationTables(tables, $"{type.AssemblyQualifiedName}|{Store}");
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            throw new InvalidOperationException($"{attribute}: making {type.Name}'s schema in {Backend} failed: {e.GetBaseException().Message}", e);
        }
    }

    /// <summary>Whether the fixture needs the loaded rows in memory to restore from (<see cref="BaselineRows"/>).</summary>
    protected virtual bool KeepsRows => false;

    /// <summary>The rows of the last load, by model, when <see cref="KeepsRows"/>.</summary>
    protected MemoryOutput? BaselineRows { get; private set; }

    /// <summary>Writes kept rows of one model to <paramref name="output"/> again (restoring a table or collection).</summary>
    protected static Task<long> WriteRowsAsync(IDataOutput output, ModelDescriptor model, List<object?[]> rows, CancellationToken cancellationToken) =>
        DataGenerator.WriteAllAsync(output, model, rows, cancellationToken);

    /// <summary>
    /// Writes every loaded model's kept rows (<see cref="BaselineRows"/>) to <paramref name="output"/> again, parents before
    /// children, the way the load did: deferred refs (a reference cycle) NULL in the rows, then set by updates once every
    /// model is in. The caller completes the output.
    /// </summary>
    /// <exception cref="InvalidOperationException">The fixture keeps no rows (<see cref="KeepsRows"/> is false).</exception>
    protected async Task WriteBaselineAsync(IDataOutput output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var kept = BaselineRows ?? throw new InvalidOperationException("the fixture keeps no rows (KeepsRows)");
        var updates = Loaded.Where(m => kept.Updates.ContainsKey(m.Name)).Select(m => (Model: m, Updates: kept.Updates[m.Name] with { Target = m.Target })).ToList();

        // The output learns every model of the write first, as a load's does: tables that reference each other are emptied
        // together, not one at a time with the others taken for an application's tables that block them.
        await output.PrepareAsync(Loaded, cancellationToken).ConfigureAwait(false);
        foreach (var model in Loaded)
        {
            var rows = kept.Rows[model.Name];
            if (kept.Updates.TryGetValue(model.Name, out var deferred))
            {
                var nulled = deferred.Fields.Skip(1).Select(f => IndexOf(model, f.Name)).ToArray();
                rows = rows.Select(r =>
                {
                    var copy = (object?[])r.Clone();
                    foreach (var i in nulled)
                    {
                        copy[i] = null;
                    }

                    return copy;
                }).ToList();
            }

            await WriteRowsAsync(output, model, rows, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (model, shape) in updates)
        {
            var columns = shape.Fields.Select(f => IndexOf(model, f.Name)).ToArray();
            var rows = kept.Rows[model.Name].Select(r => columns.Select(i => r[i]).ToArray()).ToList();
            await DataGenerator.WriteUpdatesAsync(output, shape with { Count = rows.Count }, rows, cancellationToken).ConfigureAwait(false);
        }

        static int IndexOf(ModelDescriptor model, string field) => model.Fields.Select((f, i) => (f, i)).First(x => x.f.Name == field).i;
    }

    /// <summary>
    /// The <c>datastores:</c> of the manifest being loaded (empty for other data): a fixture honours the settings of its
    /// store's kind (a Kafka datastore's <c>partitions</c>, <c>keyField</c>, <c>timestampField</c>) or refuses them with
    /// an error in <see cref="CreateOutput"/>, never ignores them. Connection settings give way to the fixture's store.
    /// </summary>
    protected IReadOnlyList<Datastore> Datastores { get; private set; } = [];

    /// <summary>The tables, collections or topics loaded so far (their names in the store).</summary>
    protected IReadOnlyList<ModelDescriptor> Loaded => _loaded;

    private readonly List<ModelDescriptor> _loaded = [];

    private async Task LoadAsync(DataGenAttribute data, CancellationToken cancellationToken)
    {
        var tables = await ApplySchemaAsync(data, cancellationToken).ConfigureAwait(false);
        var (seed, source) = DataGenSeeds.Resolve(data.ExplicitSeed, await DataLoader.DefaultSeedAsync(data, tables, cancellationToken).ConfigureAwait(false));
        _loaded.Clear();
        Datastores = await DataLoader.DatastoresAsync(data, tables, cancellationToken).ConfigureAwait(false);
        Data = DataLoader.Describe(data);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        BaselineRows = KeepsRows ? new MemoryOutput() : null;
        var output = new RecordingOutput(CreateOutput(), _loaded, counts, BaselineRows);
        LoadedData loaded;
        await using (output.ConfigureAwait(false))
        {
            loaded = await DataLoader.LoadAsync(data, output, seed, tables, cancellationToken).ConfigureAwait(false);
        }

        (Seed, SeedSource, Data) = (seed, source, DataLoader.Describe(data) + (data is SeededWithAttribute { Schema: { } schema } ? $" into {schema.Name}'s schema" : string.Empty));
        Counts = counts;
        Journeys = loaded.Journeys;
        Simulation = loaded.Simulation;
    }

    /// <summary>Remembers which models an output was given and how many rows the store acknowledged for each.</summary>
    private sealed class RecordingOutput(IDataOutput inner, List<ModelDescriptor> models, Dictionary<string, long> counts, MemoryOutput? rows) : IDataOutput
    {
        public async ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
        {
            models.Add(model);
            var kept = rows is null ? null : await rows.OpenModelAsync(model, cancellationToken).ConfigureAwait(false);
            return new Writer(await inner.OpenModelAsync(model, cancellationToken).ConfigureAwait(false), model.Name, counts, kept);
        }

        public ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default) => inner.PrepareAsync(models, cancellationToken);

        public async ValueTask<IModelWriter> OpenUpdatesAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
        {
            var kept = rows is null ? null : await rows.OpenUpdatesAsync(model, cancellationToken).ConfigureAwait(false);
            return new Writer(await inner.OpenUpdatesAsync(model, cancellationToken).ConfigureAwait(false), null, counts, kept);
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private sealed class Writer(IModelWriter inner, string? model, Dictionary<string, long> counts, IModelWriter? kept) : IModelWriter
        {
            public async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
            {
                if (kept is not null)
                {
                    await kept.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                }

                await inner.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            }

            public async ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default)
            {
                var acknowledged = await inner.CompleteAsync(cancellationToken).ConfigureAwait(false);
                if (model is not null)
                {
                    counts[model] = acknowledged;
                }

                return acknowledged;
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
