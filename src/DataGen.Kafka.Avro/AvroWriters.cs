using System.Globalization;
using System.Numerics;
using Avro;
using DataGen.Outputs;
using Newtonsoft.Json.Linq;

namespace DataGen.Kafka.Avro;

/// <summary>Writes one value as a schema says, or throws a <see cref="FormatException"/> naming the field.</summary>
internal delegate void ValueWriter(AvroBuffer buffer, object? value);

/// <summary>
/// Compiles an Avro schema into writers of generated values: rows to the model's record, nested objects to records
/// or maps, arrays to arrays, logical types from the matching CLR values. A record field the model lacks is written
/// with its default; a value the type cannot hold fails, naming the field and the value.
/// </summary>
internal static partial class AvroWriters
{
    private static readonly DateTime Epoch = DateTime.UnixEpoch;

    /// <summary>A writer of a model's rows as <paramref name="schema"/>; errors when the two do not match.</summary>
    public static Action<AvroBuffer, object?[]> ForRow(RecordSchema schema, ModelDescriptor model)
    {
        var writers = new List<Action<AvroBuffer, object?[]>>();
        var used = new HashSet<int>();
        foreach (var field in schema.Fields)
        {
            var index = Match(field, model.Fields.Select(f => f.Name).ToList());
            if (index >= 0)
            {
                used.Add(index);
                var write = For(field.Schema, field.Name);
                writers.Add((buffer, row) => write(buffer, row[index]));
            }
            else
            {
                writers.Add(Default(field, schema.Fullname, model.Fields.Select(f => f.Name)));
            }
        }

        var left = model.Fields.Where((_, i) => !used.Contains(i)).Select(f => f.Name).ToList();
        if (left.Count > 0)
        {
            throw new FormatException($"schema {schema.Fullname} has no field for {string.Join(", ", left.Select(n => $"'{n}'"))} of model '{model.Name}' (its fields: {string.Join(", ", schema.Fields.Select(f => f.Name))})");
        }

        var all = writers.ToArray();
        return (buffer, row) =>
        {
            foreach (var write in all)
            {
                write(buffer, row);
            }
        };
    }

    /// <summary>A writer of a key value as <paramref name="schema"/>.</summary>
    public static ValueWriter ForKey(Schema schema, string keyField) => For(schema, keyField);

    /// <summary>The model field a record field takes its value from: same name, else the same ignoring case and underscores.</summary>
    private static int Match(Field field, IReadOnlyList<string> names)
    {
        var exact = names.ToList().IndexOf(field.Name);
        if (exact >= 0)
        {
            return exact;
        }

        var loose = Loose(field.Name);
        var matches = names.Select((n, i) => (n, i)).Where(p => Loose(p.n) == loose).ToList();
        return matches.Count == 1 ? matches[0].i : -1;
    }

    private static string Loose(string name) => name.Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    private static Action<AvroBuffer, object?[]> Default(Field field, string record, IEnumerable<string> available)
    {
        if (field.DefaultValue is null)
        {
            throw new FormatException($"schema {record}: field '{field.Name}' is not in the model (fields: {string.Join(", ", available)}) and has no default");
        }

        // The default is the same for every row: encode it once.
        var encoded = new AvroBuffer();
        WriteDefault(encoded, field.Schema, field.DefaultValue, field.Name);
        var bytes = encoded.ToArray();
        return (buffer, _) => buffer.WriteFixed(bytes);
    }

    /// <summary>A field default as the specification reads it (for a union: its first branch).</summary>
    private static void WriteDefault(AvroBuffer buffer, Schema schema, JToken value, string path)
    {
        switch (schema)
        {
            case UnionSchema union:
                buffer.WriteLong(0);
                WriteDefault(buffer, union.Schemas[0], value, path);
                return;
            case RecordSchema record:
                foreach (var f in record.Fields)
                {
                    var v = (value as JObject)?[f.Name] ?? f.DefaultValue ?? throw new FormatException($"field '{path}.{f.Name}': no default");
                    WriteDefault(buffer, f.Schema, v, $"{path}.{f.Name}");
                }

                return;
            case ArraySchema array:
                var items = (JArray)value;
                if (items.Count > 0)
                {
                    buffer.WriteLong(items.Count);
                    foreach (var item in items)
                    {
                        WriteDefault(buffer, array.ItemSchema, item, path + "[]");
                    }
                }

                buffer.WriteLong(0);
                return;
            case MapSchema map:
                var entries = (JObject)value;
                if (entries.Count > 0)
                {
                    buffer.WriteLong(entries.Count);
                    foreach (var (key, item) in entries)
                    {
                        buffer.WriteString(key);
                        WriteDefault(buffer, map.ValueSchema, item!, path + "{}");
                    }
                }

                buffer.WriteLong(0);
                return;
            case EnumSchema e:
                buffer.WriteLong(e.Ordinal(value.Value<string>()));
                return;
            case FixedSchema:
                buffer.WriteFixed(Latin1((string)value!));
                return;
            case LogicalSchema logical:
                WriteDefault(buffer, logical.BaseSchema, value, path);
                return;
        }

        switch (schema.Tag)
        {
            case Schema.Type.Null:
                return;
            case Schema.Type.Boolean:
                buffer.WriteBoolean(value.Value<bool>());
                return;
            case Schema.Type.Int or Schema.Type.Long:
                buffer.WriteLong(value.Value<long>());
                return;
            case Schema.Type.Float:
                buffer.WriteFloat(value.Value<float>());
                return;
            case Schema.Type.Double:
                buffer.WriteDouble(value.Value<double>());
                return;
            case Schema.Type.Bytes:
                buffer.WriteBytes(Latin1((string)value!));
                return;
            case Schema.Type.String:
                buffer.WriteString((string)value!);
                return;
            default:
                throw new FormatException($"field '{path}': cannot write a default of type {schema.Tag}");
        }
    }

    private static byte[] Latin1(string text) => text.Select(c => (byte)c).ToArray();
}
