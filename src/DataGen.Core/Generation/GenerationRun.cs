namespace DataGen.Generation;

/// <summary>
/// What one run of a <see cref="GenerationPlan"/> produces and later models read: each model's row counts and the
/// values of its reference columns. The plan stays untouched, so runs never share state.
/// </summary>
internal sealed class GenerationRun
{
    private readonly ReferenceValues[] _columns;
    private readonly long[] _generatedRows;

    public GenerationRun(GenerationPlan plan)
    {
        _columns = new ReferenceValues[plan.ColumnCount];
        Array.Fill(_columns, ReferenceValues.Empty);
        _generatedRows = new long[plan.Models.Count];
    }

    private GenerationRun()
    {
        _columns = [];
        _generatedRows = [];
    }

    /// <summary>A run with no models: for documents and other objects generated outside a manifest.</summary>
    public static GenerationRun None { get; } = new();

    /// <summary>A column's values (empty until its model has been generated).</summary>
    public ReferenceValues Values(Generators.ReferenceColumn column) => _columns[column.Id];

    /// <summary>Allocates a column for <paramref name="rows"/> values of <paramref name="field"/> before its model is generated.</summary>
    public ReferenceValues Allocate(Generators.ReferenceColumn column, CompiledField field, long rows) =>
        _columns[column.Id] = ReferenceValues.Create(field, rows);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, Lazy<Dictionary<object, long>>> _rowsByValue = new();

    /// <summary>
    /// The first row of <paramref name="column"/>'s model holding <paramref name="value"/>, or −1: how a lookup path
    /// follows a ref to the row it names. The index is built once per column, on first use, after its model is generated.
    /// </summary>
    public long RowOf(Generators.ReferenceColumn column, object value)
    {
        var index = _rowsByValue.GetOrAdd(column.Id, _ => new(() =>
        {
            var values = Values(column);
            var rows = new Dictionary<object, long>((int)Math.Min(values.Count, int.MaxValue));
            for (long row = 0; row < values.Count; row++)
            {
                if (values[row] is { } v)
                {
                    rows.TryAdd(v, row);
                }
            }

            return rows;
        })).Value;
        return index.TryGetValue(value, out var found) ? found : -1;
    }

    /// <summary>Rows the fields generate in <paramref name="model"/> (the rest are tracers).</summary>
    public long GeneratedRows(ModelPlan model) => _generatedRows[model.Index];

    /// <summary>Rows the fields generate in the model at <paramref name="modelIndex"/> of the plan.</summary>
    public long GeneratedRows(int modelIndex) => _generatedRows[modelIndex];

    /// <summary>Records how many rows the fields generate in <paramref name="model"/>.</summary>
    public void SetGeneratedRows(ModelPlan model, long rows) => _generatedRows[model.Index] = rows;
}
