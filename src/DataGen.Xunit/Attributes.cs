using DataGen.Journeys;
using DataGen.Simulations;

namespace DataGen.Xunit;

/// <summary>
/// Says what data a test class (or one test method: the method's attribute wins) needs; on a collection definition
/// class it serves a collection fixture, on the assembly an assembly fixture. Attributes only carry data: the class's
/// fixture (<c>PostgresFixture</c>, <c>KafkaFixture</c>, … from the store kit packages) reads it, loads the data and
/// restores it after every test.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method | AttributeTargets.Assembly, AllowMultiple = false, Inherited = true)]
public abstract class DataGenAttribute : Attribute
{
    private ulong? _seed;

    private protected DataGenAttribute()
    {
    }

    /// <summary>The seed (the <c>DATAGEN_SEED</c> environment variable wins; default: the manifest's, then 1). Reads 0 when unset: <see cref="HasSeed"/> tells an unset seed from seed 0.</summary>
    public ulong Seed
    {
        get => _seed ?? 0;
        set => _seed = value;
    }

    /// <summary>Whether <see cref="Seed"/> was set (seed 0 included).</summary>
    public bool HasSeed => _seed.HasValue;

    internal ulong? ExplicitSeed => _seed;
}

/// <summary>Loads a manifest: <c>[SeededWith("retail.yaml", Seed = 42)]</c>.</summary>
/// <param name="manifest">The manifest file, relative to the test output directory (copy it there) or the current directory.</param>
public sealed class SeededWithAttribute(string manifest) : DataGenAttribute
{
    /// <summary>The manifest file.</summary>
    public string Manifest { get; } = manifest;

    /// <summary>Multiplies every root count (0: the manifest's scale).</summary>
    public double Scale { get; set; }

    /// <summary>Variables as <c>name=value</c>.</summary>
    public string[] Variables { get; set; } = [];

    /// <summary>
    /// The application's schema, made in the class's empty database before the data loads: an EF Core <c>DbContext</c>
    /// type (its migrations, or <c>EnsureCreated</c> without any; needs the DataGen.EntityFrameworkCore package), or a type
    /// implementing <see cref="DataGen.Schemas.IApplicationSchema"/> with a parameterless constructor (SQL scripts, a
    /// derived <c>DbContextSchema&lt;T&gt;</c>). Every table of it becomes a model: the manifest says only what it wants
    /// to control (counts, some fields), the rest is inferred. Null (default): the manifest's own tables.
    /// </summary>
    public Type? Schema { get; set; }
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
}

/// <summary>
/// Runs a simulation: <c>[Simulate(typeof(BankingModel), Subjects = 1_000, Ticks = 1_440, TickLength = "00:01:00")]</c>
/// (a C# model), or <c>[Simulate("banking.yaml")]</c> (a manifest's <c>simulation:</c> section, its models loaded first).
/// Event messages are keyed by subject and stamped with the simulated time unless <see cref="Key"/> or
/// <see cref="Timestamp"/> say otherwise.
/// </summary>
public sealed class SimulateAttribute : DataGenAttribute
{
    /// <summary>Runs a C# simulation model.</summary>
    /// <param name="model">An <see cref="ISimulationModel"/> type with a parameterless constructor.</param>
    public SimulateAttribute(Type model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
    }

    /// <summary>Runs the <c>simulation:</c> section of a manifest (its models are loaded too).</summary>
    /// <param name="manifest">The manifest file, relative to the test output directory (copy it there) or the current directory.</param>
    public SimulateAttribute(string manifest)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(manifest);
        Manifest = manifest;
    }

    /// <summary>The simulation model, or null when the attribute names a <see cref="Manifest"/>.</summary>
    public Type? Model { get; }

    /// <summary>The manifest whose <c>simulation:</c> runs, or null when the attribute names a <see cref="Model"/>.</summary>
    public string? Manifest { get; }

    /// <summary>How many subjects (0: the model's).</summary>
    public long Subjects { get; set; }

    /// <summary>How many ticks (0: the model's).</summary>
    public long Ticks { get; set; }

    /// <summary>The tick length: 00:01:00, 1m, 30s… (default: the model's).</summary>
    public string? TickLength { get; set; }

    /// <summary>The table, collection or topic of the first event stream (default: the stream's name).</summary>
    public string? Target { get; set; }

    /// <summary>
    /// The event field that keys each message (<c>subject</c>, <c>trigger</c> or an emitted value; default <c>subject</c>,
    /// so one subject's events stay in one partition, in order); <c>none</c>: no key. A datastore's <c>keyField</c> wins.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>The event field used as the message timestamp (default <c>at</c>, the simulated time); <c>none</c>: the producer's clock.</summary>
    public string? Timestamp { get; set; }
}
