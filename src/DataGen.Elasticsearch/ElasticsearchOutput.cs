using DataGen.Outputs;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;

namespace DataGen.Elasticsearch;

/// <summary>
/// Loads each model into an Elasticsearch index (default: the model name) with <c>_bulk</c> requests sized by bytes, then
/// refreshes the index and checks its count. A missing index is created with the mapping derived from the model (or the one
/// given); an index holding documents is refused before anything is written, unless the model's <c>mode:</c> says
/// <c>append</c>, <c>truncate</c> or <c>replace</c>, or dropping is allowed. A run that fails, or is disposed without
/// completing, takes back what it wrote: indexes it created are deleted, documents it added are deleted. Connection
/// strings never appear in errors.
/// </summary>
public sealed partial class ElasticsearchOutput : IDataOutput
{
    private readonly ElasticsearchConnection _connection;
    private readonly StoreLoadOptions _options;
    private readonly ElasticsearchOutputOptions _settings;
    private readonly List<Func<Task>> _undo = [];
    private bool _completed;

    private ElasticsearchOutput(ElasticsearchConnection connection, StoreLoadOptions options, ElasticsearchOutputOptions settings)
    {
        _connection = connection;
        _options = options;
        _settings = settings;
    }

    /// <summary>Creates an output for a server.</summary>
    /// <param name="connection">The node URL (<c>http://localhost:9200</c>; several separated by commas); a user and password in it authenticate.</param>
    /// <param name="options">How existing indexes are treated.</param>
    /// <param name="storeName">The datastore's name, for messages.</param>
    /// <param name="settings">Batch size, given mappings, API key, certificate fingerprint.</param>
    public static ElasticsearchOutput Create(string connection, StoreLoadOptions? options = null, string storeName = "elasticsearch", ElasticsearchOutputOptions? settings = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connection);
        settings ??= new ElasticsearchOutputOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.BatchBytes, 1);
        return new ElasticsearchOutput(new ElasticsearchConnection(new ElasticsearchClient(ClientSettings(connection, storeName, settings)), storeName), options ?? new StoreLoadOptions(), settings);
    }

    /// <summary>The client's settings: the nodes, credentials from the URL or the API key, the fingerprint; short timeouts for a test-data load.</summary>
    internal static ElasticsearchClientSettings ClientSettings(string connection, string storeName, ElasticsearchOutputOptions settings)
    {
        var nodes = new List<Uri>();
        string? user = null, password = null;
        foreach (var part in connection.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new ArgumentException($"elasticsearch '{storeName}': 'connection' must be node URLs such as http://localhost:9200, separated by commas", nameof(connection));
            }

            if (uri.UserInfo.Length > 0)
            {
                var info = uri.UserInfo.Split(':', 2);
                (user, password) = (Uri.UnescapeDataString(info[0]), info.Length > 1 ? Uri.UnescapeDataString(info[1]) : string.Empty);
            }

            nodes.Add(new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri);
        }

        if (nodes.Count == 0)
        {
            throw new ArgumentException($"elasticsearch '{storeName}': 'connection' names no node", nameof(connection));
        }

        // One node: no pool to ping or sniff. Several: a static pool that pings a node before using it again.
        NodePool pool = nodes.Count == 1 ? new SingleNodePool(nodes[0]) : new StaticNodePool(nodes);
        var client = new ElasticsearchClientSettings(pool)
            .RequestTimeout(TimeSpan.FromMinutes(2))
            .MaximumRetries(1);
        if (settings.ApiKey is { } key)
        {
            client = client.Authentication(new ApiKey(key));
        }
        else if (user is not null)
        {
            client = client.Authentication(new BasicAuthentication(user, password!));
        }

        return settings.CertificateFingerprint is { } fingerprint ? client.CertificateFingerprint(fingerprint) : client;
    }

    /// <summary>Creates an output over a connection (tests).</summary>
    internal static ElasticsearchOutput Create(ElasticsearchConnection connection, StoreLoadOptions? options, ElasticsearchOutputOptions? settings) =>
        new(connection, options ?? new StoreLoadOptions(), settings ?? new ElasticsearchOutputOptions());

    /// <summary>
    /// Refuses a sharded run, index names Elasticsearch would refuse, and — all at once, before anything is written — every
    /// index that holds documents where the model's mode does not allow it, and every index that <c>append</c> or
    /// <c>truncate</c> needs but that does not exist.
    /// </summary>
    public async ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        foreach (var model in models)
        {
            Refuse(model);
        }

        var conflicts = new Dictionary<string, long>(StringComparer.Ordinal);
        var missing = new List<ModelDescriptor>();
        foreach (var model in models)
        {
            var count = await _connection.CountAsync(model.Target, model.Name, cancellationToken).ConfigureAwait(false);
            if (count is null && model.Mode is LoadMode.Append or LoadMode.Truncate)
            {
                missing.Add(model);
            }
            else if (count > 0 && model.Mode == LoadMode.Create && !_options.DropConflicting)
            {
                conflicts[model.Target] = count.Value;
            }
        }

        if (missing.Count > 0)
        {
            throw new GenerationException(
                $"{_connection.Store}: {string.Join(", ", missing.Select(m => $"index '{m.Target}' (mode: {m.Mode.ToString().ToLowerInvariant()})"))} does not exist; "
                + "append and truncate load into an existing index: leave mode: create (the default) to create it; nothing was written",
                missing[0].Name);
        }

        if (conflicts.Count > 0)
        {
            throw new StoreConflictException(_connection.Store, conflicts);
        }
    }

    private void Refuse(ModelDescriptor model)
    {
        if (_options.Shard is { } shard)
        {
            throw new GenerationException($"{_connection.Store}: a sharded run (slice {shard.Index}/{shard.Count}) cannot load into Elasticsearch: each worker checks and replaces the same indexes; shard into files (--format) or Kafka, or load with one run; nothing was written", model.Name);
        }

        if (IndexNames.Problem(model.Target) is { } problem)
        {
            throw new GenerationException($"{_connection.Store}: '{model.Target}' cannot be an index name: {problem}; set the model's table: to a valid name", model.Name);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        Refuse(model);
        var index = model.Target;
        var count = await _connection.CountAsync(index, model.Name, cancellationToken).ConfigureAwait(false);
        var created = false;
        switch (model.Mode)
        {
            case LoadMode.Append or LoadMode.Truncate when count is null:
                throw new GenerationException($"{_connection.Store}: index '{index}' does not exist; mode: {model.Mode.ToString().ToLowerInvariant()} loads into an existing index", model.Name);
            case LoadMode.Truncate when count > 0:
                await _connection.DeleteAllAsync(index, model.Name, cancellationToken).ConfigureAwait(false);
                _options.Warning?.Invoke($"{_connection.Store}: emptied index '{index}' ({count} documents) to load model '{model.Name}' (mode: truncate)");
                count = 0;
                break;
            case LoadMode.Create when count > 0 && !_options.DropConflicting:
                throw new StoreConflictException(_connection.Store, index, count.Value);
            case LoadMode.Replace or LoadMode.Create when count is not null && (model.Mode == LoadMode.Replace || count > 0):
                await _connection.DeleteIndexAsync(index, model.Name, cancellationToken).ConfigureAwait(false);
                _options.Warning?.Invoke($"{_connection.Store}: dropped index '{index}' ({count} documents) to load model '{model.Name}'");
                count = null;
                break;
        }

        if (count is null)
        {
            await _connection.CreateIndexAsync(index, ElasticsearchMapping.CreateBody(model, _settings.Indexes).ToJsonString(), model.Name, cancellationToken).ConfigureAwait(false);
            created = true;
        }

        return new Writer(this, model, count ?? 0, created);
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        _completed = true;
        return ValueTask.CompletedTask;
    }

    /// <summary>Takes back the models this run loaded when the run did not complete (a later model failed): last loaded first.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_completed)
        {
            return;
        }

        for (var i = _undo.Count - 1; i >= 0; i--)
        {
            await _undo[i]().ConfigureAwait(false);
        }

        _undo.Clear();
    }
}
