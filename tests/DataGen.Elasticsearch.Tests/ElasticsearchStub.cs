using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataGen.Elasticsearch.Tests;

/// <summary>
/// A TEST DOUBLE, not Elasticsearch: an HTTP server on 127.0.0.1 that answers the few endpoints a load uses
/// (<c>_count</c>, create and delete index, <c>_bulk</c>, <c>_refresh</c>, <c>_delete_by_query</c>) the way the
/// documented API does, keeps documents in memory and records every request, so the output's request sequence and
/// bodies can be checked offline through the real client and transport. It can reject items as overloaded, refuse a
/// document, lose documents, or answer with an HTTP error. The real server is exercised by the container tests in CI.
/// </summary>
public sealed class ElasticsearchStub : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly object _gate = new();

    public ElasticsearchStub()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    /// <summary>Index name to its documents (id to source) and its create body.</summary>
    public Dictionary<string, Index> Indexes { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request: method, path and query, and body.</summary>
    public List<(string Method, string Path, string Body)> Requests { get; } = [];

    /// <summary>Document ids answered with 429 (overloaded) on their first attempt.</summary>
    public HashSet<string> Overloaded { get; } = [];

    /// <summary>A document field that, when present with this value, is refused as a mapping error.</summary>
    public (string Field, string Value)? Refuse { get; set; }

    /// <summary>Documents the next count pretends are missing.</summary>
    public int Lose { get; set; }

    /// <summary>An HTTP status every _bulk request answers with (e.g. 413).</summary>
    public int? BulkStatus { get; set; }

    public IEnumerable<string> Paths => Requests.Select(r => $"{r.Method} {r.Path}");

    public IEnumerable<string> BulkBodies => Requests.Where(r => r.Path == "/_bulk").Select(r => r.Body);

    public sealed class Index(string body)
    {
        public string Body { get; } = body;

        public Dictionary<string, JsonObject> Documents { get; } = new(StringComparer.Ordinal);
    }

    private int _autoId;

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            // The client compresses request bodies (gzip), as Elasticsearch accepts them.
            string body;
            var input = context.Request.Headers["Content-Encoding"] == "gzip"
                ? new System.IO.Compression.GZipStream(context.Request.InputStream, System.IO.Compression.CompressionMode.Decompress)
                : context.Request.InputStream;
            using (var reader = new StreamReader(input, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync();
            }

            int status;
            JsonNode answer;
            lock (_gate)
            {
                Requests.Add((context.Request.HttpMethod, context.Request.Url!.PathAndQuery, body));
                try
                {
                    (status, answer) = Handle(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, body);
                }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or NullReferenceException)
                {
                    (status, answer) = (500, Error("stub_failure", e.Message));
                }
            }

            var bytes = Encoding.UTF8.GetBytes(answer.ToJsonString());
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/vnd.elasticsearch+json;compatible-with=9";
            context.Response.AddHeader("X-Elastic-Product", "Elasticsearch");
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private static JsonObject Error(string type, string reason) => new() { ["error"] = new JsonObject { ["type"] = type, ["reason"] = reason }, ["status"] = 400 };

    private (int, JsonNode) Handle(string method, string path, string body)
    {
        var parts = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        var index = parts[0];
        switch (method, parts.Length > 1 ? parts[1] : null)
        {
            case ("GET", "_count"):
                if (!Indexes.TryGetValue(index, out var counted))
                {
                    return (404, Error("index_not_found_exception", $"no such index [{index}]"));
                }

                var count = counted.Documents.Count - Lose;
                return (200, new JsonObject { ["count"] = count });
            case ("PUT", null):
                if (Indexes.ContainsKey(index))
                {
                    return (400, Error("resource_already_exists_exception", $"index [{index}] already exists"));
                }

                Indexes[index] = new Index(body);
                return (200, new JsonObject { ["acknowledged"] = true, ["index"] = index });
            case ("DELETE", null):
                return Indexes.Remove(index) ? (200, new JsonObject { ["acknowledged"] = true }) : (404, Error("index_not_found_exception", index));
            case ("POST", "_refresh"):
                return (200, new JsonObject { ["_shards"] = new JsonObject { ["failed"] = 0 } });
            case ("POST", "_delete_by_query"):
                var deleted = Indexes[index].Documents.Count;
                Indexes[index].Documents.Clear();
                return (200, new JsonObject { ["deleted"] = deleted });
            case ("POST", null) when index == "_bulk":
                return BulkStatus is { } failing ? (failing, Error("request_entity_too_large", "too large")) : (200, Bulk(body));
            default:
                return (400, Error("stub", $"the stub does not answer {method} {path}"));
        }
    }

    private JsonObject Bulk(string body)
    {
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var items = new JsonArray();
        var errors = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var action = JsonNode.Parse(lines[i])!.AsObject().Single();
            var meta = action.Value!.AsObject();
            var index = meta["_index"]!.GetValue<string>();
            var id = meta["_id"]?.GetValue<string>();
            JsonObject result;
            if (action.Key == "delete")
            {
                var found = Indexes.TryGetValue(index, out var from) && from.Documents.Remove(id!);
                result = new JsonObject { ["_index"] = index, ["_id"] = id, ["status"] = found ? 200 : 404 };
                items.Add(new JsonObject { ["delete"] = result });
                continue;
            }

            var source = JsonNode.Parse(lines[++i])!.AsObject();
            if (id is not null && Overloaded.Remove(id))
            {
                result = new JsonObject { ["status"] = 429, ["error"] = new JsonObject { ["type"] = "es_rejected_execution_exception", ["reason"] = "rejected execution" } };
                errors = true;
            }
            else if (!Indexes.TryGetValue(index, out var target))
            {
                result = new JsonObject { ["status"] = 404, ["error"] = new JsonObject { ["type"] = "index_not_found_exception", ["reason"] = $"no such index [{index}]" } };
                errors = true;
            }
            else if (Refuse is { } refuse && source[refuse.Field]?.ToString() == refuse.Value)
            {
                result = new JsonObject { ["status"] = 400, ["error"] = new JsonObject { ["type"] = "document_parsing_exception", ["reason"] = $"failed to parse field [{refuse.Field}]" } };
                errors = true;
            }
            else if (action.Key == "create" && id is not null && target.Documents.ContainsKey(id))
            {
                result = new JsonObject { ["status"] = 409, ["error"] = new JsonObject { ["type"] = "version_conflict_engine_exception", ["reason"] = $"[{id}]: version conflict, document already exists" } };
                errors = true;
            }
            else
            {
                id ??= $"auto{_autoId++}";
                target.Documents[id] = source;
                result = new JsonObject { ["_index"] = index, ["_id"] = id, ["status"] = 201, ["result"] = "created" };
            }

            items.Add(new JsonObject { [action.Key] = result });
        }

        return new JsonObject { ["took"] = 1, ["errors"] = errors, ["items"] = items };
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(false);
    }
}
