namespace DataGen.Elasticsearch;

/// <summary>How an <see cref="ElasticsearchOutput"/> sends documents and makes indexes (a class, not a record: its text never shows the API key).</summary>
public sealed class ElasticsearchOutputOptions
{
    /// <summary>The most bytes of one <c>_bulk</c> request body (default 5 MiB; a single larger document goes alone).</summary>
    public long BatchBytes { get; init; } = 5 * 1024 * 1024;

    /// <summary>
    /// Create-index bodies by index name (what <c>PUT /&lt;index&gt;</c> takes: <c>mappings</c>, <c>settings</c>), used
    /// instead of the mapping derived from the model when the output creates that index. Null: every index derived.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Indexes { get; init; }

    /// <summary>An API key (the encoded form Elasticsearch prints), sent as <c>Authorization: ApiKey …</c>; null: none, or the user and password in the connection URL.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The SHA-256 fingerprint of the server's CA certificate, for an HTTPS server with a self-signed certificate (Elasticsearch's default security); null: the system's trust.</summary>
    public string? CertificateFingerprint { get; init; }

    /// <summary>How often a bulk request or its items that the server rejected as overloaded (HTTP 429) are sent again, with growing pauses (default 5).</summary>
    public int Retries { get; init; } = 5;
}
