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
        SimulateAttribute { Manifest: { } manifest } => $"simulation of {manifest}",
        SimulateAttribute m => $"simulation {m.Model!.Name}",
        _ => throw Unknown(data),
    };

    /// <summary>The seed the data uses when nothing overrides it (the manifest's, the simulation's), or null.</summary>
    public static async ValueTask<ulong?> DefaultSeedAsync(DataGenAttribute data, ApplicationTables? tables, CancellationToken cancellationToken) => data switch
    {
        SeededWithAttribute s => (await ManifestAsync(s, tables, cancellationToken).ConfigureAwait(false)).Seed,
        SimulateAttribute { Manifest: { } manifest } m => (await ManifestAsync(manifest, 0, [], null, cancellationToken).ConfigureAwait(false)) is var read ? read.Simulation?.Seed ?? read.Seed : null,
        SimulateAttribute m => Simulation.FromModel(m.Model!).Seed,
        JourneyAttribute => null,
        _ => throw Unknown(data),
    };

    /// <summary>The <c>datastores:</c> of the attribute's manifest (empty for data without one).</summary>
    public static async ValueTask<IReadOnlyList<Datastore>> DatastoresAsync(DataGenAttribute data, ApplicationTables? tables, CancellationToken cancellationToken) => data switch
    {
        SeededWithAttribute s => (await ManifestAsync(s, tables, cancellationToken).ConfigureAwait(false)).Datastores,
        SimulateAttribute { Manifest: { } manifest } => (await ManifestAsync(manifest, 0, [], null, cancellationToken).ConfigureAwait(false)).Datastores,
        _ => [],
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
        var attribute = $"[SeededWith(\"{data.Manifest}\")]";
        RefuseSections(manifest, attribute, simulation: true);
        if (manifest.Simulation is { } simulation)
        {
            // The models load first (the subjects are rows of one of them), then the event streams.
            return new LoadedData { Simulation = await simulation.RunAsync(output, new SimulationOptions { Seed = seed }, cancellationToken).ConfigureAwait(false) };
        }

        await DataGenerator.GenerateAsync(manifest, output, null, cancellationToken).ConfigureAwait(false);
        return new LoadedData();
    }

    /// <summary>
    /// A manifest section the kit does not run is an error, never dropped silently: <c>events:</c> and <c>journeys:</c>
    /// always, <c>simulation:</c> unless <paramref name="simulation"/>.
    /// </summary>
    private static void RefuseSections(Manifest manifest, string attribute, bool simulation)
    {
        var refused = new List<ManifestError>();
        if (!simulation && manifest.Simulation is not null)
        {
            Refuse("simulation", $"run it with [Simulate(\"{Path.GetFileName(manifest.Source)}\")]");
        }

        if (manifest.Events is not null)
        {
            Refuse("events", "the kit does not run event flows: publish them with `datagen events`, or keep them in a manifest of their own");
        }

        if (manifest.Journeys.Count > 0)
        {
            Refuse("journeys", "load journeys with [Journey(typeof(MyJourney))] or a registered provider");
        }

        if (refused.Count > 0)
        {
            throw new ManifestException(refused);
        }

        void Refuse(string section, string instead)
        {
            var line = File.Exists(manifest.Source)
                ? File.ReadLines(manifest.Source).Select((text, i) => (text, i)).FirstOrDefault(l => l.text.StartsWith(section + ":", StringComparison.Ordinal)).i + 1
                : 0;
            refused.Add(new ManifestError(manifest.Source, line, line > 0 ? 1 : 0, $"{attribute} does not run the '{section}:' section; {instead}"));
        }
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
        var attribute = data.Manifest is { } file ? $"[Simulate(\"{file}\")]" : $"[Simulate(typeof({data.Model!.Name}))]";
        Simulation simulation;
        if (data.Manifest is { } path)
        {
            var manifest = (await ManifestAsync(path, 0, [], null, cancellationToken).ConfigureAwait(false)).WithSeed(seed);
            RefuseSections(manifest, attribute, simulation: true);
            simulation = manifest.Simulation
                ?? throw new ManifestException([new ManifestError(manifest.Source, 0, 0, $"{attribute}: the manifest has no simulation: section (load its models with [SeededWith(\"{path}\")])")]);
        }
        else
        {
            simulation = Simulation.FromModel(data.Model!);
        }

        TimeSpan? length = null;
        if (data.TickLength is { } text)
        {
            length = Durations.TryParse(text, out var l) && l > TimeSpan.Zero
                ? l
                : throw new ArgumentException($"{attribute}: TickLength must be a duration such as 00:01:00 or 1m, found '{text}'");
        }

        var streams = simulation.Streams.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var first = simulation.Streams[0].Name;
        var target = new DescribingOutput(output, m => !streams.Contains(m.Name) ? m : m with
        {
            Target = data.Target is not null && m.Name == first ? data.Target : m.Target,
            OrderKey = Field(data.Key, m.OrderKey, m, "Key"),
            TimeField = Field(data.Timestamp, m.TimeField, m, "Timestamp"),
        });
        var result = await simulation.RunAsync(
            target,
            new SimulationOptions { Seed = seed, Subjects = data.Subjects > 0 ? data.Subjects : null, Ticks = data.Ticks > 0 ? data.Ticks : null, TickLength = length },
            cancellationToken).ConfigureAwait(false);
        return new LoadedData { Simulation = result };

        string? Field(string? given, string? fallback, ModelDescriptor model, string property) =>
            given is null ? fallback
            : given.Equals("none", StringComparison.OrdinalIgnoreCase) ? null
            : model.Fields.Any(f => f.Name == given) ? given
            : throw new ArgumentException($"{attribute}: {property} = \"{given}\" is not a field of stream '{model.Name}'; its fields: {string.Join(", ", model.Fields.Select(f => f.Name))} (or \"none\")");
    }

    /// <summary>The attribute's manifest with its own seed, read once per (file, scale, variables, application schema and store) in this process.</summary>
    private static Task<Manifest> ManifestAsync(SeededWithAttribute data, ApplicationTables? tables, CancellationToken cancellationToken) =>
        ManifestAsync(data.Manifest, data.Scale, data.Variables, tables, cancellationToken);

    private static Task<Manifest> ManifestAsync(string file, double scale, string[] given, ApplicationTables? tables, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in given)
        {
            var eq = v.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"[SeededWith(\"{file}\")]: variable '{v}' must be name=value");
            }

            variables[v[..eq]] = v[(eq + 1)..];
        }

        var path = Locate(file);
        var key = string.Join('\n', variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value}").Prepend($"{path}|{scale.ToString(System.Globalization.CultureInfo.InvariantCulture)}|{tables?.Key}"));
        var options = new ManifestOptions { Scale = scale > 0 ? scale : null, Variables = variables, Schema = tables?.Schema };
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
