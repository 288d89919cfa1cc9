using System.Buffers;
using System.Text;
using System.Text.Json;
using DataGen.Generators;

namespace DataGen.Outputs;

/// <summary>The one text and JSON form of generated values, for store packages that need them.</summary>
public static class ValueText
{
    /// <summary>Culture-invariant text: ISO 8601 dates, <c>D</c> UUIDs, round-trip numbers.</summary>
    public static string Format(object? value) => ScalarValues.Format(value);

    /// <summary>The kind of a generated value (<see cref="ValueKind.Unknown"/> for null and anything else).</summary>
    public static ValueKind KindOf(object? value) => ScalarValues.KindOf(value);

    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? _rowWriter;

    /// <summary>A row as a compact UTF-8 JSON object with the model's field names.</summary>
    public static byte[] RowToJsonUtf8(ModelDescriptor model, object?[] row)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(row);

        // One buffer and writer per thread: message values are built millions of times.
        if (_rowWriter is not { } cached)
        {
            var buffer = new ArrayBufferWriter<byte>(512);
            cached = (buffer, new Utf8JsonWriter(buffer, JsonValueWriter.Options));
            _rowWriter = cached;
        }

        cached.Buffer.ResetWrittenCount();
        cached.Writer.Reset(cached.Buffer);
        JsonValueWriter.WriteRow(cached.Writer, model.Fields, row);
        cached.Writer.Flush();
        return cached.Buffer.WrittenSpan.ToArray();
    }

    /// <summary>Compact JSON of any value (nested objects and arrays included).</summary>
    public static string ToJson(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonValueWriter.Options))
        {
            JsonValueWriter.WriteValue(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>JSON as the values outputs understand: dictionaries, arrays, strings, longs, decimals, booleans.</summary>
    internal static object? FromJson(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        null => null,
        System.Text.Json.Nodes.JsonObject o => o.ToDictionary(kv => kv.Key, kv => FromJson(kv.Value), StringComparer.Ordinal),
        System.Text.Json.Nodes.JsonArray a => a.Select(FromJson).ToArray(),
        System.Text.Json.Nodes.JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        System.Text.Json.Nodes.JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        System.Text.Json.Nodes.JsonValue v when v.TryGetValue<long>(out var l) => l,
        _ => decimal.Parse(node.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture),
    };
}
