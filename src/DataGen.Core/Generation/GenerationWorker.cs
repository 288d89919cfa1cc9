using DataGen.Generators;

namespace DataGen.Generation;

/// <summary>
/// State one generating thread owns and reuses across rows (Bogus data set instances bound to a
/// reseedable randomizer). Never shared between threads at the same time.
/// </summary>
internal sealed class GenerationWorker
{
    private readonly Dictionary<string, BogusSession> _bogus = new(StringComparer.Ordinal);

    [ThreadStatic]
    private static GenerationWorker? _current;

    /// <summary>A worker owned by the calling thread (Bogus Fakers are costly to build: reuse them across calls).</summary>
    public static GenerationWorker ForCurrentThread => _current ??= new GenerationWorker();

    private RowContext? _row;
    private ObjectScope? _scope;

    /// <summary>
    /// The scope of a model's next row, with its row context: this worker's own, reset for the row (one scope and context
    /// per worker, not per row: a row's values leave in their own array, and nothing else outlives the row).
    /// </summary>
    /// <param name="shape">The model's fields.</param>
    /// <param name="run">The run the row belongs to.</param>
    /// <param name="row">The row's index.</param>
    /// <param name="parent">For a per-parent model, the parent row; −1 otherwise.</param>
    /// <param name="streamKey">The row's stream key (row and attempt).</param>
    /// <param name="values">An array of an earlier row nothing holds any more, to fill again (cleared first); null for a new one.</param>
    public ObjectScope RowScope(CompiledObject shape, GenerationRun run, long row, long parent, ulong streamKey, object?[]? values = null)
    {
        var context = _row is null ? _row = new RowContext(row, parent, this, run) : _row.MoveTo(row, parent, run);
        return _scope is { } scope && ReferenceEquals(scope.Shape, shape)
            ? scope.Reset(streamKey, row, values)
            : _scope = new ObjectScope(shape, context, null, streamKey, row);
    }

    public BogusSession Bogus(string locale)
    {
        if (!_bogus.TryGetValue(locale, out var session))
        {
            session = new BogusSession(locale);
            _bogus[locale] = session;
        }

        return session;
    }
}
