using System.Buffers;
using System.Text;
using System.Text.Json;
using DataGen.Outputs;

namespace DataGen.Elasticsearch;

/// <summary>
/// One <c>_bulk</c> request's NDJSON body, filled row by row: an action line (<c>{"create":{"_index":…,"_id":…}}</c>, or
/// <c>{"index":{"_index":…}}</c> for a model without a key, whose ids the server assigns) and the document line, each
/// ending in '\n'. A body is full when the next row would take it past the byte budget; a row larger than the budget
/// goes alone, so every row is sent.
/// </summary>
internal sealed class BulkBody
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly List<int> _ends = [];
    private readonly ModelDescriptor _model;
    private readonly int _keyIndex;
    private readonly byte[] _plainAction;
    private readonly byte[] _createPrefix;

    public BulkBody(ModelDescriptor model, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _model = model;
        MaxBytes = maxBytes;
        _keyIndex = model.Key is { } key ? model.Fields.Select((f, i) => (f, i)).FirstOrDefault(x => x.f.Name == key, (null!, -1)).i : -1;
        var index = JsonEncodedText.Encode(model.Target).ToString();
        _plainAction = Encoding.UTF8.GetBytes($"{{\"index\":{{\"_index\":\"{index}\"}}}}");
        _createPrefix = Encoding.UTF8.GetBytes($"{{\"create\":{{\"_index\":\"{index}\",\"_id\":\"");
    }

    /// <summary>The byte budget of one request body.</summary>
    public long MaxBytes { get; }

    /// <summary>Index in the model of the first row in the body.</summary>
    public long FirstRow { get; private set; }

    /// <summary>Rows in the body.</summary>
    public int Count => _ends.Count;

    /// <summary>The body's bytes so far.</summary>
    public ReadOnlyMemory<byte> Bytes => _buffer.WrittenMemory;

    /// <summary>Whether the model's documents carry their key as <c>_id</c> (written with <c>create</c>: an existing id is an error, never overwritten).</summary>
    public bool HasIds => _keyIndex >= 0;

    /// <summary>A row's action and document lines.</summary>
    public byte[] Encode(object?[] row)
    {
        var document = ValueText.RowToJsonUtf8(_model, row);
        byte[] action;
        if (_keyIndex >= 0)
        {
            var id = row[_keyIndex] is { } key ? ValueText.Format(key) : throw new GenerationException($"key '{_model.Key}' is null: a document needs an id", _model.Name);
            action = [.. _createPrefix, .. JsonEncodedText.Encode(id).EncodedUtf8Bytes, .. "\"}}"u8];
        }
        else
        {
            action = _plainAction;
        }

        var line = new byte[action.Length + document.Length + 2];
        action.CopyTo(line, 0);
        line[action.Length] = (byte)'\n';
        document.CopyTo(line, action.Length + 1);
        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>Whether <paramref name="lines"/> fit beside what the body holds (an empty body takes anything).</summary>
    public bool Fits(byte[] lines) => _ends.Count == 0 || _buffer.WrittenCount + (long)lines.Length <= MaxBytes;

    /// <summary>Appends a row's lines; <paramref name="row"/> is its index in the model.</summary>
    public void Add(byte[] lines, long row)
    {
        if (_ends.Count == 0)
        {
            FirstRow = row;
        }

        _buffer.Write(lines);
        _ends.Add(_buffer.WrittenCount);
    }

    /// <summary>The lines of the <paramref name="item"/>th row in the body (to send again).</summary>
    public ReadOnlyMemory<byte> Lines(int item) => _buffer.WrittenMemory[(item == 0 ? 0 : _ends[item - 1]).._ends[item]];

    /// <summary>Empties the body for the next request.</summary>
    public void Clear()
    {
        _buffer.Clear();
        _ends.Clear();
    }
}
