using DataGen.Generators;
using DataGen.Manifests;
using DataGen.Outputs;
using DataGen.Randomness;

namespace DataGen.Generation;

/// <summary>
/// A compiled manifest: models in dependency order with their compiled fields. Immutable once compiled, so one plan
/// serves any number of runs, concurrently; what a run produces lives in its <see cref="GenerationRun"/>.
/// </summary>
internal sealed class GenerationPlan(string source, ulong seed, double scale, string locale, DateTime referenceDate, IReadOnlyList<ModelPlan> models, IReadOnlyList<Datastore> datastores)
{
    /// <summary>How many reference columns the models keep (the size of a run's column table).</summary>
    public int ColumnCount { get; } = models.Sum(m => m.Columns.Length);

    public IReadOnlyList<Datastore> Datastores { get; } = datastores;

    public string Source { get; } = source;

    public ulong Seed { get; } = seed;

    public double Scale { get; } = scale;

    public string Locale { get; } = locale;

    public DateTime ReferenceDate { get; } = referenceDate;

    public IReadOnlyList<ModelPlan> Models { get; } = models;

    /// <summary>A model as outputs see it, <paramref name="count"/> rows, with the run's fixed "now".</summary>
    public ModelDescriptor Describe(ModelPlan model, long count) =>
        model.Describe(count, name => Models.FirstOrDefault(m => m.Name == name)) with { ReferenceDate = ReferenceDate };
}

/// <summary>One model ready to generate.</summary>
internal sealed class ModelPlan
{
    public ModelPlan(ModelSource source, CompiledObject root, ulong key, (int FieldIndex, ReferenceColumn Column)[] columns, int index)
    {
        Index = index;
        Source = source;
        Root = root;
        Key = key;
        Columns = columns;
        var keyIndex = source.Key is null ? -1 : Array.IndexOf(root.Names, source.Key);
        KeyIndex = keyIndex;
        Duplicates = source.Duplicates is { } spec && keyIndex >= 0 ? new Duplicates(spec, key, root.Names, keyIndex) : null;
        UniqueFields = UniqueFieldsOf(source, root);
        UniqueKeys = UniqueKeysOf(source, root);
        DeferredFields = root.Fields.Select((f, i) => (f, i)).Where(x => x.f.Generator is Generators.ReferenceGenerators.DeferredRefGenerator { Inline: false }).Select(x => x.i).ToArray();
        KeyColumn = DeferredFields.Length == 0 ? null : columns.FirstOrDefault(c => c.FieldIndex == keyIndex).Column;
        OwnFields = root.Fields.Select((f, i) => i == keyIndex || f.Generator.IsReference).ToArray();
    }

    /// <summary>Top-level fields set by an update once every model is generated (<c>deferred: true</c> refs: a reference cycle).</summary>
    public int[] DeferredFields { get; }

    /// <summary>For a model with deferred fields, its key's column (how the updates find their rows); null otherwise.</summary>
    public ReferenceColumn? KeyColumn { get; }

    /// <summary>
    /// The descriptor of the updates that set a model's deferred fields: its key, then the deferred fields, one row each
    /// for <paramref name="count"/> rows.
    /// </summary>
    public ModelDescriptor DescribeUpdates(ModelDescriptor model, long count) =>
        model with
        {
            Fields = [model.Fields[KeyIndex], .. DeferredFields.Select(i => model.Fields[i])],
            Count = count,
            Indexes = [],
            References = [],
        };

    public ModelSource Source { get; }

    /// <summary>The model's position in the plan (dependency order).</summary>
    public int Index { get; }

    /// <summary>The key field's index, or −1.</summary>
    public int KeyIndex { get; }

    /// <summary>Fuzzed copies of earlier rows with ground truth, when the model has <c>duplicates:</c>.</summary>
    public Duplicates? Duplicates { get; }

    /// <summary>
    /// The rows of the model's archive that <c>duplicates: { archived: n }</c> re-injects: each the top-level values as the
    /// fields' kinds, then its cluster (the archived ground truth, else its key). Empty without an archive or re-injection.
    /// </summary>
    public IReadOnlyList<object?[]> Archived { get; init; } = [];

    /// <summary>The fields a re-injected archived row keeps as generated: its key and its refs (the rows they point at are this run's).</summary>
    public bool[] OwnFields { get; }

    /// <summary>
    /// The model as its archive holds it (<c>archive: path.csv</c>): the columns <paramref name="described"/> writes, and
    /// the ground-truth column when the model's truth is hidden (the archive always keeps it), appended to the file.
    /// </summary>
    public ModelDescriptor DescribeArchive(ModelDescriptor described) =>
        new(
            System.IO.Path.GetFileNameWithoutExtension(Source.Archive!.Path),
            Source.Key,
            Duplicates is { Hidden: true } d ? [.. described.Fields, new FieldDescriptor(d.TruthField, described.Fields[KeyIndex].Kind, false)] : described.Fields,
            described.Count)
        {
            Mode = LoadMode.Append,
        };

    /// <summary>Tracer rows: for each, the (field index, value) pairs that replace generated values.</summary>
    public IReadOnlyList<(int Field, object? Value)[]> Tracers { get; init; } = [];

    public string Name => Source.Name;

    public CompiledObject Root { get; }

    /// <summary>Hash of (seed, model).</summary>
    public ulong Key { get; }

    /// <summary>Columns other models read through references, filled as rows are generated.</summary>
    public (int FieldIndex, ReferenceColumn Column)[] Columns { get; }

    /// <summary>Fields whose values must not repeat (declared unique, or the key), checked in row order.</summary>
    public int[] UniqueFields { get; }

    /// <summary>
    /// What each of <see cref="UniqueKeys"/> held before an append run (a field's values, a composite key's combinations),
    /// by the key's position; a key absent here held nothing. New rows avoid them.
    /// </summary>
    public IReadOnlyDictionary<int, IReadOnlyList<object>> HeldKeys { get; init; } = new Dictionary<int, IReadOnlyList<object>>();

    /// <summary>Every key whose values must not repeat: the unique fields, one each, then the model's composite <c>unique:</c> keys.</summary>
    public int[][] UniqueKeys { get; }

    /// <summary>The fields of a model whose values must not repeat and are not unique by construction (declared unique, or the key).</summary>
    public static int[] UniqueFieldsOf(ModelSource source, CompiledObject root)
    {
        var keyIndex = source.Key is null ? -1 : Array.IndexOf(root.Names, source.Key);
        return root.Fields
            .Select((f, i) => (f, i))
            .Where(x => (x.f.Unique || x.i == keyIndex) && !x.f.Generator.UniqueByConstruction)
            .Select(x => x.i)
            .ToArray();
    }

    /// <summary>The unique fields, one key each, then the model's composite <c>unique:</c> keys, as field indexes.</summary>
    public static int[][] UniqueKeysOf(ModelSource source, CompiledObject root) =>
        UniqueFieldsOf(source, root).Select(i => new[] { i })
            .Concat(source.UniqueKeys.Select(k => k.Select(f => Array.IndexOf(root.Names, f)).ToArray()))
            .ToArray();

    /// <summary>A row's value for a unique key: the field's value, or for a composite key its values together; null when any is null (never a duplicate).</summary>
    public static object? KeyValue(object?[] row, int[] key)
    {
        if (key.Length == 1)
        {
            return row[key[0]];
        }

        var values = new object?[key.Length];
        for (var i = 0; i < key.Length; i++)
        {
            if (row[key[i]] is not { } value)
            {
                return null;
            }

            values[i] = value;
        }

        return new CompositeValue(values);
    }

    /// <summary>The hidden ground truth of a model with <c>duplicates: { hidden: true }</c>: (key, cluster) per row.</summary>
    public ModelDescriptor DescribeTruth(ModelDescriptor model) =>
        new(Name + "_truth", Source.Key, [model.Fields[KeyIndex], new FieldDescriptor(Duplicates!.TruthField, model.Fields[KeyIndex].Kind, false)], model.Count)
        {
            Store = Source.Store,
            Target = Source.Target + "_truth",
            Mode = model.Mode,
            ReferenceDate = model.ReferenceDate,
        };

    /// <summary>The model as outputs see it; ref and lookup fields take the kind and nullability of the field they copy.</summary>
    public ModelDescriptor Describe(long count, Func<string, ModelPlan?> models)
    {
        bool NullableOf(ModelPlan model, int index, int depth)
        {
            var f = model.Root.Fields[index];
            if (f.NullRate > 0 || f.Generator.MayBeNull || (model.Duplicates?.Droppable.Contains(index) ?? false))
            {
                return true;
            }

            if (f.Generator.Source is not { } column || depth > 16 || models(column.Model) is not { } source)
            {
                return false;
            }

            var target = Array.IndexOf(source.Root.Names, column.Field);
            return target >= 0 && NullableOf(source, target, depth + 1);
        }

        ValueKind KindOf(CompiledField f, int depth)
        {
            if (f.Generator.Kind != ValueKind.Unknown || f.Generator.Source is not { } column || depth > 16)
            {
                return f.Generator.Kind;
            }

            var target = models(column.Model)?.Root.Fields.FirstOrDefault(t => t.Name == column.Field);
            return target is null ? ValueKind.Unknown : KindOf(target, depth + 1);
        }

        return new ModelDescriptor(
            Name,
            Source.Key,
            Root.Fields.Select((f, i) => f.Describe(KindOf(f, 0), NullableOf(this, i, 0)))
                .Concat(Duplicates is { Hidden: false } d ? [new FieldDescriptor(d.TruthField, KindOf(Root.Fields[KeyIndex], 0), false)] : [])
                .ToArray(),
            count)
        {
            Store = Source.Store,
            Target = Source.Target,
            Mode = Source.Mode,
            Indexes = Source.Indexes,
            // A deferred ref's table may not exist yet when this model's is created: its foreign key is the schema's business.
            References = Root.Fields
                .Where(f => f.Generator.IsReference && f.Generator.Source is not null && f.Generator is not Generators.ReferenceGenerators.DeferredRefGenerator)
                .Select(f => DescribeReference(f, models))
                .ToArray(),
            HeldReferences = Root.Fields
                .Where(f => f.Generator is Generators.ReferenceGenerators.DeferredRefGenerator { Inline: true })
                .Select(f => DescribeReference(f, models))
                .ToArray(),
        };
    }

    private static ReferenceDescriptor DescribeReference(CompiledField field, Func<string, ModelPlan?> models)
    {
        var column = field.Generator.Source!;
        var target = models(column.Model)?.Source;
        return new ReferenceDescriptor(field.Name, column.Model, column.Field, target?.Target ?? column.Model, target?.Store);
    }

    /// <summary>
    /// The row count (generated rows plus tracers) and how many of them the fields generate: fixed or drawn once from
    /// the seed, times the scale. For a per-parent model, the offsets of each parent's children (prefix sums), each
    /// parent's count drawn from its own stream.
    /// </summary>
    public (long Count, long GeneratedRows, long[]? ParentOffsets) ResolveCount(double scale, Func<string, long> countOf, MemoryBudget budget)
    {
        var random = new DeterministicRandom(StableHash.Combine(Key, "$count"));
        scale = Source.Scales ? scale : 1;
        switch (Source.Count)
        {
            case CountSpec.Fixed f:
                var fixedRows = Scaled(f.Count, scale);
                return (fixedRows + Tracers.Count, fixedRows, null);
            case CountSpec.Range r:
                var drawn = Scaled(random.NextInclusive(r.Min, r.Max), scale);
                return (drawn + Tracers.Count, drawn, null);
            case CountSpec.PerParent p:
                var parents = countOf(p.Parent);
                budget.CheckOffsets(Name, p.Parent, parents);
                var offsets = new long[parents + 1];
                var countKey = StableHash.Combine(Key, "$per");
                for (var j = 0; j < parents; j++)
                {
                    var perRandom = DeterministicRandom.ForRow(countKey, j);
                    var children = perRandom.NextInclusive(p.Min, p.Max);
                    offsets[j + 1] = offsets[j] <= long.MaxValue - children
                        ? offsets[j] + children
                        : throw new GenerationException($"the per-parent counts add up to more than {long.MaxValue:N0} rows by parent row {j:N0} of '{p.Parent}' (max {p.Max:N0} per parent)", Name);
                }

                return (offsets[parents], offsets[parents], offsets);
            default:
                throw new InvalidOperationException("unknown count");
        }
    }

    private static long Scaled(long count, double scale) => scale == 1 ? count : (long)Math.Round(count * scale, MidpointRounding.ToEven);
}

/// <summary>The values of a composite unique key, compared element by element.</summary>
internal sealed class CompositeValue(object?[] values) : IEquatable<CompositeValue>
{
    public bool Equals(CompositeValue? other) => other is not null && values.AsSpan().SequenceEqual(other.Values());

    public override bool Equals(object? obj) => Equals(obj as CompositeValue);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var value in values)
        {
            hash.Add(value);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => "(" + string.Join(", ", values) + ")";

    private object?[] Values() => values;
}
