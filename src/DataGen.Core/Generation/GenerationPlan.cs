using DataGen.Generators;
using DataGen.Manifests;
using DataGen.Outputs;
using DataGen.Randomness;

namespace DataGen.Generation;

/// <summary>A compiled manifest for one run: models in dependency order with their compiled fields.</summary>
internal sealed class GenerationPlan(string source, ulong seed, double scale, string locale, DateTime referenceDate, IReadOnlyList<ModelPlan> models, IReadOnlyList<Datastore> datastores)
{
    public IReadOnlyList<Datastore> Datastores { get; } = datastores;

    public string Source { get; } = source;

    public ulong Seed { get; } = seed;

    public double Scale { get; } = scale;

    public string Locale { get; } = locale;

    public DateTime ReferenceDate { get; } = referenceDate;

    public IReadOnlyList<ModelPlan> Models { get; } = models;
}

/// <summary>One model ready to generate.</summary>
internal sealed class ModelPlan
{
    public ModelPlan(ModelSource source, CompiledObject root, ulong key, (int FieldIndex, ReferenceColumn Column)[] columns)
    {
        Source = source;
        Root = root;
        Key = key;
        Columns = columns;
        var keyIndex = source.Key is null ? -1 : Array.IndexOf(root.Names, source.Key);
        UniqueFields = root.Fields
            .Select((f, i) => (f, i))
            .Where(x => (x.f.Unique || x.i == keyIndex) && !x.f.Generator.UniqueByConstruction)
            .Select(x => x.i)
            .ToArray();
    }

    public ModelSource Source { get; }

    public string Name => Source.Name;

    public CompiledObject Root { get; }

    /// <summary>Hash of (seed, model).</summary>
    public ulong Key { get; }

    /// <summary>Columns other models read through references, filled as rows are generated.</summary>
    public (int FieldIndex, ReferenceColumn Column)[] Columns { get; }

    /// <summary>Fields whose values must not repeat (declared unique, or the key), checked in row order.</summary>
    public int[] UniqueFields { get; }

    /// <summary>The model as outputs see it; ref and lookup fields take the kind of the field they copy.</summary>
    public ModelDescriptor Describe(long count, Func<string, ModelPlan?> models)
    {
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
            Root.Fields.Select(f => new FieldDescriptor(f.Name, KindOf(f, 0), f.NullRate > 0)).ToArray(),
            count)
        {
            Store = Source.Store,
            Target = Source.Target,
            Indexes = Source.Indexes,
            References = Root.Fields
                .Where(f => f.Generator.IsReference && f.Generator.Source is not null)
                .Select(f =>
                {
                    var column = f.Generator.Source!;
                    var target = models(column.Model)?.Source;
                    return new ReferenceDescriptor(f.Name, column.Model, column.Field, target?.Target ?? column.Model, target?.Store);
                })
                .ToArray(),
        };
    }

    /// <summary>
    /// The row count: fixed or drawn once from the seed, times the scale. For a per-parent model, the
    /// offsets of each parent's children (prefix sums), each parent's count drawn from its own stream.
    /// </summary>
    public (long Count, long[]? ParentOffsets) ResolveCount(double scale, Func<string, long> countOf)
    {
        var random = new DeterministicRandom(StableHash.Combine(Key, "$count"));
        switch (Source.Count)
        {
            case CountSpec.Fixed f:
                return (Scaled(f.Count, scale), null);
            case CountSpec.Range r:
                return (Scaled(random.NextInclusive(r.Min, r.Max), scale), null);
            case CountSpec.PerParent p:
                var parents = countOf(p.Parent);
                var offsets = new long[parents + 1];
                var countKey = StableHash.Combine(Key, "$per");
                for (var j = 0; j < parents; j++)
                {
                    var perRandom = DeterministicRandom.ForRow(countKey, j);
                    offsets[j + 1] = offsets[j] + perRandom.NextInclusive(p.Min, p.Max);
                }

                return (offsets[parents], offsets);
            default:
                throw new InvalidOperationException("unknown count");
        }
    }

    private static long Scaled(long count, double scale) => scale == 1 ? count : (long)Math.Round(count * scale, MidpointRounding.ToEven);
}
