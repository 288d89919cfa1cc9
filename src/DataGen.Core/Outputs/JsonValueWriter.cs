using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DataGen.Generation;
using DataGen.Generators;

namespace DataGen.Outputs;

/// <summary>The single JSON encoding of generated values (NDJSON, JSON documents, nested CSV cells).</summary>
internal static class JsonValueWriter
{
    /// <summary>Readable non-ASCII text (names with accents) while still escaping what JSON requires.</summary>
    public static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    public static void WriteRow(Utf8JsonWriter writer, IReadOnlyList<FieldDescriptor> fields, object?[] row)
    {
        writer.WriteStartObject();
        for (var i = 0; i < fields.Count; i++)
        {
            writer.WritePropertyName(fields[i].Name);
            WriteValue(writer, row[i]);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// What goes before each field's value in a JSON line: <c>{"name":</c> for the first, <c>,"name":</c> after (the
    /// names encoded as <see cref="Options"/> encodes them), for <see cref="WriteLine"/>.
    /// </summary>
    public static byte[][] LinePrefixes(IReadOnlyList<FieldDescriptor> fields) =>
        fields.Select((field, i) => (byte[])[(byte)(i == 0 ? '{' : ','), (byte)'"', .. JsonEncodedText.Encode(field.Name, Options.Encoder).EncodedUtf8Bytes, (byte)'"', (byte)':']).ToArray();

    /// <summary>
    /// A row as one JSON object and a newline — the bytes <see cref="WriteRow"/>
    /// writes, then '\n' — straight into <paramref name="buffer"/>: names from <paramref name="prefixes"/>, text that needs no
    /// escaping, numbers, dates and UUIDs without the writer's state machine; anything else (escaped text, doubles, nested
    /// values) through <paramref name="json"/>, reset on <paramref name="buffer"/> for the one value.
    /// </summary>
    public static void WriteLine(ArrayBufferWriter<byte> buffer, Utf8JsonWriter json, byte[][] prefixes, object?[] row)
    {
        if (prefixes.Length == 0)
        {
            buffer.Write("{}\n"u8);
            return;
        }

        for (var i = 0; i < prefixes.Length; i++)
        {
            buffer.Write(prefixes[i]);
            var value = row[i];
            switch (value)
            {
                case null:
                    buffer.Write("null"u8);
                    continue;
                case string s when TryWriteText(buffer, s):
                    continue;
                case long l when l.TryFormat(buffer.GetSpan(20), out var written, default, CultureInfo.InvariantCulture):
                    buffer.Advance(written);
                    continue;
                case bool b:
                    buffer.Write(b ? "true"u8 : "false"u8);
                    continue;
                case decimal or Guid or DateOnly or DateTime or DateTimeOffset or TimeOnly when TryFormatToken(value, buffer.GetSpan(66), out var length):
                    buffer.Advance(length);
                    continue;
            }

            json.Reset(buffer);
            WriteValue(json, value);
            json.Flush();
        }

        buffer.Write("}\n"u8);
    }

    /// <summary>Text as a JSON string when nothing in it needs escaping (the encoder's own test), else false and nothing written.</summary>
    private static bool TryWriteText(ArrayBufferWriter<byte> buffer, string text)
    {
        var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length) + 2);
        if (System.Text.Unicode.Utf8.FromUtf16(text, span[1..], out _, out var written, replaceInvalidSequences: false) != System.Buffers.OperationStatus.Done
            || Options.Encoder!.FindFirstCharacterToEncodeUtf8(span.Slice(1, written)) >= 0)
        {
            return false;
        }

        span[0] = (byte)'"';
        span[written + 1] = (byte)'"';
        buffer.Advance(written + 2);
        return true;
    }

    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        // The scalars rows hold most come first; the interface checks (objects, arrays) cost the most.
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case decimal or Guid or DateOnly or DateTime or DateTimeOffset or TimeOnly:
                WriteFormatted(writer, value);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                writer.WriteNumberValue(f);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case byte[] bytes:
                writer.WriteBase64StringValue(bytes);
                break;
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (k, v) in map)
                {
                    writer.WritePropertyName(k);
                    WriteValue(writer, v);
                }

                writer.WriteEndObject();
                break;
            case System.Collections.IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(ScalarValues.Format(value));
                break;
        }
    }

    /// <summary>
    /// A decimal as a number, a date, time or UUID as a string: their invariant text in UTF-8 with no string in between,
    /// written raw (nothing in them needs escaping).
    /// </summary>
    private static void WriteFormatted(Utf8JsonWriter writer, object value)
    {
        Span<byte> token = stackalloc byte[66];
        if (TryFormatToken(value, token, out var written))
        {
            writer.WriteRawValue(token[..written], skipInputValidation: true);
        }
        else if (value is decimal d)
        {
            writer.WriteNumberValue(d);
        }
        else
        {
            writer.WriteStringValue(ScalarValues.Format(value));
        }
    }

    /// <summary>The JSON token of a decimal (a number), date, time or UUID (a quoted string) — 66 bytes suffice; false for other values.</summary>
    private static bool TryFormatToken(object value, Span<byte> destination, out int written)
    {
        if (value is decimal)
        {
            return ScalarValues.TryFormatUtf8(value, destination, out written);
        }

        if (destination.Length < 2 || !ScalarValues.TryFormatUtf8(value, destination[1..^1], out written))
        {
            written = 0;
            return false;
        }

        destination[0] = (byte)'"';
        destination[written + 1] = (byte)'"';
        written += 2;
        return true;
    }
}
