using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using AvroSchema = Avro.Schema;

namespace DataGen.Kafka.Avro;

/// <summary>
/// A schema registry in this process for tests without Docker: the part of Confluent's Schema Registry REST API that
/// Confluent's .NET clients call — register a schema (returning the existing id for a schema already there), get a
/// schema by id, subjects, versions, a version or the latest, lookup, delete, compatibility tests, and global and
/// per-subject compatibility levels (BACKWARD by default) checked with Avro's resolution rules on every registration.
/// JSON and Protobuf schemas are stored and served, but their compatibility is not checked: a second, different
/// version of one is refused unless the level is NONE. Schemas are kept in memory until disposal. Listens on
/// 127.0.0.1 only.
/// </summary>
public sealed partial class EmbeddedSchemaRegistry : IDisposable, IAsyncDisposable
{
    private static readonly string[] Levels = ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"];

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly object _gate = new();
    private readonly List<Stored> _schemas = [];
    private readonly Dictionary<string, List<Version>> _subjects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _subjectLevels = new(StringComparer.Ordinal);
    private string _level = "BACKWARD";

    private EmbeddedSchemaRegistry()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>The registry's URL (<c>http://127.0.0.1:port</c>), as <c>SchemaRegistryConfig.Url</c> takes it.</summary>
    public string Url { get; }

    /// <summary>Starts a registry on a free loopback port.</summary>
    public static EmbeddedSchemaRegistry Start() => new();

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    /// <summary>HTTP/1.1 with keep-alive: requests with a Content-Length or chunked body, JSON responses.</summary>
    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var reader = new HttpReader(stream);
            while (!_stop.IsCancellationRequested && await reader.ReadRequestAsync(_stop.Token).ConfigureAwait(false) is { } request)
            {
                (int Status, JsonNode? Body) response;
                try
                {
                    response = Handle(request.Method, request.Target, request.Body);
                }
                catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
                {
                    response = Error(422, 42203, $"invalid request: {e.Message}");
                }

                var body = Encoding.UTF8.GetBytes(response.Body?.ToJsonString() ?? "{}");
                var head = Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 {response.Status} {Reason(response.Status)}\r\nContent-Type: application/vnd.schemaregistry.v1+json\r\nContent-Length: {body.Length}\r\n{(request.Close ? "Connection: close\r\n" : string.Empty)}\r\n");
                await stream.WriteAsync(head, _stop.Token).ConfigureAwait(false);
                await stream.WriteAsync(body, _stop.Token).ConfigureAwait(false);
                if (request.Close)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or FormatException or OverflowException)
        {
            // The client went away, sent something that is not HTTP (the connection closes), or the registry stops.
        }
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        _ => "Error",
    };

    private static (int, JsonNode?) Error(int status, int code, string message) =>
        (status, new JsonObject { ["error_code"] = code, ["message"] = message });

    private static (int, JsonNode?) Ok(JsonNode? body) => (200, body);

    private sealed record Request(string Method, string Target, string Body, bool Close);

    /// <summary>Reads HTTP/1.1 requests from a connection.</summary>
    private sealed class HttpReader(Stream stream)
    {
        /// <summary>The largest request body read (schemas are kilobytes; a bigger body closes the connection).</summary>
        private const int MaxBody = 16 * 1024 * 1024;

        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;

        public async Task<Request?> ReadRequestAsync(CancellationToken cancellationToken)
        {
            var requestLine = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(requestLine))
            {
                return null;
            }

            var parts = requestLine.Split(' ');
            if (parts.Length < 3)
            {
                return null;
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            while (await ReadLineAsync(cancellationToken).ConfigureAwait(false) is { Length: > 0 } line)
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
            }

            byte[] body;
            if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                using var chunks = new MemoryStream();
                while (true)
                {
                    var size = int.Parse((await ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? "0").Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    if (size == 0)
                    {
                        await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                        break;
                    }

                    if (chunks.Length + size > MaxBody)
                    {
                        throw new IOException("request body too large");
                    }

                    chunks.Write(await ReadBytesAsync(size, cancellationToken).ConfigureAwait(false));
                    await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                }

                body = chunks.ToArray();
            }
            else
            {
                var length = headers.TryGetValue("Content-Length", out var text) ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : 0;
                body = await ReadBytesAsync(length <= MaxBody ? length : throw new IOException("request body too large"), cancellationToken).ConfigureAwait(false);
            }

            var close = (headers.TryGetValue("Connection", out var connection) && connection.Equals("close", StringComparison.OrdinalIgnoreCase)) || parts[2] == "HTTP/1.0";
            return new Request(parts[0].ToUpperInvariant(), parts[1], Encoding.UTF8.GetString(body), close);
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                (_end, _start) = (_end - _start, 0);
            }

            if (_end == _buffer.Length)
            {
                throw new IOException("request header too long");
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            _end += read;
            return read > 0;
        }

        private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    var line = Encoding.ASCII.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                    _start = newline + 1;
                    return line;
                }

                if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }
            }
        }

        private async Task<byte[]> ReadBytesAsync(int count, CancellationToken cancellationToken)
        {
            var result = new byte[count];
            var copied = 0;
            while (copied < count)
            {
                if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new IOException("connection closed inside a request body");
                }

                var n = Math.Min(count - copied, _end - _start);
                Array.Copy(_buffer, _start, result, copied, n);
                (_start, copied) = (_start + n, copied + n);
            }

            return result;
        }
    }
}
