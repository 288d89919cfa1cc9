using Aspire.Hosting.ApplicationModel;
using DataGen.Outputs;

namespace DataGen.Aspire;

/// <summary>
/// A manifest loaded into the app model's resources by DataGen: made by <c>WithDataGen</c>, shown in the dashboard under
/// the resource it seeds, with the state of the load ("Seeding", then "Running" once the rows are in), its log (rows per
/// model and the seed) and the commands "Reset data" and "Reseed with…". Other resources can <c>WaitFor</c> it.
/// </summary>
public sealed class DataGenResource : Resource, IResourceWithWaitSupport, IResourceWithParent
{
    internal DataGenResource(string name, string manifest, IResource parent)
        : base(name)
    {
        Manifest = manifest;
        Parent = parent;
    }

    /// <summary>The manifest file (as given to <c>WithDataGen</c>; a relative path is resolved against the app host directory).</summary>
    public string Manifest { get; }

    /// <summary>The resource this manifest was first bound to (the one its models without <c>store:</c> go to).</summary>
    public IResource Parent { get; }

    /// <summary>What the last load wrote (its seed and rows per model), or null before the first load has finished.</summary>
    public DataGenLoad? LastLoad { get; internal set; }

    /// <summary>The seed asked for (<c>WithDataGen(seed:)</c>, a test's override), or null for the manifest's own.</summary>
    internal ulong? Seed { get; set; }

    /// <summary>The resources the manifest's datastores are bound to, the first taking models without <c>store:</c>.</summary>
    internal List<DataGenBinding> Bindings { get; } = [];

    /// <summary>The primary store's tables as the application made them, read once before the first load.</summary>
    internal DataGen.Schemas.DatabaseSchema? Schema { get; set; }

    /// <summary>Whether <see cref="Schema"/> was read (it stays null for a store without tables).</summary>
    internal bool SchemaRead { get; set; }

    /// <summary>One load, reset or reseed at a time.</summary>
    internal SemaphoreSlim Exclusive { get; } = new(1, 1);
}

/// <summary>What one load wrote.</summary>
public sealed class DataGenLoad
{
    internal DataGenLoad(ulong seed, IReadOnlyDictionary<string, long> counts, TimeSpan elapsed) => (Seed, Counts, Elapsed) = (seed, counts, elapsed);

    /// <summary>The seed the rows were generated with (pass it to <c>WithDataGen(seed:)</c> to get them again).</summary>
    public ulong Seed { get; }

    /// <summary>Rows, documents or messages written, by model.</summary>
    public IReadOnlyDictionary<string, long> Counts { get; }

    /// <summary>How long generating and loading took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Each bound store with its datastore (kind, connection from Aspire) and the models written to it.</summary>
    internal IReadOnlyList<DataGenStoreLoad> Stores { get; init; } = [];
}

/// <summary>A resource a manifest's datastore is bound to.</summary>
/// <param name="Resource">The Aspire resource whose connection string is used.</param>
/// <param name="Datastore">The manifest's datastore name it stands for.</param>
/// <param name="Kind">The store kind (postgres, mysql, sqlserver, mongodb, kafka), or null to take the manifest's.</param>
internal sealed record DataGenBinding(IResourceWithConnectionString Resource, string Datastore, string? Kind);

/// <summary>One bound store after a load: the datastore as DataGen used it and the models it received.</summary>
internal sealed record DataGenStoreLoad(string Resource, Datastore Store, IReadOnlyList<ModelDescriptor> Models);
