using DataGen.Outputs;

namespace DataGen.Xunit.Aspire;

/// <summary>
/// The kit's restore strategy (<see cref="IStoreStrategy"/>, the same one its store fixtures use) for each store kind it
/// can restore in place, pointed at the app host's database; null for the others (reloaded after each test instead).
/// </summary>
internal static class KitBaselines
{
    /// <summary>The strategy for <paramref name="store"/> and the tables it captures (the loaded models' targets), or null.</summary>
    public static (IStoreStrategy Strategy, IReadOnlyList<string> Targets)? For(Datastore store, IReadOnlyList<ModelDescriptor> models)
    {
        IStoreStrategy? strategy = store.Kind switch
        {
            // A server resource's connection names no database: nothing to restore in place, so it is reloaded instead.
            "postgres" when store.Get("connection") is { } cs && new Npgsql.NpgsqlConnectionStringBuilder(cs).Database is { Length: > 0 } => PostgresStrategy.For(cs),
            _ => null,
        };
        return strategy is null ? null : (strategy, models.Select(m => m.Target).Distinct(StringComparer.Ordinal).ToList());
    }
}
