using System.Globalization;
using DataGen.Outputs;
using DataGen.Stores;

namespace DataGen.Elasticsearch;

/// <summary>
/// The <c>elasticsearch</c> store kind: <c>connection</c> (node URLs), and optionally <c>apiKey</c>,
/// <c>certificateFingerprint</c>, <c>batchBytes</c> (the size of one bulk request: <c>5mb</c>, <c>512kb</c>, bytes) and
/// <c>mappings</c> (a JSON file of index name to its create-index body, for indexes whose mapping is given).
/// </summary>
public sealed class ElasticsearchStoreProvider : StoreProvider
{
    private ElasticsearchStoreProvider()
    {
    }

    /// <summary>The provider.</summary>
    public static ElasticsearchStoreProvider Instance { get; } = new();

    /// <inheritdoc />
    public override string Kind => "elasticsearch";

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["connection"] = "Node URL(s), comma-separated (http://localhost:9200); a user and password in the URL authenticate.",
        ["apiKey"] = "An API key (encoded), sent instead of a user and password.",
        ["certificateFingerprint"] = "SHA-256 fingerprint of the server's CA certificate (HTTPS with a self-signed certificate).",
        ["batchBytes"] = "Most bytes of one bulk request: 5mb (default), 512kb or a number of bytes.",
        ["mappings"] = "A JSON file: index name to the body PUT /<index> takes (mappings, settings); other indexes get a mapping derived from the model.",
    };

    /// <inheritdoc />
    protected override IReadOnlyList<string> RequiredSettings { get; } = ["connection"];

    /// <inheritdoc />
    public override bool SupportsLoadModes => true;

    /// <inheritdoc />
    public override IEnumerable<string> Validate(Datastore store)
    {
        var problems = base.Validate(store).ToList();
        if (store.Get("batchBytes") is { } bytes && ParseBytes(bytes) is null)
        {
            problems.Add($"datastore '{store.Name}' (elasticsearch): batchBytes must be a positive size such as 5mb, 512kb or 1000000");
        }

        if (store.Get("mappings") is { } path)
        {
            try
            {
                ElasticsearchMapping.ReadFile(path);
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
            {
                problems.Add($"datastore '{store.Name}' (elasticsearch): mappings: {e.Message.Replace(" (Parameter 'path')", string.Empty, StringComparison.Ordinal)}");
            }
        }

        return problems;
    }

    /// <inheritdoc />
    public override IDataOutput CreateOutput(Datastore store, StoreLoadOptions options) =>
        ElasticsearchOutput.Create(Required(store, "connection"), options, store.Name, new ElasticsearchOutputOptions
        {
            ApiKey = store.Get("apiKey"),
            CertificateFingerprint = store.Get("certificateFingerprint"),
            BatchBytes = store.Get("batchBytes") is { } bytes ? ParseBytes(bytes) ?? throw new ArgumentException($"datastore '{store.Name}' (elasticsearch): batchBytes must be a positive size") : new ElasticsearchOutputOptions().BatchBytes,
            Indexes = store.Get("mappings") is { } path ? ElasticsearchMapping.ReadFile(path) : null,
        });

    /// <summary>A size: bytes, or a number followed by kb, mb or gb (1024-based); null when it is not one.</summary>
    internal static long? ParseBytes(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        var (digits, unit) = t.EndsWith("kb", StringComparison.Ordinal) ? (t[..^2], 1024L)
            : t.EndsWith("mb", StringComparison.Ordinal) ? (t[..^2], 1024L * 1024)
            : t.EndsWith("gb", StringComparison.Ordinal) ? (t[..^2], 1024L * 1024 * 1024)
            : (t, 1L);
        return long.TryParse(digits.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 && n <= long.MaxValue / unit ? n * unit : null;
    }
}
