using DataGen.MongoDb;
using DataGen.Outputs;
using MongoDB.Driver;
using Testcontainers.MongoDb;

namespace DataGen.Xunit;

/// <summary>
/// A MongoDB database per test class: one container per test assembly (or the server in
/// <c>DATAGEN_MONGO_CONNECTION</c>). After each test, <c>dbHash</c> tells which collections changed; only those are
/// dropped and written again from the documents kept at load (<see cref="MongoStrategy"/>). A subclass changes the
/// container in <c>ConfigureContainer</c> and this class's connection string (the database is named in it) in
/// <c>ConfigureConnection</c>.
/// </summary>
public class MongoFixture : DataGenServerFixture<MongoDbBuilder, MongoDbContainer>
{
    /// <summary>The image started unless <c>DATAGEN_MONGO_IMAGE</c> names another.</summary>
    public const string DefaultImage = "mongo:7.0";

    private static readonly StoreServer Server = new("MongoDB", "DATAGEN_MONGO_CONNECTION", "DATAGEN_MONGO_IMAGE", DefaultImage);
    private IMongoDatabase? _database;
    private MongoClient? _admin;

    /// <summary>A fixture for one test class (xunit makes it).</summary>
    public MongoFixture()
        : base(Server)
    {
    }

    /// <summary>This class's database.</summary>
    public IMongoDatabase Database => _database ??= Open(ConnectionString);

    /// <inheritdoc />
    public override string Store => "mongodb";

    /// <summary>This class's connection string (the database named in it), for the application under test.</summary>
    public override string? AppConnectionString => ConnectionString;

    /// <summary>None: an application schema (<c>Schema =</c>) is made in a SQL database, and MongoDB has no tables.</summary>
    protected override string? ApplicationConnectionString => null;

    /// <inheritdoc />
    protected override bool KeepsRows => true;

    /// <summary>MongoDB keeps no templates across runs.</summary>
    protected override bool KeepsTemplates => false;

    /// <inheritdoc />
    protected override MongoDbBuilder CreateBuilder(string image) => new(image);

    /// <inheritdoc />
    protected override string ContainerConnectionString(MongoDbContainer container) => container.GetConnectionString();

    /// <inheritdoc />
    protected override string Describe(string adminConnectionString) => $"MongoDB at {new MongoUrl(adminConnectionString).Server}";

    /// <inheritdoc />
    protected override string ConnectionStringFor(string name) => new MongoUrlBuilder(AdminConnectionString) { DatabaseName = name }.ToString();

    /// <summary>A MongoDB database comes into being with its first collection: nothing to create.</summary>
    protected override Task CreateDatabaseAsync(string name, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    protected override Task DropDatabaseAsync(string name, CancellationToken cancellationToken) => Admin.DropDatabaseAsync(name, cancellationToken);

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<string>> ListDatabasesAsync(CancellationToken cancellationToken) =>
        await (await Admin.ListDatabaseNamesAsync(cancellationToken).ConfigureAwait(false)).ToListAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override bool IsTransient(Exception exception) =>
        exception is MongoConnectionException or TimeoutException || exception is MongoException e && e.HasErrorLabel("RetryableWriteError");

    /// <inheritdoc />
    protected override IStoreStrategy CreateStrategy() => new MongoStrategy(Database, RewriteAsync);

    /// <summary>Writes the documents kept at load into the named collections again.</summary>
    private async Task RewriteAsync(IReadOnlyCollection<string> collections, CancellationToken cancellationToken)
    {
        foreach (var model in Loaded.Where(m => collections.Contains(m.Target)))
        {
            var output = CreateOutput();
            await using (output.ConfigureAwait(false))
            {
                await WriteRowsAsync(output, model, BaselineRows!.Rows[model.Name], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    protected override IDataOutput CreateOutput() => MongoOutput.Create(ConnectionString, new StoreLoadOptions { DropConflicting = true });

    /// <inheritdoc />
    protected override async Task ClearAsync(CancellationToken cancellationToken)
    {
        foreach (var name in await (await Database.ListCollectionNamesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).ToListAsync(cancellationToken).ConfigureAwait(false))
        {
            await Database.DropCollectionAsync(name, cancellationToken).ConfigureAwait(false);
        }
    }

    private IMongoClient Admin => _admin ??= new MongoClient(AdminConnectionString);

    private static IMongoDatabase Open(string connectionString)
    {
        var url = new MongoUrl(connectionString);
        return new MongoClient(url).GetDatabase(url.DatabaseName);
    }
}
