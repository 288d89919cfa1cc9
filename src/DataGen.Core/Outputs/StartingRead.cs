using System.Globalization;
using DataGen.Generation;
using DataGen.Randomness;

namespace DataGen.Outputs;

/// <summary>
/// What a run asks of a table before it generates, when it appends to what the table holds (<see cref="LoadMode.Append"/>)
/// or draws refs from its existing rows (<c>existing: true</c>): the rows it holds, the largest value of its sequence
/// columns (new keys start after it) and the values of the columns whose new values must avoid them (unique fields) or
/// may point at them (existing refs), and the rows of column sets read together (composite unique keys; an existing ref
/// with the fields lookups copy from the rows it points at). A store that can read the table answers it in
/// <see cref="IDataOutput.PrepareAsync"/>, within the run's transaction (after any emptying), once.
/// </summary>
public sealed class StartingRead
{
    private readonly Dictionary<string, long> _highest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<object>> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<object?[]>> _tuples = new(StringComparer.Ordinal);

    /// <summary>Creates a request.</summary>
    /// <param name="highest">Numeric columns whose largest value is wanted.</param>
    /// <param name="values">Columns whose values are wanted.</param>
    /// <param name="tuples">Column sets whose rows are wanted together (none when null).</param>
    public StartingRead(IReadOnlyList<string> highest, IReadOnlyList<string> values, IReadOnlyList<IReadOnlyList<string>>? tuples = null)
    {
        Highest = highest ?? throw new ArgumentNullException(nameof(highest));
        Values = values ?? throw new ArgumentNullException(nameof(values));
        Tuples = tuples ?? [];
    }

    /// <summary>Numeric columns whose largest value is wanted.</summary>
    public IReadOnlyList<string> Highest { get; }

    /// <summary>Columns whose values (not null, in the store's order) are wanted.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>
    /// Column sets whose rows are wanted together: each row whose first column is not null, with every column's value
    /// (null where null), ordered by the columns in turn, so the same data gives the same list.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> Tuples { get; }

    /// <summary>Whether a store answered (the table exists and was read).</summary>
    public bool Answered { get; private set; }

    /// <summary>The rows the table held when it was read.</summary>
    public long Rows { get; private set; }

    /// <summary>Records the answer: the rows, each <see cref="Highest"/> column's largest value (absent: none) and each <see cref="Values"/> column's values.</summary>
    /// <param name="rows">The rows the table holds.</param>
    /// <param name="highest">Largest value by column (columns holding only nulls left out).</param>
    /// <param name="values">Values by column.</param>
    /// <param name="tuples">For each of <see cref="Tuples"/>, in order, its rows (each value in the set's column order); null when none were asked.</param>
    public void Answer(long rows, IReadOnlyDictionary<string, long> highest, IReadOnlyDictionary<string, IReadOnlyList<object>> values, IReadOnlyList<IReadOnlyList<object?[]>>? tuples = null)
    {
        ArgumentNullException.ThrowIfNull(highest);
        ArgumentNullException.ThrowIfNull(values);
        Rows = rows;
        foreach (var (column, value) in highest)
        {
            _highest[column] = value;
        }

        foreach (var (column, list) in values)
        {
            _values[column] = list;
        }

        if ((tuples?.Count ?? 0) != Tuples.Count)
        {
            throw new ArgumentException($"{Tuples.Count} column set(s) were asked, {tuples?.Count ?? 0} answered", nameof(tuples));
        }

        for (var i = 0; i < Tuples.Count; i++)
        {
            _tuples[TupleKey(Tuples[i])] = tuples![i];
        }

        Answered = true;
    }

    /// <summary>The model's archive (<c>archive:</c>, earlier runs' rows) as read before the run, or null: its file and rows, each the text of every archived column and the line it starts on.</summary>
    internal (string Path, IReadOnlyList<(int Line, string?[] Values)> Rows)? Archive { get; private set; }

    /// <summary>
    /// Records the model's archive: its rows (what re-injected duplicates copy) and the largest value of its sequence
    /// columns, merged with what the table answered (keys continue after both).
    /// </summary>
    internal void AnswerArchive(string path, IReadOnlyList<(int Line, string?[] Values)> rows, IReadOnlyDictionary<string, long> highest)
    {
        Archive = (path, rows);
        foreach (var (column, value) in highest)
        {
            _highest[column] = _highest.TryGetValue(column, out var held) ? Math.Max(held, value) : value;
        }
    }

    /// <summary>The largest value of a column, when read and not all null.</summary>
    internal long? HighestOf(string column) => _highest.TryGetValue(column, out var value) ? value : null;

    /// <summary>The values of a column as the generator makes them (integers as long, dates as DateOnly …), or empty.</summary>
    internal IReadOnlyList<object> ValuesOf(string column, ValueKind kind) =>
        _values.TryGetValue(column, out var list) ? list.Select(v => Normalize(v, kind)).ToList() : [];

    /// <summary>The rows of a column set read together, each value in the form the generator makes its column's kind; empty when not read.</summary>
    internal IReadOnlyList<object?[]> TuplesOf(IReadOnlyList<string> columns, IReadOnlyList<ValueKind> kinds) =>
        _tuples.TryGetValue(TupleKey(columns), out var list)
            ? list.Select(t => t.Select((v, i) => v is null ? null : Normalize(v, kinds[i])).ToArray()).ToList()
            : [];

    private static string TupleKey(IReadOnlyList<string> columns) => string.Join('\u001f', columns);

    /// <summary>
    /// A hash of what the table held (rows, largest keys, values read): mixed into the model's streams, so the same seed on
    /// the same starting data gives the same rows, and the next day's run (more rows) gives new ones. Null for an empty
    /// table, whose rows are those of a first load.
    /// </summary>
    internal ulong? Fingerprint()
    {
        var archived = Archive?.Rows.Count ?? 0;
        if ((!Answered || Rows == 0) && archived == 0)
        {
            return null;
        }

        var hash = StableHash.Combine(StableHash.Mix(unchecked((ulong)Rows)), "$starting");
        if (archived > 0)
        {
            hash = StableHash.Combine(StableHash.Combine(hash, "$archive"), (ulong)archived);
        }

        foreach (var (column, value) in _highest.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            hash = StableHash.Combine(StableHash.Combine(hash, column), unchecked((ulong)value));
        }

        foreach (var (column, list) in _values.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            hash = StableHash.Combine(hash, column);
            foreach (var value in list)
            {
                hash = StableHash.Combine(hash, ValueText.Format(value));
            }
        }

        foreach (var (columns, list) in _tuples.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            hash = StableHash.Combine(hash, columns);
            foreach (var value in list.SelectMany(t => t))
            {
                hash = StableHash.Combine(hash, value is null ? "\u0000" : ValueText.Format(value));
            }
        }

        return hash;
    }

    /// <summary>A value read from a store in the form the generator gives that kind (so existing and new values compare equal).</summary>
    internal static object Normalize(object value, ValueKind kind) => (kind, value) switch
    {
        (ValueKind.Unknown, byte or sbyte or short or ushort or int or uint or ulong) => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        (ValueKind.Integer, byte or sbyte or short or ushort or int or uint or long or ulong or decimal) => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        (ValueKind.Decimal, byte or sbyte or short or ushort or int or uint or long or ulong or double or float) => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
        (ValueKind.Double, byte or sbyte or short or ushort or int or uint or long or ulong or decimal or float) => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        (ValueKind.Uuid, string s) when Guid.TryParse(s, out var g) => g,
        (ValueKind.Uuid, byte[] { Length: 16 } b) => new Guid(b),
        (ValueKind.Date, DateTime d) => DateOnly.FromDateTime(d),
        (ValueKind.Date, string s) when DateOnly.TryParse(s, CultureInfo.InvariantCulture, out var d) => d,
        (ValueKind.DateTime, DateTime d) => DateTime.SpecifyKind(d, DateTimeKind.Utc),
        (ValueKind.DateTime, DateTimeOffset d) => d.UtcDateTime,
        (ValueKind.Boolean, long or int or short or byte or sbyte) => Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0,
        (ValueKind.String, not string) => ValueText.Format(value),
        _ => value,
    };
}

/// <summary>What a run reads before it generates (<see cref="StartingRead"/>), and the plan compiled for the answers.</summary>
internal static class StartingReads
{
    /// <summary>
    /// By model: an appended model's sequence fields (largest value) and unique fields (values), and the columns the
    /// run's <c>existing: true</c> refs point at (values).
    /// </summary>
    public static Dictionary<string, StartingRead> For(GenerationPlan plan)
    {
        var highest = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var tuples = new Dictionary<string, List<IReadOnlyList<string>>>(StringComparer.Ordinal);
        foreach (var model in plan.Models)
        {
            var fields = model.Root.Fields;
            if (model.Source.Mode == LoadMode.Append)
            {
                highest[model.Name] = fields.Where(f => f.Generator is Generators.BasicGenerators.SequenceGenerator { Step: > 0 }).Select(f => f.Name).ToList();
                values[model.Name] = model.UniqueFields.Select(i => fields[i].Name).ToList();
                tuples[model.Name] = model.UniqueKeys.Where(k => k.Length > 1).Select(k => Generators.ManifestCompiler.HeldCompositeKey(model.Root, k)).OfType<IReadOnlyList<string>>().ToList();
            }

            foreach (var existing in fields.Select(f => f.Generator).OfType<Generators.ReferenceGenerators.RefGenerator>().Select(r => r.Existing).OfType<Generators.ReferenceGenerators.ExistingRows>())
            {
                highest.TryAdd(existing.Model, []);
                values.TryAdd(existing.Model, []);
                tuples.TryAdd(existing.Model, []);
                tuples[existing.Model].Add(existing.Columns);
            }
        }

        return highest.ToDictionary(
            h => h.Key,
            h => new StartingRead(h.Value, values[h.Key].Distinct(StringComparer.Ordinal).ToList(), tuples[h.Key].DistinctBy(t => string.Join('\u001f', t), StringComparer.Ordinal).ToList()),
            StringComparer.Ordinal);
    }

    /// <summary>
    /// The manifest compiled for what the stores answered, or null when nothing changes (no read, or only empty tables);
    /// fails naming the ref when an existing ref's table was not read (an output that cannot read tables).
    /// </summary>
    public static Manifest? Compile(Manifest manifest, GenerationPlan plan, Dictionary<string, StartingRead> reads)
    {
        foreach (var model in plan.Models)
        {
            foreach (var field in model.Root.Fields)
            {
                if (field.Generator is Generators.ReferenceGenerators.RefGenerator { Existing: { } existing } && !reads[existing.Model].Answered)
                {
                    throw new GenerationException($"field '{field.Name}' is an existing ref to {existing.Model}.{existing.Field}, and the output of model '{existing.Model}' cannot read the rows its table holds (the SQL stores and appended CSV/NDJSON files can)", model.Name, field.Name);
                }
            }
        }

        return reads.Values.Any(r => (r.Answered && r.Rows > 0) || r.Archive is { Rows.Count: > 0 }) ? manifest.WithStartingData(reads) : null;
    }
}
