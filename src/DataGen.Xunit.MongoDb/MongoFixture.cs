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
