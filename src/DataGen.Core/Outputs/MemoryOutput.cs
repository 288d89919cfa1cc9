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

    /// <inheritdoc />
    public ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        Completed = true;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

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
