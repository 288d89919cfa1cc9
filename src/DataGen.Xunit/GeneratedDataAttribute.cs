using System.Globalization;
using System.Reflection;
using DataGen.Outputs;
using Xunit;
using Xunit.Sdk;
using Xunit.v3;

namespace DataGen.Xunit;

/// <summary>
/// Feeds a model's generated rows into a <c>[Theory]</c>: <c>[GeneratedData("retail.yaml", "customers", Count = 5)]</c>.
/// A test method takes one <see cref="IReadOnlyDictionary{TKey, TValue}"/> (field → value), one class or record (an EF
/// entity too), or one parameter per field. Names match ignoring case and underscores (<c>placed_at</c> fills
/// <c>PlacedAt</c>), fields <c>ShippingAddress_City</c> fill an object property <c>ShippingAddress</c>, and a field or
/// scalar property that maps to nothing is an error naming both sides. Rows are labelled <c>customers#0</c>,
/// <c>customers#1</c>…. The seed follows <c>DATAGEN_SEED</c>, then <see cref="Seed"/>, then the manifest; a failing
/// test prints it with a reproduction line.
/// </summary>
/// <param name="manifest">The manifest file (test output directory or current directory).</param>
/// <param name="model">The model whose rows feed the theory.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class GeneratedDataAttribute(string manifest, string model) : DataAttribute, IBeforeAfterTestAttribute
{
    /// <summary>The seed each (test method, manifest, model) ran with: xunit may read the data and run Before/After on different instances.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(MethodInfo Method, string Manifest, string Model), (ulong Seed, string Source)> Used = new();

    private ulong? _seed;

    /// <summary>The manifest file.</summary>
    public string Manifest { get; } = manifest;

    /// <summary>The model.</summary>
    public string Model { get; } = model;

    /// <summary>How many rows (the first ones; default 10).</summary>
    public int Count { get; set; } = 10;

    /// <summary>The seed (DATAGEN_SEED wins). Reads 0 when unset: <see cref="HasSeed"/> tells an unset seed from seed 0.</summary>
    public ulong Seed
    {
        get => _seed ?? 0;
        set => _seed = value;
    }

    /// <summary>Whether <see cref="Seed"/> was set (seed 0 included).</summary>
    public bool HasSeed => _seed.HasValue;

    /// <summary>
    /// The application's schema the manifest completes (an EF Core <c>DbContext</c> type, or an
    /// <see cref="DataGen.Schemas.IApplicationSchema"/>), as for <see cref="SeededWithAttribute.Schema"/>: every column of
    /// the model's table gets a field. No database is touched; the model is read as its first available provider maps it
    /// (PostgreSQL, SQL Server, then SQLite).
    /// </summary>
    public Type? Schema { get; set; }

    /// <summary>
    /// For a typed row: fields that fill no property are left out instead of being an error (a type that reads some
    /// columns of a wide table). A scalar property no field fills is an error either way.
    /// </summary>
    public bool IgnoreUnmappedFields { get; set; }

    private string Name => $"[GeneratedData(\"{Manifest}\", \"{Model}\")]";

    /// <inheritdoc />
    public override async ValueTask<IReadOnlyCollection<ITheoryDataRow>> GetData(MethodInfo testMethod, DisposalTracker disposalTracker)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        var options = Schema is null ? null : new ManifestOptions { Schema = ApplicationSchemas.DescribeWithoutDatabase(Schema, Name) };
        var defaults = await DataGen.Manifest.LoadAsync(DataLoader.Locate(Manifest), options).ConfigureAwait(false);
        var used = DataGenSeeds.Resolve(_seed, defaults.Seed);
        Used[(testMethod, Manifest, Model)] = used;
        var manifest = defaults.WithSeed(used.Seed);
        if (!manifest.Models.Contains(Model))
        {
            throw new ArgumentException($"{Name}: no model '{Model}'; models: {string.Join(", ", manifest.Models)}");
        }

        var output = new MemoryOutput();
        await DataGenerator.GenerateAsync(manifest, output).ConfigureAwait(false);
        var parameters = testMethod.GetParameters();
        return output.Records(Model).Take(Count).Select((record, i) => (ITheoryDataRow)new TheoryDataRow(Arguments(parameters, record))
        {
            Label = string.Create(CultureInfo.InvariantCulture, $"{Model}#{i}"),
        }).ToList();
    }

    /// <inheritdoc />
    public override bool SupportsDiscoveryEnumeration() => false;

    /// <inheritdoc />
    public void Before(MethodInfo methodUnderTest, IXunitTest test)
    {
    }

    /// <inheritdoc />
    public void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        if (methodUnderTest is not null && Used.TryGetValue((methodUnderTest, Manifest, Model), out var used))
        {
            DataGenSeeds.ReportIfFailed(test, $"{Name} rows", used.Seed, used.Source);
        }
    }

    private object?[] Arguments(ParameterInfo[] parameters, IReadOnlyDictionary<string, object?> record)
    {
        if (parameters.Length == 1 && parameters[0].ParameterType.IsAssignableFrom(typeof(Dictionary<string, object?>)))
        {
            return [record.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal)];
        }

        if (parameters.Length == 1 && !record.ContainsKey(parameters[0].Name!) && parameters[0].ParameterType.IsClass && parameters[0].ParameterType != typeof(string))
        {
            return [RowMapper.Map(parameters[0].ParameterType, record, Name, IgnoreUnmappedFields)];
        }

        return parameters.Select(p => record.TryGetValue(p.Name!, out var value)
            ? value
            : record.Keys.FirstOrDefault(k => string.Equals(k.Replace("_", string.Empty, StringComparison.Ordinal), p.Name, StringComparison.OrdinalIgnoreCase)) is { } field
                ? record[field]
                : throw new ArgumentException($"{Name}: parameter '{p.Name}' is not a field; fields: {string.Join(", ", record.Keys)}")).ToArray();
    }
}
