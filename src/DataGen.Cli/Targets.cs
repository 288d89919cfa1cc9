using DataGen.Elasticsearch;
using DataGen.Kafka;
using DataGen.Kafka.Avro;
using DataGen.MongoDb;
using DataGen.MySql;
using DataGen.Outputs;
using DataGen.PostgreSql;
using DataGen.Sqlite;
using DataGen.SqlServer;
using DataGen.Stores;

namespace DataGen.Cli;

/// <summary>Chooses where <c>datagen generate</c> writes: files, the default SQLite database, or the manifest's datastores.</summary>
internal static class Targets
{
    /// <summary>The store kinds the tool ships with, registered explicitly (no assembly scanning).</summary>
    public static StoreCatalog Stores { get; } = new(
    [
        FileStoreProvider.Instance,
        SqliteStoreProvider.Instance,
        PostgresStoreProvider.Instance,
        SqlServerStoreProvider.Instance,
        MySqlStoreProvider.Instance,
        MongoStoreProvider.Instance,
        ElasticsearchStoreProvider.Instance,
        KafkaStoreProvider.Instance.WithAvro(),
    ]);

    /// <summary>
    /// With <c>--format</c>: files in <c>--out</c> (default <c>./out/&lt;name&gt;/</c>). Otherwise every model goes to its
    /// datastore, and models without one to the embedded default, <c>./out/&lt;name&gt;.db</c> (SQLite, replaced whole on success).
    /// </summary>
    public static (IDataOutput Output, string Description) Create(Manifest manifest, string manifestName, string? outDirectory, FileFormat? format, StoreLoadOptions options, GenerationShard? shard = null)
    {
        if (format is { } f)
        {
            var directory = outDirectory ?? Path.Combine("out", manifestName);
            var files = new FileOutput(directory, f) { Shard = shard };
            return (files, files.Directory);
        }

        var defaultPath = Path.GetFullPath(Path.Combine(outDirectory ?? "out", manifestName + ".db"));
        // Created lazily: it is only opened (and only then written) if some model has no store.
        IDataOutput fallback = shard is null ? SqliteOutput.ToNewFile(defaultPath) : new NoSharedDefault(defaultPath);
        var description = manifest.Datastores.Count == 0
            ? defaultPath
            : string.Join(", ", manifest.Datastores.Select(d => d.ToString()).Append($"default {defaultPath}"));
        return (Stores.CreateOutput(manifest, options, fallback), description);
    }

    /// <summary>Where models without a datastore would go in a sharded run: refused, as workers cannot share a local file.</summary>
    private sealed class NoSharedDefault(string path) : IDataOutput
    {
        public ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default) =>
            throw new GenerationException($"--shard: models without a datastore ({string.Join(", ", models.Select(m => m.Name))}) go to the local SQLite file {path}, which workers cannot share: shard into files (--format ndjson, csv or json) or into datastores that take shards (kafka); nothing was written");

        public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default) =>
            throw new GenerationException($"--shard: models without a datastore go to the local SQLite file {path}, which workers cannot share", model.Name);

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
