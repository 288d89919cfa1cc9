using DataGen.Generation;
using DataGen.Generators;
using DataGen.Randomness;

namespace DataGen.Documents;

/// <summary>The values generated so far in the document being built (earlier fields, enclosing objects).</summary>
public sealed class DocumentValues
{
    private readonly ObjectScope _scope;

    internal DocumentValues(ObjectScope scope) => _scope = scope;

    /// <summary>The value of an earlier field of this object or, failing that, of an enclosing object.</summary>
    public object? this[string name]
    {
        get
        {
            for (var s = _scope; s is not null; s = s.Parent)
            {
                var i = Array.IndexOf(s.Shape.Names, name);
                if (i >= 0)
                {
                    return s.Values[i];
                }
            }

            throw new KeyNotFoundException($"no field '{name}' in this document (fields are generated in the order they are added)");
        }
    }

    /// <summary>The document's index.</summary>
    public long Index => _scope.Row.Index;

    /// <summary>Within an array, the element index; otherwise the document index.</summary>
    public long Position => _scope.Position;
}

/// <summary>
/// Builds a document schema: fields in order, each from a Bogus <see cref="Bogus.Faker"/> seeded for
/// that (document, field), or from earlier fields; objects and arrays nest to any depth.
/// </summary>
public sealed class DocumentSchemaBuilder
{
    private readonly List<(string Name, Func<string, FieldGenerator> Create, double NullRate)> _fields = [];
    private readonly string _typeName;
    private readonly string _locale;
    private readonly string _path;

    internal DocumentSchemaBuilder(string typeName, string locale, string path = "")
    {
        _typeName = typeName;
        _locale = locale;
        _path = path;
    }

    // RS0026: the two Field overloads differ in their delegate's shape, which callers' lambdas pick unambiguously.
#pragma warning disable RS0026

    /// <summary>A field computed by Bogus.</summary>
    public DocumentSchemaBuilder Field(string name, Func<Bogus.Faker, object?> value, double nullRate = 0) =>
        Add(name, _ => new FakerGenerator(_locale, (f, _) => value(f)), nullRate);

    /// <summary>A field computed by Bogus from earlier fields of the document.</summary>
    public DocumentSchemaBuilder Field(string name, Func<Bogus.Faker, DocumentValues, object?> value, double nullRate = 0) =>
        Add(name, _ => new FakerGenerator(_locale, value), nullRate);
#pragma warning restore RS0026

    /// <summary>A deterministic UUID.</summary>
    public DocumentSchemaBuilder Uuid(string name) =>
        Add(name, _ => BasicGenerators.NewUuid(), 0);

    /// <summary>A masked value: # a digit, @ an upper-case letter, ? a lower-case letter, * a letter or digit.</summary>
    public DocumentSchemaBuilder Mask(string name, string mask) =>
        Add(name, _ => BasicGenerators.MaskOf(mask), 0);

    /// <summary>A nested object.</summary>
    public DocumentSchemaBuilder Object(string name, Action<DocumentSchemaBuilder> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return Add(name, path =>
        {
            var nested = new DocumentSchemaBuilder(_typeName, _locale, path);
            fields(nested);
            return new StructureGenerators.ObjectGenerator(nested.Build(), path);
        }, 0);
    }

    /// <summary>An array of <paramref name="min"/>–<paramref name="max"/> nested objects.</summary>
    public DocumentSchemaBuilder Array(string name, int min, int max, Action<DocumentSchemaBuilder> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return ArrayOf(name, min, max, nested => nested.Object("item", item));
    }

    /// <summary>An array of <paramref name="min"/>–<paramref name="max"/> values computed by Bogus.</summary>
    public DocumentSchemaBuilder Array(string name, int min, int max, Func<Bogus.Faker, object?> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return ArrayOf(name, min, max, nested => nested.Field("item", item));
    }

    internal CompiledObject Build()
    {
        var typeKey = StableHash.Of(_typeName);
        var fields = _fields.Select(f =>
        {
            var path = _path.Length == 0 ? f.Name : $"{_path}.{f.Name}";
            return new CompiledField(f.Name, path, StableHash.Combine(typeKey, path), f.Create(path), f.NullRate, unique: false);
        }).ToArray();
        return new CompiledObject(fields, Enumerable.Range(0, fields.Length).ToArray());
    }

    /// <summary>An array whose single-field item shape is built by <paramref name="item"/>.</summary>
    private DocumentSchemaBuilder ArrayOf(string name, int min, int max, Action<DocumentSchemaBuilder> item)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(min);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        return Add(name, path =>
        {
            var nested = new DocumentSchemaBuilder(_typeName, _locale, path + "[]");
            item(nested);
            return new StructureGenerators.ArrayGenerator(nested.Build(), min, max);
        }, 0);
    }

    private DocumentSchemaBuilder Add(string name, Func<string, FieldGenerator> create, double nullRate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_fields.Any(f => f.Name == name))
        {
            throw new ArgumentException($"field '{name}' is added twice", nameof(name));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(nullRate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nullRate, 1);
        _fields.Add((name, create, nullRate));
        return this;
    }

    /// <summary>Runs a C# delegate against a per-thread <see cref="Bogus.Faker"/> reseeded for this (document, field).</summary>
    private sealed class FakerGenerator(string locale, Func<Bogus.Faker, DocumentValues, object?> value) : FieldGenerator
    {
        public override ValueKind Kind => ValueKind.Unknown;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
        {
            var session = scope.Row.Worker.Bogus(locale);
            session.Source.Reset(random);
            return ScalarValues.Normalize(value(session.Faker, new DocumentValues(scope)));
        }
    }
}
