using DataGen.Kafka;
using DataGen.MongoDb;
using DataGen.Outputs;
using DataGen.PostgreSql;
using DataGen.Sqlite;
using DataGen.SqlServer;

namespace DataGen.Cli;

/// <summary>Chooses where <c>datagen generate</c> writes: files, the default SQLite database, or the manifest's datastores.</summary>
internal static class Targets
{
    /// <summary>
    /// With <c>--format</c>: files in <c>--out</c> (default <c>./out/&lt;name&gt;/</c>). Otherwise every model goes to its
    /// datastore, and models without one to the embedded default, <c>./out/&lt;name&gt;.db</c> (SQLite, replaced whole on success).
    /// </summary>
    public static (IDataOutput Output, string Description) Create(Manifest manifest, string manifestName, string? outDirectory, FileFormat? format, StoreLoadOptions options)
    {
        if (format is { } f)
        {
            var directory = outDirectory ?? Path.Combine("out", manifestName);
            var files = new FileOutput(directory, f);
            return (files, files.Directory);
        }

        var stores = new Dictionary<string, IDataOutput>(StringComparer.Ordinal);
        foreach (var store in manifest.Datastores)
        {
            stores[store.Name] = ForStore(store, options);
        }

        var defaultPath = Path.GetFullPath(Path.Combine(outDirectory ?? "out", manifestName + ".db"));
        // Created lazily: it is only opened (and only then written) if some model has no store.
        var fallback = SqliteOutput.ToNewFile(defaultPath);
        var description = manifest.Datastores.Count == 0
            ? defaultPath
            : string.Join(", ", manifest.Datastores.Select(d => d.ToString()).Append($"default {defaultPath}"));
        return (new RoutingOutput(stores, fallback), description);
    }

    private static IDataOutput ForStore(Datastore store, StoreLoadOptions options) => store.Kind switch
    {
        "sqlite" => SqliteOutput.ToDatabase(
            store.Get("connection") ?? $"Data Source={store.Get("path") ?? throw Missing(store, "connection or path")}",
            options,
            store.Name),
        "kafka" => KafkaOutput.Create(
            store.Get("bootstrapServers") ?? throw Missing(store, "bootstrapServers"),
            KafkaOutputOptions.FromDatastore(store),
            options,
            store.Name),
        "sqlserver" => SqlServerOutput.Create(store.Get("connection") ?? throw Missing(store, "connection"), options, store.Name),
        "mongodb" => MongoOutput.Create(store.Get("connection") ?? throw Missing(store, "connection"), options, store.Name),
        "postgres" => PostgresOutput.Create(store.Get("connection") ?? throw Missing(store, "connection"), options, store.Name),
        "files" => new FileOutput(
            store.Get("path") ?? throw Missing(store, "path"),
            Enum.TryParse<FileFormat>(store.Get("format") ?? "ndjson", ignoreCase: true, out var format)
                ? format
                : throw new ArgumentException($"datastore '{store.Name}': format must be ndjson, csv or json")),
        _ => throw new ArgumentException($"datastore '{store.Name}' has unknown kind '{store.Kind}'"),
    };

    private static ArgumentException Missing(Datastore store, string setting) =>
        new($"datastore '{store.Name}' ({store.Kind}) needs '{setting}'");
}
