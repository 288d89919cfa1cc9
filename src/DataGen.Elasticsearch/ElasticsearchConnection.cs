using System.Text.Json;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using HttpMethod = Elastic.Transport.HttpMethod;

namespace DataGen.Elasticsearch;

/// <summary>
/// The few Elasticsearch endpoints a load uses, sent through the official client's transport (its node pool,
/// authentication, retries and TLS): counts, index creation and deletion, <c>_bulk</c>, refresh, mappings. Failures
/// become <see cref="GenerationException"/>s naming the store and what was asked; never the connection string.
/// </summary>
internal sealed class ElasticsearchConnection
{
    private const string NdJson = "application/vnd.elasticsearch+x-ndjson;compatible-with=9";
    private static readonly RequestConfiguration BulkRequest = new() { ContentType = NdJson, Accept = "application/vnd.elasticsearch+json;compatible-with=9" };
    private readonly ITransport _transport;

    public ElasticsearchConnection(ElasticsearchClient client, string storeName)
    {
        _transport = client.Transport;
        Store = $"elasticsearch '{storeName}'";
    }

    /// <summary>The store for messages: <c>elasticsearch 'name'</c>.</summary>
    public string Store { get; }

    /// <summary>The documents an index holds, or null when it does not exist.</summary>
    public async Task<long?> CountAsync(string index, string? model, CancellationToken cancellationToken)
    {
        using var json = await SendAsync(HttpMethod.GET, $"{Escape(index)}/_count", null, model, $"counting '{index}'", cancellationToken, allowMissing: true).ConfigureAwait(false);
        return json is null ? null : json.RootElement.GetProperty("count").GetInt64();
    }

    /// <summary>Creates an index with <paramref name="body"/> (its mappings and settings).</summary>
    public async Task CreateIndexAsync(string index, string body, string model, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.PUT, Escape(index), body, model, $"creating index '{index}'", cancellationToken).ConfigureAwait(false))?.Dispose();

    /// <summary>Deletes an index (nothing when it does not exist).</summary>
    public async Task DeleteIndexAsync(string index, string? model, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.DELETE, Escape(index), null, model, $"deleting index '{index}'", cancellationToken, allowMissing: true).ConfigureAwait(false))?.Dispose();

    /// <summary>Deletes every document of an index, keeping its mappings and settings, and waits until they are gone from searches.</summary>
    public async Task DeleteAllAsync(string index, string? model, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.POST, $"{Escape(index)}/_delete_by_query?refresh=true&conflicts=proceed", "{\"query\":{\"match_all\":{}}}", model, $"emptying '{index}'", cancellationToken).ConfigureAwait(false))?.Dispose();

    /// <summary>Makes what was indexed visible to searches and counts.</summary>
    public async Task RefreshAsync(string index, string model, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.POST, $"{Escape(index)}/_refresh", null, model, $"refreshing '{index}'", cancellationToken).ConfigureAwait(false))?.Dispose();

    /// <summary>Sends a <c>_bulk</c> body; the response (its <c>errors</c> and <c>items</c>) is the caller's to read and dispose.</summary>
    public async Task<JsonDocument> BulkAsync(ReadOnlyMemory<byte> body, string model, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.POST, "_bulk", body, model, "a bulk request", cancellationToken).ConfigureAwait(false))!;

    /// <summary>Deletes documents by id (what an append added), a thousand a request, then refreshes.</summary>
    public async Task DeleteDocumentsAsync(string index, IReadOnlyList<string> ids, string model, CancellationToken cancellationToken)
    {
        var prefix = $"{{\"delete\":{{\"_index\":{JsonSerializer.Serialize(index)},\"_id\":";
        foreach (var chunk in ids.Chunk(1000))
        {
            var body = string.Concat(chunk.Select(id => $"{prefix}{JsonSerializer.Serialize(id)}}}}}\n"));
            (await BulkAsync(System.Text.Encoding.UTF8.GetBytes(body), model, cancellationToken).ConfigureAwait(false)).Dispose();
        }

        await RefreshAsync(index, model, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The mappings of every index (<c>GET /_mapping</c>), or of the indexes matching <paramref name="pattern"/>.</summary>
    public async Task<JsonDocument> MappingsAsync(string? pattern, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.GET, pattern is null ? "_mapping" : $"{Escape(pattern)}/_mapping", null, null, "reading mappings", cancellationToken).ConfigureAwait(false))!;

    private static string Escape(string index) => Uri.EscapeDataString(index);

    private async Task<JsonDocument?> SendAsync(HttpMethod method, string path, object? body, string? model, string what, CancellationToken cancellationToken, bool allowMissing = false)
    {
        var data = body switch
        {
            null => null,
            string text => PostData.String(text),
            ReadOnlyMemory<byte> bytes => PostData.ReadOnlyMemory(bytes),
            _ => throw new ArgumentException("unsupported body", nameof(body)),
        };
        var endpoint = new EndpointPath(method, "/" + path);
        var response = await _transport.RequestAsync<BytesResponse>(endpoint, data, null, body is ReadOnlyMemory<byte> ? BulkRequest : null, cancellationToken).ConfigureAwait(false);
        var details = response.ApiCallDetails;
        if (details.HttpStatusCode is null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var cause = details.OriginalException?.GetBaseException().Message ?? "no response";
            throw new GenerationException($"{Store}: cannot reach the server ({what}): {FirstLine(cause)}", model, null, null, details.OriginalException);
        }

        if (details.HttpStatusCode == 404 && allowMissing)
        {
            return null;
        }

        if (!details.HasSuccessfulStatusCode)
        {
            var hint = details.HttpStatusCode switch
            {
                413 => "; the request was too large for the server: lower 'batchBytes' (or raise http.max_content_length)",
                401 or 403 => "; check the credentials in 'connection' or 'apiKey'",
                _ => string.Empty,
            };
            throw new GenerationException($"{Store}: {what} failed with HTTP {details.HttpStatusCode}: {ErrorReason(response.Body)}{hint}", model);
        }

        return JsonDocument.Parse(response.Body);
    }

    /// <summary>The <c>error.type</c> and <c>error.reason</c> of an error response, or its first line.</summary>
    internal static string ErrorReason(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return Describe(json.RootElement.TryGetProperty("error", out var error) ? error : json.RootElement);
        }
        catch (JsonException)
        {
            return FirstLine(System.Text.Encoding.UTF8.GetString(body));
        }
    }

    /// <summary>An Elasticsearch error object as <c>type: reason</c> (its root cause's, when it has one).</summary>
    internal static string Describe(JsonElement error)
    {
        if (error.ValueKind == JsonValueKind.String)
        {
            return error.GetString()!;
        }

        if (error.ValueKind != JsonValueKind.Object)
        {
            return error.ToString();
        }

        var type = error.TryGetProperty("type", out var t) ? t.GetString() : null;
        var reason = error.TryGetProperty("reason", out var r) ? r.GetString() : null;
        var caused = error.TryGetProperty("caused_by", out var c) && c.ValueKind == JsonValueKind.Object ? $" (caused by {Describe(c)})" : string.Empty;
        return $"{type}: {reason}{caused}";
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n')[0].Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }
}
