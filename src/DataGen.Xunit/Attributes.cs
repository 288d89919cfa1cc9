using DataGen.Journeys;
using DataGen.Outputs;
using DataGen.Simulations;

namespace DataGen.Xunit;

/// <summary>
/// Says what data a test class (or one test method: the method's attribute wins) needs; on a collection definition
/// class it serves a collection fixture, on the assembly an assembly fixture. The class's fixture
/// (<c>PostgresFixture</c>, <c>KafkaFixture</c>, … from the store kit packages) reads it, loads the data and restores it after
/// every test.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method | AttributeTargets.Assembly, AllowMultiple = false, Inherited = true)]
public abstract class DataGenAttribute : Attribute
{
    private ulong? _seed;

    /// <summary>The seed (the <c>DATAGEN_SEED</c> environment variable wins; default: the manifest's, then 1). Reads 0 when unset: <see cref="HasSeed"/> tells an unset seed from seed 0.</summary>
    public ulong Seed
    {
        get => _seed ?? 0;
        set => _seed = value;
    }

    /// <summary>Whether <see cref="Seed"/> was set (seed 0 included).</summary>
    public bool HasSeed => _seed.HasValue;

    internal ulong? ExplicitSeed => _seed;

    /// <summary>What the data is, for messages (the manifest file, the journey provider…).</summary>
    internal abstract string Describe();

    /// <summary>The seed this data uses when nothing overrides it (the manifest's), or null.</summary>
    internal virtual ValueTask<ulong?> DefaultSeedAsync(CancellationToken cancellationToken) => ValueTask.FromResult<ulong?>(null);

    /// <summary>Generates the data into <paramref name="output"/> with <paramref name="seed"/>.</summary>
    internal abstract Task<LoadedData> LoadAsync(IDataOutput output, ulong seed, CancellationToken cancellationToken);
}

/// <summary>Loads a manifest: <c>[SeededWith("retail.yaml", Seed = 42)]</c>.</summary>
/// <param name="manifest">The manifest file, relative to the test output directory (copy it there) or the current directory.</param>
public sealed class SeededWithAttribute(string manifest) : DataGenAttribute
{
    private DataGen.Manifest? _manifest;

    /// <summary>The manifest file.</summary>
    public string Manifest { get; } = manifest;

    /// <summary>Multiplies every root count (0: the manifest's scale).</summary>
    public double Scale { get; set; }

    /// <summary>Variables as <c>name=value</c>.</summary>
    public string[] Variables { get; set; } = [];

    internal override string Describe() => Manifest;

    internal override async ValueTask<ulong?> DefaultSeedAsync(CancellationToken cancellationToken) =>
        (await LoadManifestAsync(cancellationToken).ConfigureAwait(false)).Seed;

    internal override async Task<LoadedData> LoadAsync(IDataOutput output, ulong seed, CancellationToken cancellationToken)
    {
        var manifest = (await LoadManifestAsync(cancellationToken).ConfigureAwait(false)).WithSeed(seed);
        await DataGenerator.GenerateAsync(manifest, output, null, cancellationToken).ConfigureAwait(false);
        return new LoadedData();
    }

    /// <summary>The manifest with its own seed, read once per attribute instance.</summary>
    private async Task<DataGen.Manifest> LoadManifestAsync(CancellationToken cancellationToken) =>
        _manifest ??= await ReadManifestAsync(cancellationToken).ConfigureAwait(false);

    private Task<DataGen.Manifest> ReadManifestAsync(CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in Variables)
        {
            var eq = v.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"[SeededWith(\"{Manifest}\")]: variable '{v}' must be name=value");
            }

            variables[v[..eq]] = v[(eq + 1)..];
        }

        return DataGen.Manifest.LoadAsync(Locate(Manifest), new ManifestOptions { Scale = Scale > 0 ? Scale : null, Variables = variables }, cancellationToken);
    }

    /// <summary>The manifest's path: as given when it exists, else under the test output directory, else an error naming both.</summary>
    internal static string Locate(string path)
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
}

/// <summary>
/// Loads journeys: <c>[Journey("starfleet", Users = 25)]</c> (a built-in or registered provider) or
/// <c>[Journey(typeof(MyJourney))]</c> — every step document, in step order.
/// </summary>
public sealed class JourneyAttribute : DataGenAttribute
{
    /// <summary>Uses a provider found by name in <see cref="JourneyCatalog"/> (built in, or registered).</summary>
    /// <param name="provider">The provider's name.</param>
    public JourneyAttribute(string provider) => Provider = provider;

    /// <summary>Uses a provider type (a <see cref="JourneyProvider"/> with a parameterless constructor).</summary>
    /// <param name="providerType">The provider type.</param>
    public JourneyAttribute(Type providerType)
    {
        ArgumentNullException.ThrowIfNull(providerType);
        ProviderType = providerType;
        Provider = providerType.Name;
    }

    /// <summary>The provider's name (or, with <see cref="ProviderType"/>, the type's name).</summary>
    public string Provider { get; }

    /// <summary>The provider type, when the attribute names one.</summary>
    public Type? ProviderType { get; }

    /// <summary>How many journeys (one per simulated user; default 10).</summary>
    public int Users { get; set; } = 10;

    /// <summary>The table, collection or topic the steps go to (default <c>journey_steps</c>).</summary>
    public string? Target { get; set; }

    internal override string Describe() => $"journey '{Provider}' × {Users}";

    internal override async Task<LoadedData> LoadAsync(IDataOutput output, ulong seed, CancellationToken cancellationToken)
    {
        var provider = ProviderType is { } type
            ? (typeof(JourneyProvider).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null
                ? (JourneyProvider)Activator.CreateInstance(type)!
                : throw new ArgumentException($"[Journey(typeof({type.Name}))]: the type must derive from JourneyProvider and have a parameterless constructor"))
            : JourneyCatalog.Find(Provider)
                ?? throw new ArgumentException($"[Journey(\"{Provider}\")]: unknown journey provider; known: {string.Join(", ", JourneyCatalog.All().Keys)} (register one with JourneyCatalog.Register, or name its type: [Journey(typeof(MyJourney))])");
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var journeys = Enumerable.Range(0, Users).Select(i => provider.Create(seed, i, start)).ToList();
        var target = Target is null ? output : new RetargetingOutput(output, JourneyReplay.Model.Name, Target);
        await JourneyReplay.ReplayAsync(journeys, target, null, cancellationToken).ConfigureAwait(false);
        return new LoadedData { Journeys = journeys };
    }
}

/// <summary>Runs a simulation: <c>[Simulate(typeof(BankingModel), Subjects = 1_000, Ticks = 1_440, TickLength = "00:01:00")]</c>.</summary>
/// <param name="model">An <see cref="ISimulationModel"/> type with a parameterless constructor.</param>
public sealed class SimulateAttribute(Type model) : DataGenAttribute
{
    /// <summary>The simulation model.</summary>
    public Type Model { get; } = model;

    /// <summary>How many subjects (0: the model's).</summary>
    public long Subjects { get; set; }

    /// <summary>How many ticks (0: the model's).</summary>
    public long Ticks { get; set; }

    /// <summary>The tick length: 00:01:00, 1m, 30s… (default: the model's).</summary>
    public string? TickLength { get; set; }

    /// <summary>The table, collection or topic of the first event stream (default: the stream's name).</summary>
    public string? Target { get; set; }

    internal override string Describe() => $"simulation {Model.Name}";

    internal override ValueTask<ulong?> DefaultSeedAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Simulation.FromModel(Model).Seed);

    internal override async Task<LoadedData> LoadAsync(IDataOutput output, ulong seed, CancellationToken cancellationToken)
    {
        var simulation = Simulation.FromModel(Model);
        TimeSpan? length = null;
        if (TickLength is { } text)
        {
            length = Durations.TryParse(text, out var l) && l > TimeSpan.Zero
                ? l
                : throw new ArgumentException($"[Simulate(typeof({Model.Name}))]: TickLength must be a duration such as 00:01:00 or 1m, found '{text}'");
        }

        var target = Target is null ? output : new RetargetingOutput(output, simulation.Streams[0].Name, Target);
        var result = await simulation.RunAsync(
            target,
            new SimulationOptions { Seed = seed, Subjects = Subjects > 0 ? Subjects : null, Ticks = Ticks > 0 ? Ticks : null, TickLength = length },
            cancellationToken).ConfigureAwait(false);
        return new LoadedData { Simulation = result };
    }
}

/// <summary>What a load produced besides rows (which the fixture counts as the store acknowledges them).</summary>
internal sealed record LoadedData
{
    public IReadOnlyList<Journey> Journeys { get; init; } = [];

    public SimulationResult? Simulation { get; init; }
}
