using System.Globalization;
using System.Reflection;
using System.Text.Json;
using DataGen.Outputs;
using Xunit;
using Xunit.Sdk;
using Xunit.v3;

namespace DataGen.Xunit;

/// <summary>
/// Feeds a model's generated rows into a <c>[Theory]</c>: <c>[GeneratedData("retail.yaml", "customers", Count = 5)]</c>.
/// A test method takes one <see cref="IReadOnlyDictionary{TKey, TValue}"/> (field → value), one class (fields by
/// snake_case property names), or one parameter per field by name. Rows are labelled <c>customers#0</c>, <c>customers#1</c>….
/// The seed follows <c>DATAGEN_SEED</c>, then <see cref="Seed"/>, then the manifest.
/// </summary>
/// <param name="manifest">The manifest file (test output directory or current directory).</param>
/// <param name="model">The model whose rows feed the theory.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class GeneratedDataAttribute(string manifest, string model) : DataAttribute
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, PropertyNameCaseInsensitive = true };
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

    /// <inheritdoc />
    public override async ValueTask<IReadOnlyCollection<ITheoryDataRow>> GetData(MethodInfo testMethod, DisposalTracker disposalTracker)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        var defaults = await DataGen.Manifest.LoadAsync(DataLoader.Locate(Manifest)).ConfigureAwait(false);
        var manifest = defaults.WithSeed(DataGenSeeds.Resolve(_seed, defaults.Seed).Seed);
        if (!manifest.Models.Contains(Model))
        {
            throw new ArgumentException($"[GeneratedData(\"{Manifest}\", \"{Model}\")]: no model '{Model}'; models: {string.Join(", ", manifest.Models)}");
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

    private object?[] Arguments(ParameterInfo[] parameters, IReadOnlyDictionary<string, object?> record)
    {
        if (parameters.Length == 1 && parameters[0].ParameterType.IsAssignableFrom(typeof(Dictionary<string, object?>)))
        {
            return [record.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal)];
        }

        if (parameters.Length == 1 && !record.ContainsKey(parameters[0].Name!) && parameters[0].ParameterType.IsClass && parameters[0].ParameterType != typeof(string))
        {
            return [JsonSerializer.Deserialize(ValueText.ToJson(record), parameters[0].ParameterType, Json)];
        }

        return parameters.Select(p => record.TryGetValue(p.Name!, out var value)
            ? value
            : throw new ArgumentException($"[GeneratedData(\"{Manifest}\", \"{Model}\")]: parameter '{p.Name}' is not a field; fields: {string.Join(", ", record.Keys)}")).ToArray();
    }
}
