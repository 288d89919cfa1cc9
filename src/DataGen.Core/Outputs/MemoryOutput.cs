namespace DataGen.Outputs;

/// <summary>Keeps every generated row in memory, by model: for tests, small data sets and C# callers that want the rows themselves.</summary>
public sealed class MemoryOutput : IDataOutput
{
    private readonly Dictionary<string, List<object?[]>> _rows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ModelDescriptor> _models = new(StringComparer.Ordinal);

    /// <summary>Rows by model name, in row order; each row holds one value per field of <see cref="Models"/>.</summary>
    public IReadOnlyDictionary<string, List<object?[]>> Rows => _rows;

    /// <summary>The shape of every model written.</summary>
    public IReadOnlyDictionary<string, ModelDescriptor> Models => _models;

    /// <summary>
    /// For each model whose deferred refs (a reference cycle) were set after its rows: the updates' shape, its key then the
    /// fields they set. <see cref="Rows"/> already holds the values; rewriting the rows elsewhere needs those fields NULL
    /// first and the updates after every model.
    /// </summary>
    public IReadOnlyDictionary<string, ModelDescriptor> Updates => _updates;

    private readonly Dictionary<string, ModelDescriptor> _updates = new(StringComparer.Ordinal);

    /// <summary>Whether the run completed.</summary>
    public bool Completed { get; private set; }

    /// <summary>A model's rows as dictionaries of field name to value.</summary>
    public IEnumerable<IReadOnlyDictionary<string, object?>> Records(string model)
    {
        var fields = _models[model].Fields;
        return _rows[model].Select(row => (IReadOnlyDictionary<string, object?>)fields.Select((f, i) => (f.Name, Value: row[i])).ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal));
    }

    /// <inheritdoc />
    public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var rows = new List<object?[]>();
        _rows[model.Name] = rows;
        _models[model.Name] = model;
        return ValueTask.FromResult<IModelWriter>(new Writer(rows));
    }

    /// <summary>Sets the deferred refs of a model already written (a reference cycle) in its rows, found by key.</summary>
    public ValueTask<IModelWriter> OpenUpdatesAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!_rows.TryGetValue(model.Name, out var rows))
        {
            throw new InvalidOperationException($"model '{model.Name}' has no rows to update");
        }

        _updates[model.Name] = model;
        return ValueTask.FromResult<IModelWriter>(new UpdateWriter(new UpdateApplier(_models[model.Name], rows)));
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        Completed = true;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class UpdateWriter(UpdateApplier applier) : IModelWriter
    {
        public ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
        {
            applier.Apply(batch);
            return ValueTask.CompletedTask;
        }

        public ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(applier.Applied);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Writer(List<object?[]> rows) : IModelWriter
    {
        public ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
        {
            rows.AddRange(batch.Rows);
            return ValueTask.CompletedTask;
        }

        public ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult((long)rows.Count);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Sets fields of rows held in memory from update batches (key first, then the fields to set), finding rows by key.</summary>
internal sealed class UpdateApplier
{
    private readonly ModelDescriptor _model;
    private readonly List<object?[]> _rows;
    private readonly List<string> _names;
    private readonly int _key;
    private Dictionary<object, int>? _byKey;

    public UpdateApplier(ModelDescriptor model, List<object?[]> rows)
    {
        _model = model;
        _rows = rows;
        _names = model.Fields.Select(f => f.Name).ToList();
        _key = model.Key is null ? -1 : _names.IndexOf(model.Key);
    }

    /// <summary>Rows found and set so far.</summary>
    public long Applied { get; private set; }

    public void Apply(RowBatch batch)
    {
        var fields = batch.Model.Fields.Skip(1).Select(f => _names.IndexOf(f.Name)).ToArray();
        if (_key < 0 || fields.Any(f => f < 0))
        {
            throw new InvalidOperationException($"model '{_model.Name}': updates of {string.Join(", ", batch.Model.Fields.Select(f => f.Name))} do not match its fields or key");
        }

        if (_byKey is null)
        {
            _byKey = new Dictionary<object, int>(_rows.Count);
            for (var i = 0; i < _rows.Count; i++)
            {
                if (_rows[i][_key] is { } k)
                {
                    _byKey.TryAdd(k, i);
                }
            }
        }

        foreach (var update in batch.Rows)
        {
            if (update[0] is not { } key || !_byKey.TryGetValue(key, out var index))
            {
                throw new InvalidOperationException($"model '{_model.Name}': no row has key '{update[0]}' to update");
            }

            for (var f = 0; f < fields.Length; f++)
            {
                _rows[index][fields[f]] = update[f + 1];
            }

            Applied++;
        }
    }
}
