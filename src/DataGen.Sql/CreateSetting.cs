using DataGen.Outputs;

namespace DataGen.Sql;

/// <summary>A SQL datastore's <c>create:</c> setting: <c>create: database</c> makes a missing database before the load.</summary>
public static class CreateSetting
{
    /// <summary>The problem with the datastore's <c>create:</c> value, if any.</summary>
    /// <param name="store">The datastore.</param>
    public static IEnumerable<string> Check(Datastore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Get("create") is { } value && value != "database"
            ? [$"datastore '{store.Name}' ({store.Kind}): create: '{value}' is not something the run can create; the one choice is 'database' (the database the connection names, made before the load when it does not exist)"]
            : [];
    }

    /// <summary>The options with <see cref="StoreLoadOptions.CreateDatabase"/> set where the datastore says <c>create: database</c>.</summary>
    /// <param name="store">The datastore.</param>
    /// <param name="options">The run's options.</param>
    public static StoreLoadOptions Apply(Datastore store, StoreLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        return store.Get("create") == "database" ? options with { CreateDatabase = true } : options;
    }
}
