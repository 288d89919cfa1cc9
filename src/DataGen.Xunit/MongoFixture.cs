using DataGen.MongoDb;
using DataGen.Outputs;
using MongoDB.Bson;
using MongoDB.Driver;
using Testcontainers.MongoDb;

namespace DataGen.Xunit;

/// <summary>
/// A MongoDB database per test class: one container per test assembly (or the server in
/// <c>DATAGEN_MONGO_CONNECTION</c>). After each test, <c>dbHash</c> tells which collections changed; only those are
/// dropped and written again from the rows kept at load.
/// </summary>
public class MongoFixture : DataGenFixture
{
    private static readonly Lazy<Task<(string? Connection, string Backend, string? Unavailable)>> Shared = new(StartServerAsync);
    private static int _serial;
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
        var (connection, backend, unavailable) = await Shared.Value.ConfigureAwait(false);
        _backend = backend;
        if (unavailable is not null)
        {
            return unavailable;
        }

        var url = new MongoUrlBuilder(connection) { DatabaseName = DataGenContainers.NameFor(TestClass, Interlocked.Increment(ref _serial)) };
        ConnectionString = url.ToString();
        Database = new MongoClient(url.ToMongoUrl()).GetDatabase(url.DatabaseName);
        return null;
    }

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

    /// <summary>The server for the whole test assembly: started once, on first use.</summary>
    private static async Task<(string? Connection, string Backend, string? Unavailable)> StartServerAsync()
    {
        if (DataGenContainers.Env("DATAGEN_MONGO_CONNECTION") is { } external)
        {
            return (external, "MongoDB (DATAGEN_MONGO_CONNECTION)", null);
        }

        var image = DataGenContainers.Image(DataGenContainers.MongoImage);
        var backend = $"MongoDB container {image}";
        if (DataGenContainers.WhyUnavailable(image) is { } why)
        {
            return (null, backend, why);
        }

        var (container, unavailable) = await DataGenContainers.StartAsync(() => new MongoDbBuilder(image).WithReuse(DataGenContainers.Reuse).Build(), backend).ConfigureAwait(false);
        return (container?.GetConnectionString(), backend, unavailable);
    }
}
