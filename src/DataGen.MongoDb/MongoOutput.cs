using DataGen.Outputs;
using MongoDB.Bson;
using MongoDB.Driver;

namespace DataGen.MongoDb;

/// <summary>
/// Inserts models into MongoDB collections (default: the model name) with unordered bulk inserts. A collection
/// that already holds documents is a conflict unless dropping is allowed. A model that fails part-way has its
/// documents deleted again (the collection was empty), so nothing half-loaded is left behind. Connection strings never appear in errors.
/// </summary>
public sealed class MongoOutput : IDataOutput
{
    private readonly IMongoDatabase _database;
    private readonly StoreLoadOptions _options;
    private readonly string _storeName;
    private readonly int _batchSize;

    private MongoOutput(IMongoDatabase database, StoreLoadOptions options, string storeName, int batchSize)
    {
        _database = database;
        _options = options;
        _storeName = storeName;
        _batchSize = batchSize;
    }

    /// <summary>Creates an output for a connection string; the database comes from the URL (default <c>datagen</c>).</summary>
    public static MongoOutput Create(string connectionString, StoreLoadOptions? options = null, string storeName = "mongodb", int batchSize = 1000)
    {
        MongoUrl url;
        try
        {
            url = new MongoUrl(connectionString);
        }
        catch (MongoConfigurationException e)
        {
            throw new ArgumentException($"mongodb '{storeName}': the connection string is invalid ({e.GetType().Name})", nameof(connectionString));
        }

        var settings = MongoClientSettings.FromUrl(url);
        if (!connectionString.Contains("timeout", StringComparison.OrdinalIgnoreCase))
        {
            settings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
            settings.ConnectTimeout = TimeSpan.FromSeconds(5);
        }

        var client = new MongoClient(settings);
        return Create(client.GetDatabase(url.DatabaseName ?? "datagen"), options, storeName, batchSize);
    }

    /// <summary>Creates an output for a database handle (tests use one with no server behind it).</summary>
    internal static MongoOutput Create(IMongoDatabase database, StoreLoadOptions? options = null, string storeName = "mongodb", int batchSize = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return new MongoOutput(database, options ?? new StoreLoadOptions(), storeName, batchSize);
    }

    /// <summary>Refuses a sharded run before anything is written (see <see cref="StoreLoadOptions.Shard"/>).</summary>
    public ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default)
    {
        RefuseShards(models?.FirstOrDefault()?.Name);
        return ValueTask.CompletedTask;
    }

    private void RefuseShards(string? model)
    {
        if (_options.Shard is { } shard)
        {
            throw new GenerationException($"mongodb '{_storeName}': a sharded run (slice {shard.Index}/{shard.Count}) cannot load into MongoDB yet: each worker checks and replaces the same collections; shard into files (--format) or Kafka, or load with one run; nothing was written", model);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        RefuseShards(model.Name);

        var collection = _database.GetCollection<BsonDocument>(model.Target);
        long existing;
        try
        {
            existing = await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new GenerationException($"mongodb '{_storeName}': cannot reach the server: {FirstLine(e.Message)}", model.Name, null, null, e);
        }

        if (existing > 0)
        {
            if (!_options.DropConflicting)
            {
                throw new StoreConflictException($"mongodb '{_storeName}'", model.Target, existing);
            }

            await _database.DropCollectionAsync(model.Target, cancellationToken).ConfigureAwait(false);
            _options.Warning?.Invoke($"mongodb '{_storeName}': dropped collection '{model.Target}' ({existing} documents) to load model '{model.Name}'");
        }

        return new Writer(this, collection, model);
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string FirstLine(string message) => message.Split('\n')[0];

    private sealed class Writer(MongoOutput owner, IMongoCollection<BsonDocument> collection, ModelDescriptor model) : IModelWriter
    {
        // Documents wait here until a full insert's worth (the output's batch size, whatever the generator's batches).
        private readonly List<BsonDocument> _pending = [];
        private long _pendingFirstRow;
        private long _inserted;
        private bool _written;
        private bool _completed;

        public async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
        {
            for (var i = 0; i < batch.Rows.Count; i++)
            {
                if (_pending.Count == 0)
                {
                    _pendingFirstRow = batch.FirstRow + i;
                }

                _pending.Add(MongoDocuments.ToDocument(model, batch.Rows[i]));
                if (_pending.Count == owner._batchSize)
                {
                    await FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            // From the first attempt on, a failure must empty the collection again: an unordered insert that fails
            // may still have stored part of its documents.
            _written = true;
            try
            {
                await collection.InsertManyAsync(_pending, new InsertManyOptions { IsOrdered = false }, cancellationToken).ConfigureAwait(false);
            }
            catch (MongoBulkWriteException e)
            {
                throw new GenerationException($"mongodb '{owner._storeName}': {e.WriteErrors.Count} of {_pending.Count} inserts into '{model.Target}' failed: {e.WriteErrors.FirstOrDefault()?.Message}", model.Name, null, _pendingFirstRow, e);
            }

            _inserted += _pending.Count;
            _pending.Clear();
        }

        public async ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            var stored = await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (stored != _inserted)
            {
                throw new GenerationException($"mongodb '{owner._storeName}': collection '{model.Target}' holds {stored} documents after inserting {_inserted}", model.Name);
            }

            if (model.Indexes.Count > 0)
            {
                await collection.Indexes.CreateManyAsync(
                    model.Indexes.Select(fields => new CreateIndexModel<BsonDocument>(new BsonDocumentIndexKeysDefinition<BsonDocument>(new BsonDocument(fields.Select(f => new BsonElement(f, 1)))))),
                    cancellationToken).ConfigureAwait(false);
            }

            _completed = true;
            return stored;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_completed && _written)
            {
                // No transactions on a standalone server: the collection was empty before, so empty it again (indexes stay).
                await collection.DeleteManyAsync(FilterDefinition<BsonDocument>.Empty).ConfigureAwait(false);
            }
        }
    }
}
