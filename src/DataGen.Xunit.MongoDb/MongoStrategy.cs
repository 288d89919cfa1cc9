using MongoDB.Bson;
using MongoDB.Driver;

namespace DataGen.Xunit;

/// <summary>
/// MongoDB's <see cref="IStoreStrategy"/>: after each test, <c>dbHash</c> tells which collections changed; only those
/// are dropped and written again from the documents kept at load, and collections a test added are dropped. Templates
/// are server-side copies of a class's database (<c>$out</c>, indexes and options included).
/// </summary>
public sealed class MongoStrategy : IStoreStrategy
{
    private readonly IMongoDatabase _database;
    private readonly Func<IReadOnlyCollection<string>, CancellationToken, Task> _rewrite;
    private Dictionary<string, string> _hashes = [];

    /// <summary>A strategy for <paramref name="database"/>.</summary>
    /// <param name="database">The database.</param>
    /// <param name="rewrite">Writes the baseline's documents into the named (dropped) collections again.</param>
    public MongoStrategy(IMongoDatabase database, Func<IReadOnlyCollection<string>, CancellationToken, Task> rewrite)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(rewrite);
        (_database, _rewrite) = (database, rewrite);
    }

    /// <inheritdoc />
    public async Task CaptureBaselineAsync(IReadOnlyList<string> targets, CancellationToken cancellationToken) => _hashes = await HashesAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<bool> HasChangedAsync(CancellationToken cancellationToken)
    {
        var now = await HashesAsync(cancellationToken).ConfigureAwait(false);
        return Changed(now).Count > 0 || now.Keys.Except(_hashes.Keys).Any();
    }

    /// <inheritdoc />
    public async Task RestoreBaselineAsync(CancellationToken cancellationToken)
    {
        var now = await HashesAsync(cancellationToken).ConfigureAwait(false);
        var changed = Changed(now);
        foreach (var name in changed.Concat(now.Keys.Except(_hashes.Keys)))
        {
            await _database.DropCollectionAsync(name, cancellationToken).ConfigureAwait(false);
        }

        if (changed.Count > 0)
        {
            await _rewrite(changed, cancellationToken).ConfigureAwait(false);
        }
    }

    private List<string> Changed(Dictionary<string, string> now) =>
        _hashes.Where(b => !(now.TryGetValue(b.Key, out var h) && h == b.Value)).Select(b => b.Key).ToList();

    /// <inheritdoc />
    public Task<string?> FindTemplateAsync(string name, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>Copies this database to <paramref name="name"/> on the server, dropped when the run ends; false (with a printed reason) when the server can't copy.</summary>
    public async Task<bool> SaveTemplateAsync(string name, string info, CancellationToken cancellationToken)
    {
        var client = _database.Client;
        KitCleanup.AtEnd($"MongoDB database {name}", ct => client.DropDatabaseAsync(name, ct));
        try
        {
            await CopyDatabaseAsync(_database, client.GetDatabase(name), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (MongoException e)
        {
            KitLog.Fallback($"MongoDB template {name}", $"not saved ({KitLog.Why(e)})", "every later class with this data generates and loads it again");
            await client.DropDatabaseAsync(name, CancellationToken.None).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>Copies the template into this (empty) database on the server, then captures the baseline from the copy.</summary>
    public async Task<bool> CloneTemplateAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await CopyDatabaseAsync(_database.Client.GetDatabase(name), _database, cancellationToken).ConfigureAwait(false);
        }
        catch (MongoException e)
        {
            KitLog.Fallback($"MongoDB template {name}", $"could not be copied ({KitLog.Why(e)})", "this class generates and loads its data itself");
            await _database.Client.DropDatabaseAsync(_database.DatabaseNamespace.DatabaseName, cancellationToken).ConfigureAwait(false);
            return false;
        }

        await CaptureBaselineAsync([], cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Copies every collection of <paramref name="source"/> into <paramref name="target"/> without the documents leaving
    /// the server: the collection is created with the source's options and indexes, then <c>$out</c> fills it.
    /// </summary>
    private static async Task CopyDatabaseAsync(IMongoDatabase source, IMongoDatabase target, CancellationToken cancellationToken)
    {
        var collections = await (await source.ListCollectionsAsync(new ListCollectionsOptions { Filter = new BsonDocument("type", "collection") }, cancellationToken).ConfigureAwait(false)).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var info in collections.Where(i => !i["name"].AsString.StartsWith("system.", StringComparison.Ordinal)))
        {
            var name = info["name"].AsString;
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
        var result = await _database.RunCommandAsync<BsonDocument>(new BsonDocument("dbHash", 1), cancellationToken: cancellationToken).ConfigureAwait(false);
        return result["collections"].AsBsonDocument.ToDictionary(e => e.Name, e => e.Value.AsString, StringComparer.Ordinal);
    }
}
