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

    /// <summary>The model's field names, encoded once for writers that write many rows (<see cref="WriteRow(Utf8JsonWriter, JsonEncodedText[], object?[])"/>).</summary>
    public static JsonEncodedText[] EncodeNames(IReadOnlyList<FieldDescriptor> fields) =>
        fields.Select(f => JsonEncodedText.Encode(f.Name, Options.Encoder)).ToArray();

    /// <summary>A row as one JSON object, its names encoded ahead (the same bytes as the overload taking fields).</summary>
    public static void WriteRow(Utf8JsonWriter writer, JsonEncodedText[] names, object?[] row)
    {
        writer.WriteStartObject();
        for (var i = 0; i < names.Length; i++)
        {
            writer.WritePropertyName(names[i]);
            WriteValue(writer, row[i]);
        }

        writer.WriteEndObject();
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
        Span<byte> utf8 = stackalloc byte[66];
        var number = value is decimal;
        if (!ScalarValues.TryFormatUtf8(value, utf8[1..^1], out var written))
        {
            if (value is decimal d)
            {
                writer.WriteNumberValue(d);
            }
            else
            {
                writer.WriteStringValue(ScalarValues.Format(value));
            }

            return;
        }

        if (number)
        {
            writer.WriteRawValue(utf8.Slice(1, written), skipInputValidation: true);
            return;
        }

        utf8[0] = (byte)'"';
        utf8[written + 1] = (byte)'"';
        writer.WriteRawValue(utf8[..(written + 2)], skipInputValidation: true);
    }
}
