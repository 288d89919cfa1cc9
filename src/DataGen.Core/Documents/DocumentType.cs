using System.Text.Json;
using DataGen.Generation;
using DataGen.Outputs;
using DataGen.Randomness;

namespace DataGen.Documents;

/// <summary>
/// A named document type whose schema is built from Bogus in C#, nested to any depth. Document
/// <c>i</c> of a type depends only on (seed, type name, i): documents can be generated in any order,
/// in parallel, and again later with the same result.
/// </summary>
public sealed class DocumentType
{
    private static readonly JsonSerializerOptions TypedOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
    };

    private readonly CompiledObject _root;
    private readonly ulong _nameKey;

    private DocumentType(string name, string? idField, string locale, CompiledObject root, IReadOnlyList<FieldDescriptor> fields)
    {
        Name = name;
        IdField = idField;
        Locale = locale;
        _root = root;
        Fields = fields;
        _nameKey = StableHash.Of(name);
    }

    /// <summary>The type name documents are discovered by and files are named after.</summary>
    public string Name { get; }

    /// <summary>The field that identifies a document (names its file), if any.</summary>
    public string? IdField { get; }

    /// <summary>The Bogus locale the values come from.</summary>
    public string Locale { get; }

    /// <summary>The top-level fields.</summary>
    public IReadOnlyList<FieldDescriptor> Fields { get; }

    /// <summary>Describes a document type.</summary>
    /// <param name="name">Type name (letters, digits, underscores).</param>
    /// <param name="schema">Adds the fields.</param>
    /// <param name="idField">The field that identifies a document.</param>
    /// <param name="locale">Bogus locale (default en).</param>
    public static DocumentType Create(string name, Action<DocumentSchemaBuilder> schema, string? idField = null, string locale = "en")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(schema);
        if (!DataGen.Manifests.ManifestReader.Identifier().IsMatch(name))
        {
            throw new ArgumentException($"document type name '{name}' must be letters, digits and underscores", nameof(name));
        }

        var builder = new DocumentSchemaBuilder(name, locale);
        schema(builder);
        var root = builder.Build();
        if (idField is not null && Array.IndexOf(root.Names, idField) < 0)
        {
            throw new ArgumentException($"document type '{name}' has no field '{idField}'", nameof(idField));
        }

        var fields = root.Fields.Select(f => f.Describe(nullable: f.NullRate > 0)).ToArray();
        return new DocumentType(name, idField, locale, root, fields);
    }

    /// <summary>Generates document <paramref name="index"/> for <paramref name="seed"/> as an ordered dictionary.</summary>
    public GeneratedObject Generate(ulong seed, long index) => Generate(seed, index, GenerationWorker.ForCurrentThread);

    /// <summary>Generates <paramref name="count"/> documents starting at index 0.</summary>
    public IEnumerable<GeneratedObject> GenerateMany(ulong seed, int count)
    {
        var worker = new GenerationWorker();
        for (var i = 0; i < count; i++)
        {
            yield return Generate(seed, i, worker);
        }
    }

    /// <summary>Generates document <paramref name="index"/> as <typeparamref name="T"/> (snake_case fields map to PascalCase properties).</summary>
    public T Generate<T>(ulong seed, long index)
    {
        return JsonSerializer.Deserialize<T>(ValueText.ToJson(Generate(seed, index)), TypedOptions)
            ?? throw new GenerationException($"document '{Name}' #{index} did not convert to {typeof(T).Name}");
    }

    /// <summary>The row shape of these documents for an <see cref="IDataOutput"/>.</summary>
    public ModelDescriptor Describe(long count) => new(Name, IdField, Fields, count);

    /// <summary>Writes <paramref name="count"/> documents to an output (e.g. one JSON file per document).</summary>
    public async Task<long> WriteAsync(IDataOutput output, ulong seed, long count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var descriptor = Describe(count);
        var worker = new GenerationWorker();
        long acknowledged;
        var writer = await output.OpenModelAsync(descriptor, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            const int batchSize = 1024;
            for (long start = 0; start < count; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var n = (int)Math.Min(batchSize, count - start);
                var rows = new object?[n][];
                for (var i = 0; i < n; i++)
                {
                    rows[i] = Scope(seed, start + i, worker).Values;
                }

                await writer.WriteAsync(new RowBatch(descriptor, start, rows), cancellationToken).ConfigureAwait(false);
            }

            acknowledged = await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await output.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return acknowledged;
    }

    private GeneratedObject Generate(ulong seed, long index, GenerationWorker worker) => Scope(seed, index, worker).ToObject();

    private ObjectScope Scope(ulong seed, long index, GenerationWorker worker) =>
        _root.Generate(
            new RowContext(index, -1, worker, GenerationRun.None),
            null,
            StableHash.Combine(StableHash.Combine(_nameKey, seed), unchecked((ulong)index)),
            index);
}
