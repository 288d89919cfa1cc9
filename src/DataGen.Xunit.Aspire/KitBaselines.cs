using DataGen.Outputs;

namespace DataGen.Xunit.Aspire;

/// <summary>
/// Restores a store the app host loaded to its seeded baseline after each test, with the kit's own restore for that
/// store — the seam the fixture calls, so it can be pointed at the kit's per-store strategies when they land.
/// </summary>
internal interface IKitBaseline : IAsyncDisposable
{
    /// <summary>Remembers what the store holds now (the loaded models) as the baseline.</summary>
    Task CaptureAsync(CancellationToken cancellationToken);

    /// <summary>Puts the store back to the baseline (only what changed, where the kit can tell).</summary>
    Task RestoreAsync(CancellationToken cancellationToken);
}

/// <summary>The kit's baseline for each store kind it can restore in place, or null.</summary>
internal static class KitBaselines
{
    public static IKitBaseline? For(Datastore store, IReadOnlyList<ModelDescriptor> models) => store.Kind switch
    {
        "postgres" => new PostgresKitBaseline(store.Get("connection")!, models),
        _ => null,
    };
}

/// <summary>
/// Today's kit PostgreSQL restore (<see cref="PostgresFixture"/>'s <c>CaptureBaselineAsync</c> and
/// <c>RestoreBaselineAsync</c>: statement triggers note the written tables, an in-database copy restores them, sequences
/// included), run against the app host's database instead of a database of the fixture's own: no container or database is
/// started (<see cref="StartAsync"/>), the connection is the app's (<see cref="ConfigureConnection"/>), and the loaded
/// models are those the app host's load reported.
/// </summary>
internal sealed class PostgresKitBaseline : PostgresFixture, IKitBaseline
{
    private readonly string _connectionString;

    public PostgresKitBaseline(string connectionString, IReadOnlyList<ModelDescriptor> models)
    {
        _connectionString = connectionString;

        // The base keeps the loaded models in the list behind Loaded (filled by its own load, which the app host made here).
        ((List<ModelDescriptor>)Loaded).AddRange(models);
    }

    public Task CaptureAsync(CancellationToken cancellationToken) => CaptureBaselineAsync(cancellationToken);

    public Task RestoreAsync(CancellationToken cancellationToken) => RestoreBaselineAsync(cancellationToken);

    protected override string ConfigureConnection(string connectionString) => _connectionString;

    protected override Task<string?> StartAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    protected override bool SupportsTemplates => false;
}
