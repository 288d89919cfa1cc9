using DataGen.Generation;
using DataGen.Manifests;
using DataGen.Randomness;

namespace DataGen.Generators;

/// <summary>
/// What a manifest compiled for an appending run takes from what its tables held (<see cref="Outputs.StartingRead"/>):
/// the streams' key, where sequences start, the values and combinations unique keys avoid, and the rows existing refs
/// (and the lookups through them) draw from.
/// </summary>
internal sealed partial class ManifestCompiler
{
    private readonly Dictionary<(string Model, string Field), ReferenceGenerators.ExistingRows> _existing = [];
    private Dictionary<string, CompiledObject> _compiled = new(StringComparer.Ordinal);

    /// <summary>What the target tables held before an append run, by model (null: a run that reads nothing first).</summary>
    public IReadOnlyDictionary<string, Outputs.StartingRead>? Starting { get; init; }

    /// <summary>
    /// The key a model's field streams start from: the seed's and the model's, and for a model appended to a table that
    /// holds rows, what it held too (so the next day's rows differ from the first day's, and UUIDs are new).
    /// </summary>
    private ulong ModelKey(string model) =>
        Starting?.GetValueOrDefault(model)?.Fingerprint() is { } held
            ? StableHash.Combine(StableHash.Combine(_seedKey, model), held)
            : StableHash.Combine(_seedKey, model);

    /// <summary>Where a top-level sequence of an appended model starts: after the largest value its column holds (step above 0).</summary>
    public long SequenceStart(ModelSource model, string path, long start, long step) =>
        step > 0 && Starting?.GetValueOrDefault(model.Name)?.HighestOf(path) is { } highest && highest >= start ? highest + 1 : start;

    /// <summary>
    /// The held rows an <c>existing: true</c> ref to <paramref name="model"/>.<paramref name="field"/> draws from: one
    /// per referenced column, shared by every ref and lookup through it, so they read the same rows.
    /// </summary>
    public ReferenceGenerators.ExistingRows Existing(string model, string field)
    {
        if (!_existing.TryGetValue((model, field), out var rows))
        {
            rows = new ReferenceGenerators.ExistingRows(model, field, this);
            _existing[(model, field)] = rows;
        }

        return rows;
    }

    /// <summary>The rows of <paramref name="model"/>'s columns read together before the run, each value as its field's generator makes it.</summary>
    public IReadOnlyList<object?[]> ExistingTuples(string model, IReadOnlyList<string> columns) =>
        Starting?.GetValueOrDefault(model) is { Answered: true } read ? read.TuplesOf(columns, columns.Select(c => KindOf(model, c)).ToList()) : [];

    /// <summary>
    /// What each unique key of the model held before the run, by the key's position (<see cref="ModelPlan.UniqueKeys"/>):
    /// a unique field's values, or a composite key's combinations (read together). New rows avoid them.
    /// </summary>
    private Dictionary<int, IReadOnlyList<object>> HeldKeys(ModelSource source, CompiledObject root)
    {
        var found = new Dictionary<int, IReadOnlyList<object>>();
        if (Starting?.GetValueOrDefault(source.Name) is not { Answered: true } read)
        {
            return found;
        }

        var keys = ModelPlan.UniqueKeysOf(source, root);
        for (var u = 0; u < keys.Length; u++)
        {
            var key = keys[u];
            if (key.Length == 1)
            {
                found[u] = read.ValuesOf(root.Names[key[0]], KindOf(root, key[0]));
            }
            else if (HeldCompositeKey(root, key) is { } names)
            {
                var identity = Enumerable.Range(0, key.Length).ToArray();
                found[u] = read.TuplesOf(names, key.Select(i => KindOf(root, i)).ToList()).Select(t => ModelPlan.KeyValue(t, identity)).OfType<object>().ToList();
            }
        }

        return found;
    }

    /// <summary>
    /// The columns of a composite unique key whose held combinations new rows must avoid: null when one of its fields is
    /// unique by construction (a sequence past the held keys, a new UUID), so no new combination can repeat a held one.
    /// </summary>
    internal static IReadOnlyList<string>? HeldCompositeKey(CompiledObject root, int[] key) =>
        key.Any(i => root.Fields[i].Generator.UniqueByConstruction) ? null : key.Select(i => root.Names[i]).ToList();

    /// <summary>The kind a field's values take: a ref's or lookup's is that of the field it copies (so held values compare equal to new ones).</summary>
    private ValueKind KindOf(CompiledObject root, int field) =>
        root.Fields[field].Generator is { Kind: ValueKind.Unknown, Source: { } copied } ? KindOf(copied.Model, copied.Field) : root.Fields[field].Generator.Kind;

    private ValueKind KindOf(string model, string field, int depth = 0)
    {
        if (depth > 16 || !_compiled.TryGetValue(model, out var root) || Array.IndexOf(root.Names, field) is var i && i < 0)
        {
            return ValueKind.Unknown;
        }

        return root.Fields[i].Generator is { Kind: ValueKind.Unknown, Source: { } copied } ? KindOf(copied.Model, copied.Field, depth + 1) : root.Fields[i].Generator.Kind;
    }
}
