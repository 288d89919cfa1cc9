using System.Collections.Concurrent;
using DataGen.Journeys;
using DataGen.Outputs;
using DataGen.Simulations;

namespace DataGen.Xunit;

/// <summary>
/// What the kit does with an attribute's data: describes it, finds its default seed and generates it into a fixture's
/// output. Manifests are read once per (file, scale, variables) and shared, whichever attribute instance names them.
/// </summary>
internal static class DataLoader
{
    private static readonly DateTime JourneyStart = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly ConcurrentDictionary<string, Lazy<Task<Manifest>>> Manifests = new(StringComparer.Ordinal);

    /// <summary>What the data is, for messages (the manifest file, the journey provider…).</summary>
    public static string Describe(DataGenAttribute data) => data switch
    {
        SeededWithAttribute s => s.Manifest,
        JourneyAttribute j => $"journey '{j.Provider}' × {j.Users}",
        SimulateAttribute m => $"simulation {m.Model.Name}",
        _ => throw Unknown(data),
    };

    /// <summary>The seed the data uses when nothing overrides it (the manifest's, the simulation's), or null.</summary>
    public static async ValueTask<ulong?> DefaultSeedAsync(DataGenAttribute data, ApplicationTables? tables, CancellationToken cancellationToken) => data switch
    {
        SeededWithAttribute s => (await ManifestAsync(s, tables, cancellationToken).ConfigureAwait(false)).Seed,
        SimulateAttribute m => Simulation.FromModel(m.Model).Seed,
        JourneyAttribute => null,
        _ => throw Unknown(data),
    };

    /// <summary>Generates the data into <paramref name="output"/> with <paramref name="seed"/>.</summary>
    public static Task<LoadedData> LoadAsync(DataGenAttribute data, IDataOutput output, ulong seed, ApplicationTables? tables, CancellationToken cancellationToken) => data switch
    {
        SeededWithAttribute s => LoadManifestAsync(s, output, seed, tables, cancellationToken),
        JourneyAttribute j => LoadJourneysAsync(j, output, seed, cancellationToken),
        SimulateAttribute m => SimulateAsync(m, output, seed, cancellationToken),
        _ => throw Unknown(data),
    };

    /// <summary>A manifest's path: as given when it exists, else under the test output directory, else an error naming both.</summary>
    public static string Locate(string path)
    {
        if (Path.IsPathRooted(path) || File.Exists(path))
        {
            return Path.GetFullPath(path);
        }

        var beside = Path.Combine(AppContext.BaseDirectory, path);
        return File.Exists(beside)
            ? beside
            : throw new FileNotFoundException($"manifest '{path}' not found in {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory} (mark it <CopyToOutputDirectory>PreserveNewest</CopyToOutputDirectory>)", path);
    }

    private static async Task<LoadedData> LoadManifestAsync(SeededWithAttribute data, IDataOutput output, ulong seed, ApplicationTables? tables, CancellationToken cancellationToken)
    {
        var manifest = (await ManifestAsync(data, tables, cancellationToken).ConfigureAwait(false)).WithSeed(seed);
        await DataGenerator.GenerateAsync(manifest, output, null, cancellationToken).ConfigureAwait(false);
        return new LoadedData();
    }

    private static async Task<LoadedData> LoadJourneysAsync(JourneyAttribute data, IDataOutput output, ulong seed, CancellationToken cancellationToken)
    {
        var provider = data.ProviderType is { } type
            ? (typeof(JourneyProvider).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null
                ? (JourneyProvider)Activator.CreateInstance(type)!
                : throw new ArgumentException($"[Journey(typeof({type.Name}))]: the type must derive from JourneyProvider and have a parameterless constructor"))
            : JourneyCatalog.Find(data.Provider)
                ?? throw new ArgumentException($"[Journey(\"{data.Provider}\")]: unknown journey provider; known: {string.Join(", ", JourneyCatalog.All().Keys)} (register one with JourneyCatalog.Register, or name its type: [Journey(typeof(MyJourney))])");
        var journeys = Enumerable.Range(0, data.Users).Select(i => provider.Create(seed, i, JourneyStart)).ToList();
        var target = data.Target is null ? output : new RetargetingOutput(output, JourneyReplay.Model.Name, data.Target);
        await JourneyReplay.ReplayAsync(journeys, target, null, cancellationToken).ConfigureAwait(false);
        return new LoadedData { Journeys = journeys };
    }

    private static async Task<LoadedData> SimulateAsync(SimulateAttribute data, IDataOutput output, ulong seed, CancellationToken cancellationToken)
    {
        var simulation = Simulation.FromModel(data.Model);
        TimeSpan? length = null;
        if (data.TickLength is { } text)
        {
            length = Durations.TryParse(text, out var l) && l > TimeSpan.Zero
                ? l
                : throw new ArgumentException($"[Simulate(typeof({data.Model.Name}))]: TickLength must be a duration such as 00:01:00 or 1m, found '{text}'");
        }

        var target = data.Target is null ? output : new RetargetingOutput(output, simulation.Streams[0].Name, data.Target);
        var result = await simulation.RunAsync(
            target,
            new SimulationOptions { Seed = seed, Subjects = data.Subjects > 0 ? data.Subjects : null, Ticks = data.Ticks > 0 ? data.Ticks : null, TickLength = length },
            cancellationToken).ConfigureAwait(false);
        return new LoadedData { Simulation = result };
    }

    /// <summary>The attribute's manifest with its own seed, read once per (file, scale, variables, application schema and store) in this process.</summary>
    private static Task<Manifest> ManifestAsync(SeededWithAttribute data, ApplicationTables? tables, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in data.Variables)
        {
            var eq = v.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"[SeededWith(\"{data.Manifest}\")]: variable '{v}' must be name=value");
            }

            variables[v[..eq]] = v[(eq + 1)..];
        }

        var path = Locate(data.Manifest);
        var key = string.Join('\n', variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value}").Prepend($"{path}|{data.Scale.ToString(System.Globalization.CultureInfo.InvariantCulture)}|{tables?.Key}"));
        var options = new ManifestOptions { Scale = data.Scale > 0 ? data.Scale : null, Variables = variables, Schema = tables?.Schema };
        var cached = Manifests.GetOrAdd(key, _ => new Lazy<Task<Manifest>>(() => Manifest.LoadAsync(path, options, CancellationToken.None)));
        if (cached.Value.IsFaulted)
        {
            // A failed read (a typo fixed while the tests run) is not kept.
            Manifests.TryRemove(new KeyValuePair<string, Lazy<Task<Manifest>>>(key, cached));
        }

        return cached.Value.WaitAsync(cancellationToken);
    }

    private static ArgumentException Unknown(DataGenAttribute data) => new($"{data.GetType().Name} is not a data attribute the kit knows");
}

/// <summary>The tables an application schema made, and what identifies them for the manifest cache (schema type and store).</summary>
internal sealed record ApplicationTables(DataGen.Schemas.DatabaseSchema Schema, string Key);

/// <summary>What a load produced besides rows (which the fixture counts as the store acknowledges them).</summary>
internal sealed record LoadedData
{
    public IReadOnlyList<Journey> Journeys { get; init; } = [];

    public SimulationResult? Simulation { get; init; }
}
