using DataGen.Randomness;

namespace DataGen.Generation;

/// <summary>Produces one field's value for one row, from that (row, field)'s own random stream.</summary>
internal abstract class FieldGenerator
{
    public abstract ValueKind Kind { get; }

    /// <summary>True when values can never repeat within a model (sequences, UUIDs): no uniqueness check needed.</summary>
    public virtual bool UniqueByConstruction => false;

    /// <summary>For ref and lookup fields: the other model's column the value comes from.</summary>
    public virtual Generators.ReferenceColumn? Source => null;

    /// <summary>True for a ref (a foreign key); false for a lookup, which copies a value.</summary>
    public virtual bool IsReference => false;

    /// <summary>Every value the generator can produce, when it is a closed set (choices, constants); null otherwise.</summary>
    public virtual IReadOnlyList<object?>? PossibleValues => null;

    /// <summary>The longest text the generator can produce, when bounded and known (masks, closed sets, maxLength); null otherwise.</summary>
    public virtual int? MaxTextLength => PossibleValues is { } values && values.All(v => v is null or string)
        ? values.OfType<string>().Select(v => v.Length).DefaultIfEmpty(0).Max()
        : null;

    /// <summary>True when the generator itself may produce null (besides the field's <c>nullRate</c>): a hierarchy's roots.</summary>
    public virtual bool MayBeNull => false;

    /// <summary>The most values one generation of this field can produce (nested objects and arrays count their contents).</summary>
    public virtual double MaxValues => 1;

    /// <summary>
    /// True when the value depends only on the field's random stream and the object's position (sequences, UUIDs):
    /// <see cref="ValueAt"/> then gives it without a scope, and a reference column of the field need not be stored.
    /// </summary>
    public virtual bool PositionOnly => false;

    public abstract object? Generate(ref DeterministicRandom random, ObjectScope scope);

    /// <summary>For a <see cref="PositionOnly"/> generator: the value <see cref="Generate"/> gives at <paramref name="position"/>.</summary>
    public virtual object? ValueAt(ref DeterministicRandom random, long position) =>
        throw new InvalidOperationException($"{GetType().Name} depends on more than its position");
}

/// <summary>A compiled field: its generator plus the options common to every field.</summary>
internal sealed class CompiledField(string name, string path, ulong key, FieldGenerator generator, double nullRate, bool unique)
{
    public string Name { get; } = name;

    public string Path { get; } = path;

    /// <summary>Hash of (seed, model, path): with the row's stream key it seeds this field's stream.</summary>
    public ulong Key { get; } = key;

    public FieldGenerator Generator { get; } = generator;

    public double NullRate { get; } = nullRate;

    public bool Unique { get; } = unique;

    /// <summary>Where the field is written (<c>file(line,col)</c>) for a manifest's field; failures while generating name it.</summary>
    public string? Where { get; init; }

    /// <summary>
    /// The index of the field of the same object this one's value must differ from (<c>notEqual</c>: a CHECK
    /// <c>a &lt;&gt; b</c>, two refs to the same table); −1 for none. A value equal to it is drawn again.
    /// </summary>
    public int NotEqual { get; init; } = -1;

    /// <summary>The field as outputs see it, nested shapes included; <paramref name="kind"/> and <paramref name="nullable"/> when the caller knows better (refs and lookups).</summary>
    public Outputs.FieldDescriptor Describe(ValueKind? kind = null, bool? nullable = null) =>
        new(Name, kind ?? Generator.Kind, nullable ?? (NullRate > 0 || Generator.MayBeNull))
        {
            Fields = Generator is Generators.StructureGenerators.ObjectGenerator o ? o.Shape.Fields.Select(f => f.Describe()).ToArray() : null,
            Item = Generator is Generators.StructureGenerators.ArrayGenerator a && a.ItemShape.Fields.Length == 1 ? a.ItemShape.Fields[0].Describe() with { Name = "item" } : null,
        };

    /// <summary>
    /// For a top-level field with a <see cref="FieldGenerator.PositionOnly"/> generator: the value row
    /// <paramref name="row"/> gets on its first attempt (the stream and null draw <see cref="CompiledObject.Generate"/> makes).
    /// </summary>
    public object? ValueAt(long row)
    {
        var random = StreamAt(row);
        return NullRate > 0 && random.Chance(NullRate) ? null : Generator.ValueAt(ref random, row);
    }

    /// <summary>This top-level field's stream in <paramref name="row"/> on its first attempt (what <see cref="CompiledObject.Generate"/> draws from).</summary>
    public DeterministicRandom StreamAt(long row) => new(StableHash.Combine(Key, StableHash.Mix(unchecked((ulong)row))));
}

/// <summary>The fields of a model or nested object, and the order that satisfies their dependencies.</summary>
internal sealed class CompiledObject(CompiledField[] fields, int[] evaluationOrder)
{
    public CompiledField[] Fields { get; } = fields;

    public int[] EvaluationOrder { get; } = evaluationOrder;

    public string[] Names { get; } = fields.Select(f => f.Name).ToArray();

    /// <summary>The most values one object of this shape can hold, nested contents included.</summary>
    public double MaxValues => Fields.Sum(f => f.Generator.MaxValues);

    /// <summary>Generates all fields into a fresh scope.</summary>
    public ObjectScope Generate(RowContext row, ObjectScope? parent, ulong streamKey, long position) =>
        Fill(new ObjectScope(this, row, parent, streamKey, position));

    /// <summary>Generates all fields into <paramref name="scope"/>, a scope of this shape with no values yet.</summary>
    public ObjectScope Fill(ObjectScope scope)
    {
        var row = scope.Row;
        var streamKey = scope.StreamKey;
        var values = scope.Values;
        foreach (var i in EvaluationOrder)
        {
            var field = Fields[i];
            var random = new DeterministicRandom(StableHash.Combine(field.Key, streamKey));
            if (field.NullRate > 0 && random.Chance(field.NullRate))
            {
                continue;
            }

            try
            {
                values[i] = field.Generator.Generate(ref random, scope);
                if (field.NotEqual >= 0 && values[i] is { } value && value.Equals(values[field.NotEqual]))
                {
                    values[i] = DrawAnother(field, scope, value);
                }
            }
            catch (Exception e) when (e is not GenerationException and not OperationCanceledException)
            {
                // An expression's failure names its own place; anything else is placed at the field.
                var message = field.Where is null || e is Simulations.Expressions.ExpressionFailure ? e.Message : $"{field.Where}: {e.Message}";
                throw new GenerationException(message, null, field.Path, row.Index, e);
            }
        }

        return scope;
    }

    /// <summary>Draws <paramref name="field"/> again, from streams keyed by the attempt, until it differs from its <c>notEqual</c> field.</summary>
    private object? DrawAnother(CompiledField field, ObjectScope scope, object? value)
    {
        const int attempts = 100;
        var other = scope.Values[field.NotEqual];
        for (var attempt = 1; attempt <= attempts && value is not null && value.Equals(other); attempt++)
        {
            var random = new DeterministicRandom(StableHash.Combine(StableHash.Combine(field.Key, scope.StreamKey), (ulong)attempt));
            value = field.Generator.Generate(ref random, scope);
        }

        return value is not null && value.Equals(other)
            ? throw new InvalidOperationException($"no value different from field '{Names[field.NotEqual]}' ('{other}') after {attempts} attempts (notEqual); the generator needs more than one possible value")
            : value;
    }
}

/// <summary>The values of one object being generated (a row or a nested object), reachable by templates and lookups.</summary>
internal sealed class ObjectScope
{
    private long[]? _referencedRows;

    public ObjectScope(CompiledObject shape, RowContext row, ObjectScope? parent, ulong streamKey, long position)
    {
        Position = position;
        Shape = shape;
        Row = row;
        Parent = parent;
        StreamKey = streamKey;
        Values = new object?[shape.Fields.Length];
    }

    public CompiledObject Shape { get; }

    public RowContext Row { get; }

    public ObjectScope? Parent { get; }

    /// <summary>Identifies this object's position (row, array indices, retry attempt) for the random streams of its fields.</summary>
    public ulong StreamKey { get; private set; }

    public object?[] Values { get; private set; }

    /// <summary>The row index, or within an array the element index (what sequences count).</summary>
    public long Position { get; private set; }

    /// <summary>
    /// Makes a row's scope (no parent) ready for the next row of its shape: fresh values (the last row's array has
    /// gone to the output; or <paramref name="values"/>, an array nothing holds any more, cleared), no referenced rows.
    /// What a worker does instead of allocating a scope per row.
    /// </summary>
    public ObjectScope Reset(ulong streamKey, long position, object?[]? values = null)
    {
        StreamKey = streamKey;
        Position = position;
        if (values?.Length == Values.Length)
        {
            Array.Clear(values);
            Values = values;
        }
        else
        {
            Values = new object?[Values.Length];
        }

        if (_referencedRows is not null)
        {
            Array.Fill(_referencedRows, -1);
        }

        return this;
    }

    /// <summary>The row a reference field of this object points at (for lookups); −1 when none.</summary>
    public long ReferencedRow(int fieldIndex) => _referencedRows?[fieldIndex] ?? -1;

    public void SetReferencedRow(int fieldIndex, long row)
    {
        if (_referencedRows is null)
        {
            _referencedRows = new long[Values.Length];
            Array.Fill(_referencedRows, -1);
        }

        _referencedRows[fieldIndex] = row;
    }

    /// <summary>Walks <paramref name="up"/> scopes outwards.</summary>
    public ObjectScope Ancestor(int up)
    {
        var scope = this;
        for (var i = 0; i < up; i++)
        {
            scope = scope.Parent ?? throw new InvalidOperationException("scope depth mismatch");
        }

        return scope;
    }

    /// <summary>The object's values as an ordered dictionary (the shape outputs see for nested objects).</summary>
    public GeneratedObject ToObject() => new(Shape.Names, Values);
}

/// <summary>
/// Per-row facts shared by every object in the row. A worker keeps one and moves it from row to row
/// (<see cref="MoveTo"/>): nothing holds it past its row's generation.
/// </summary>
internal sealed class RowContext(long index, long parentIndex, GenerationWorker worker, GenerationRun run)
{
    /// <summary>The run the row belongs to (its reference columns).</summary>
    public GenerationRun Run { get; private set; } = run;

    /// <summary>The row's index in its model.</summary>
    public long Index { get; private set; } = index;

    /// <summary>For a per-parent model, the parent row this row belongs to; −1 otherwise.</summary>
    public long ParentIndex { get; private set; } = parentIndex;

    public GenerationWorker Worker { get; } = worker;

    public RowContext MoveTo(long index, long parentIndex, GenerationRun run)
    {
        Index = index;
        ParentIndex = parentIndex;
        Run = run;
        return this;
    }
}
