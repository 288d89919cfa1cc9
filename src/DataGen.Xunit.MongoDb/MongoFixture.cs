using DataGen.MongoDb;
using DataGen.Outputs;
using MongoDB.Bson;
using MongoDB.Driver;
using Testcontainers.MongoDb;

namespace DataGen.Xunit;

/// <summary>
/// A MongoDB database per test class: one container per test assembly (or the server in
/// <c>DATAGEN_MONGO_CONNECTION</c>). After each test, <c>dbHash</c> tells which collections changed; only those are
/// dropped and written again from the rows kept at load. A subclass changes the container in
/// <see cref="ConfigureContainer"/> and the client settings' connection string in <see cref="ConfigureConnection"/>.
/// </summary>
public class MongoFixture : DataGenFixture
{
    /// <summary>The image started unless <c>DATAGEN_MONGO_IMAGE</c> names another.</summary>
    public const string DefaultImage = "mongo:7.0";

    private string _backend = "MongoDB";
    private Dictionary<string, string> _hashes = [];

    /// <summary>The connection string of this class's database (the database is in the URL).</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>This class's database.</summary>
    public IMongoDatabase Database { get; private set; } = null!;

    /// <inheritdoc />
    public override string Store => "mongodb";

    /// <inheritdoc />
    public override string Backend => _backend;

    /// <inheritdoc />
    protected override bool KeepsRows => true;

    /// <inheritdoc />
    protected override async Task<string?> StartAsync(CancellationToken cancellationToken)
    {
        var server = await DataGenContainers.SharedServerAsync(GetType(), () => StartServerAsync(cancellationToken)).ConfigureAwait(false);
        _backend = server.Backend;
        if (server.Unavailable is not null)
        {
            return server.Unavailable;
        }

        var url = new MongoUrlBuilder(ConfigureConnection(server.ConnectionString!)) { DatabaseName = NewStoreName() };
        ConnectionString = url.ToString();
        Database = new MongoClient(url.ToMongoUrl()).GetDatabase(url.DatabaseName);
        return null;
    }

    /// <summary>Changes the container before it is built (image, environment, wait strategy). Default: unchanged.</summary>
    /// <param name="builder">A builder for the image in <c>DATAGEN_MONGO_IMAGE</c> or <see cref="DefaultImage"/>, with reuse as <c>DATAGEN_REUSE</c> says.</param>
    protected virtual MongoDbBuilder ConfigureContainer(MongoDbBuilder builder) => builder;

    /// <summary>Changes the server's connection string before this class's database is named in it (options such as timeouts). Default: unchanged.</summary>
    protected virtual string ConfigureConnection(string connectionString) => connectionString;

    /// <inheritdoc />
    protected override async Task StopAsync()
    {
        if (Database is not null)
        {
            await Database.Client.DropDatabaseAsync(Database.DatabaseNamespace.DatabaseName).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override IDataOutput CreateOutput() => MongoOutput.Create(ConnectionString, new StoreLoadOptions { DropConflicting = true });

    /// <inheritdoc />
    protected override async Task CaptureBaselineAsync(CancellationToken cancellationToken) => _hashes = await HashesAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async Task RestoreBaselineAsync(CancellationToken cancellationToken)
    {
        var now = await HashesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var model in Loaded.Where(m => !(now.TryGetValue(m.Target, out var h) && _hashes.TryGetValue(m.Target, out var b) && h == b)))
        {
            await Database.DropCollectionAsync(model.Target, cancellationToken).ConfigureAwait(false);
            var output = CreateOutput();
            await using (output.ConfigureAwait(false))
            {
                await WriteRowsAsync(output, model, BaselineRows!.Rows[model.Name], cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var extra in now.Keys.Except(_hashes.Keys))
        {
            await Database.DropCollectionAsync(extra, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async Task ClearAsync(CancellationToken cancellationToken)
    {
        foreach (var name in await (await Database.ListCollectionNamesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).ToListAsync(cancellationToken).ConfigureAwait(false))
        {
            await Database.DropCollectionAsync(name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override bool SupportsTemplates => true;

    /// <summary>
    /// A class's loaded database becomes a template as a copy on the server (<see cref="CopyDatabaseAsync"/>), dropped
    /// when the test process exits. A server that can't copy (a capped collection, no permission) leaves classes to load.
    /// </summary>
    protected override async Task<bool> SaveTemplateAsync(string name, string info, CancellationToken cancellationToken)
    {
        var template = Database.Client.GetDatabase(name);
        try
        {
            await CopyDatabaseAsync(Database, template, cancellationToken).ConfigureAwait(false);
        }
        catch (MongoException)
        {
            await Database.Client.DropDatabaseAsync(name, CancellationToken.None).ConfigureAwait(false);
            return false;
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                template.Client.DropDatabase(name, timeout.Token);
            }
            catch (Exception e) when (e is MongoException or TimeoutException or OperationCanceledException)
            {
                // The server is gone (a container stopped first): nothing left to drop.
            }
        };
        return true;
    }

    /// <summary>Copies the template into this class's (empty) database on the server, then captures the baseline from the copy.</summary>
    protected override async Task<bool> CloneTemplateAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await CopyDatabaseAsync(Database.Client.GetDatabase(name), Database, cancellationToken).ConfigureAwait(false);
        }
        catch (MongoException)
        {
            await ClearAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await CaptureBaselineAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Copies every collection of <paramref name="source"/> into <paramref name="target"/> without the documents leaving
    /// the server: the collection is created with the source's options and indexes, then <c>$out</c> fills it (replacing
    /// its documents and keeping its indexes).
    /// </summary>
    private static async Task CopyDatabaseAsync(IMongoDatabase source, IMongoDatabase target, CancellationToken cancellationToken)
    {
        var collections = await (await source.ListCollectionsAsync(new ListCollectionsOptions { Filter = new BsonDocument("type", "collection") }, cancellationToken).ConfigureAwait(false)).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var info in collections)
        {
            var name = info["name"].AsString;
            if (name.StartsWith("system.", StringComparison.Ordinal))
            {
                continue;
            }

            var create = new BsonDocument("create", name);
            if (info.TryGetValue("options", out var options))
            {
                create.AddRange(options.AsBsonDocument);
            }

            await target.RunCommandAsync<BsonDocument>(create, cancellationToken: cancellationToken).ConfigureAwait(false);
            var collection = source.GetCollection<BsonDocument>(name);
            var indexes = new BsonArray();
            foreach (var index in await (await collection.Indexes.ListAsync(cancellationToken).ConfigureAwait(false)).ToListAsync(cancellationToken).ConfigureAwait(false))
            {
                if (index["name"].AsString != "_id_")
                {
                    index.Remove("v");
                    index.Remove("ns");
                    indexes.Add(index);
                }
            }

            if (indexes.Count > 0)
            {
                await target.RunCommandAsync<BsonDocument>(new BsonDocument { { "createIndexes", name }, { "indexes", indexes } }, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            var copy = PipelineDefinition<BsonDocument, BsonDocument>.Create(new BsonDocument("$out", new BsonDocument { { "db", target.DatabaseNamespace.DatabaseName }, { "coll", name } }));
            await collection.AggregateToCollectionAsync(copy, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Dictionary<string, string>> HashesAsync(CancellationToken cancellationToken)
    {
        var result = await Database.RunCommandAsync<BsonDocument>(new BsonDocument("dbHash", 1), cancellationToken: cancellationToken).ConfigureAwait(false);
        return result["collections"].AsBsonDocument.ToDictionary(e => e.Name, e => e.Value.AsString, StringComparer.Ordinal);
    }

    /// <summary>The server for every fixture of this type: started once, on first use.</summary>
    private Task<SharedServer> StartServerAsync(CancellationToken cancellationToken) =>
        DataGenContainers.StartServerAsync(
            "MongoDB",
            "DATAGEN_MONGO_CONNECTION",
            external => $"MongoDB at {new MongoUrl(external).Server}",
            "DATAGEN_MONGO_IMAGE",
            DefaultImage,
            image => ConfigureContainer(new MongoDbBuilder(image).WithReuse(DataGenContainers.Reuse)).Build(),
            container => container.GetConnectionString(),
            cancellationToken);
}
