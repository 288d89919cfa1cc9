using System.Text.Json;
using DataGen.Elasticsearch;
using DataGen.Outputs;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using HttpMethod = Elastic.Transport.HttpMethod;

namespace DataGen.Xunit;

/// <summary>
/// Elasticsearch indexes per test class: one container of the official image per test assembly (single node, security
/// off), or the server in <c>DATAGEN_ELASTICSEARCH_CONNECTION</c>. Each class's indexes are named with its own
/// <see cref="IndexPrefix"/>. After each test, the indexing and deletion counters of the class's indexes tell which changed;
/// only those are deleted and written again from the rows kept at load, and indexes the test made are deleted. A subclass
/// changes the container in <see cref="ConfigureContainer"/> and the URL in <see cref="ConfigureConnection"/>.
/// </summary>
public class ElasticsearchFixture : DataGenFixture
{
    /// <summary>The image started unless <c>DATAGEN_ELASTICSEARCH_IMAGE</c> names another.</summary>
    public const string DefaultImage = "docker.elastic.co/elasticsearch/elasticsearch:9.2.4";

    private string _backend = "Elasticsearch";
    private Dictionary<string, string> _counters = [];

    /// <summary>The server's URL (a user and password in it, for an external server that needs them).</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>What this class's index names start with: a model's index is <c>IndexPrefix + target</c> (see <see cref="IndexOf"/>).</summary>
    public string IndexPrefix { get; private set; } = string.Empty;

    /// <summary>A client of the server, for the code under test and assertions.</summary>
    public ElasticsearchClient Client { get; private set; } = null!;

    /// <inheritdoc />
    public override string Store => "elasticsearch";

    /// <inheritdoc />
    public override string Backend => _backend;

    /// <inheritdoc />
    protected override bool KeepsRows => true;

    /// <summary>The index this class's data for <paramref name="target"/> (a model's target, by default its name) is in.</summary>
    public string IndexOf(string target) => IndexPrefix + target;

    /// <inheritdoc />
    protected override async Task<string?> StartAsync(CancellationToken cancellationToken)
    {
        var server = await DataGenContainers.SharedServerAsync(GetType(), () => StartServerAsync(cancellationToken)).ConfigureAwait(false);
        _backend = server.Backend;
        if (server.Unavailable is not null)
        {
            return server.Unavailable;
        }

        ConnectionString = ConfigureConnection(server.ConnectionString!);
        IndexPrefix = NewStoreName() + "_";
        Client = new ElasticsearchClient(ClientSettings(ConnectionString));
        return null;
    }

    /// <summary>Settings for the first node of <paramref name="connection"/>, its user and password (if any) as basic authentication.</summary>
    private static ElasticsearchClientSettings ClientSettings(string connection)
    {
        var uri = new Uri(connection.Split(',')[0].Trim());
        var settings = new ElasticsearchClientSettings(new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri);
        if (uri.UserInfo.Split(':', 2) is [var user, var password] && user.Length > 0)
        {
            settings = settings.Authentication(new BasicAuthentication(Uri.UnescapeDataString(user), Uri.UnescapeDataString(password)));
        }

        return settings;
    }

    /// <summary>Changes the container before it is built (environment, memory, wait strategy). Default: unchanged.</summary>
    /// <param name="builder">A builder for the image in <c>DATAGEN_ELASTICSEARCH_IMAGE</c> or <see cref="DefaultImage"/>: single node, security off, 512 MB heap.</param>
    protected virtual ContainerBuilder ConfigureContainer(ContainerBuilder builder) => builder;

    /// <summary>Changes the server's URL before the class uses it (credentials, several nodes). Default: unchanged.</summary>
    protected virtual string ConfigureConnection(string connectionString) => connectionString;

    /// <inheritdoc />
    protected override Task StopAsync() => Client is null ? Task.CompletedTask : ClearAsync(CancellationToken.None);

    /// <inheritdoc />
    protected override IDataOutput CreateOutput()
    {
        // The manifest's elasticsearch datastores keep their settings (mappings, batchBytes) on this fixture's server.
        var stores = new Dictionary<string, IDataOutput>(StringComparer.Ordinal);
        var options = new StoreLoadOptions { DropConflicting = true };
        var fallback = ElasticsearchOutput.Create(ConnectionString, options, "fixture");
        foreach (var store in Datastores)
        {
            stores[store.Name] = store.Kind == Store
                ? ElasticsearchStoreProvider.Instance.CreateOutput(new Datastore(store.Name, store.Kind, store.Settings.Where(s => s.Key != "connection").Append(new("connection", ConnectionString)).ToDictionary()), options)
                : fallback;
        }

        return new RetargetingOutput(new RoutingOutput(stores, fallback), m => IndexOf(m.Target));
    }

    /// <inheritdoc />
    protected override async Task CaptureBaselineAsync(CancellationToken cancellationToken) => _counters = await CountersAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async Task RestoreBaselineAsync(CancellationToken cancellationToken)
    {
        var now = await CountersAsync(cancellationToken).ConfigureAwait(false);
        foreach (var model in Loaded.Where(m => !(now.TryGetValue(IndexOf(m.Target), out var n) && _counters.TryGetValue(IndexOf(m.Target), out var b) && n == b)))
        {
            await SendAsync(HttpMethod.DELETE, IndexOf(model.Target), cancellationToken, allowMissing: true).ConfigureAwait(false);
            var output = CreateOutput();
            await using (output.ConfigureAwait(false))
            {
                await WriteRowsAsync(output, model with { Mode = LoadMode.Create }, BaselineRows!.Rows[model.Name], cancellationToken).ConfigureAwait(false);
                await output.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var extra in now.Keys.Except(_counters.Keys))
        {
            await SendAsync(HttpMethod.DELETE, extra, cancellationToken, allowMissing: true).ConfigureAwait(false);
        }

        await CaptureBaselineAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ClearAsync(CancellationToken cancellationToken)
    {
        // By name: deleting by wildcard is off by default (action.destructive_requires_name).
        foreach (var index in (await CountersAsync(cancellationToken).ConfigureAwait(false)).Keys)
        {
            await SendAsync(HttpMethod.DELETE, index, cancellationToken, allowMissing: true).ConfigureAwait(false);
        }
    }

    /// <summary>Each of this class's indexes with its primaries' indexing and deletion totals: any write changes them.</summary>
    private async Task<Dictionary<string, string>> CountersAsync(CancellationToken cancellationToken)
    {
        using var stats = await SendAsync(HttpMethod.GET, $"{IndexPrefix}*/_stats/indexing?expand_wildcards=all", cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (stats is not null && stats.RootElement.TryGetProperty("indices", out var indices))
        {
            foreach (var index in indices.EnumerateObject())
            {
                var indexing = index.Value.GetProperty("primaries").GetProperty("indexing");
                result[index.Name] = $"{indexing.GetProperty("index_total").GetInt64()}/{indexing.GetProperty("delete_total").GetInt64()}";
            }
        }

        return result;
    }

    private async Task<JsonDocument?> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken, bool allowMissing = false)
    {
        var response = await Client.Transport.RequestAsync<BytesResponse>(method, "/" + path, cancellationToken).ConfigureAwait(false);
        var status = response.ApiCallDetails.HttpStatusCode;
        if (status == 404 && allowMissing)
        {
            return null;
        }

        return response.ApiCallDetails.HasSuccessfulStatusCode
            ? JsonDocument.Parse(response.Body)
            : throw new InvalidOperationException($"{Backend}: {method} /{path} failed: {(status is null ? response.ApiCallDetails.OriginalException?.Message : $"HTTP {status}")}");
    }

    /// <summary>The server for every fixture of this type: started once, on first use.</summary>
    private Task<SharedServer> StartServerAsync(CancellationToken cancellationToken) =>
        DataGenContainers.StartServerAsync(
            "Elasticsearch",
            "DATAGEN_ELASTICSEARCH_CONNECTION",
            external => $"Elasticsearch at {string.Join(",", external.Split(',').Select(u => Uri.TryCreate(u.Trim(), UriKind.Absolute, out var uri) ? uri.Authority : "?"))}",
            "DATAGEN_ELASTICSEARCH_IMAGE",
            DefaultImage,
            image => ConfigureContainer(new ContainerBuilder(image)
                .WithPortBinding(9200, assignRandomHostPort: true)
                .WithEnvironment("discovery.type", "single-node")
                .WithEnvironment("xpack.security.enabled", "false")
                .WithEnvironment("ES_JAVA_OPTS", "-Xms512m -Xmx512m")
                .WithEnvironment("ingest.geoip.downloader.enabled", "false")
                // A nearly full disk (a CI runner) would make indexes read-only.
                .WithEnvironment("cluster.routing.allocation.disk.threshold_enabled", "false")
                .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r
                    .ForPort(9200)
                    .ForPath("/_cluster/health")
                    .ForResponseMessageMatching(async m => (await m.Content.ReadAsStringAsync().ConfigureAwait(false)) is var body && (body.Contains("\"green\"", StringComparison.Ordinal) || body.Contains("\"yellow\"", StringComparison.Ordinal)))))
                .WithReuse(DataGenContainers.Reuse)).Build(),
            container => $"http://{container.Hostname}:{container.GetMappedPublicPort(9200)}",
            cancellationToken);
}
