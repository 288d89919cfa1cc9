using System.Globalization;
using System.Numerics;
using Avro;
using DataGen.Outputs;
using Newtonsoft.Json.Linq;

namespace DataGen.Kafka.Avro;

// Writers for schema nodes: primitives, records, unions
internal static partial class AvroWriters
{
    /// <summary>A writer for one schema node.</summary>
    public static ValueWriter For(Schema schema, string path) => For(schema, path, new Dictionary<string, ValueWriter>(StringComparer.Ordinal));

    /// <summary>
    /// A writer for one schema node; <paramref name="records"/> holds the writers of the records being compiled, so a
    /// recursive record (a linked list, a tree) refers to its own writer instead of compiling forever.
    /// </summary>
    private static ValueWriter For(Schema schema, string path, Dictionary<string, ValueWriter> records)
    {
        switch (schema)
        {
            case UnionSchema union:
                return Union(union, path, records);
            case RecordSchema record:
                if (records.TryGetValue(record.Fullname, out var compiled))
                {
                    return compiled;
                }

                ValueWriter? body = null;
                records[record.Fullname] = (buffer, value) => body!(buffer, value);
                body = Record(record, path, records);
                return records[record.Fullname] = body;
            case EnumSchema e:
                return (buffer, value) =>
                {
                    var symbol = value as string ?? throw Mismatch(path, schema, value);
                    var ordinal = e.Symbols.IndexOf(symbol);
                    if (ordinal < 0)
                    {
                        ordinal = e.Default is { } d ? e.Symbols.IndexOf(d) : throw new FormatException($"field '{path}': '{symbol}' is not a symbol of enum {e.Fullname} ({string.Join(", ", e.Symbols)})");
                    }

                    buffer.WriteLong(ordinal);
                };
            case ArraySchema array:
                var item = For(array.ItemSchema, path + "[]", records);
                return (buffer, value) =>
                {
                    if (value is string || value is not System.Collections.IEnumerable items)
                    {
                        throw Mismatch(path, schema, value);
                    }

                    var list = items as IReadOnlyList<object?> ?? items.Cast<object?>().ToList();
                    if (list.Count > 0)
                    {
                        buffer.WriteLong(list.Count);
                        foreach (var v in list)
                        {
                            item(buffer, v);
                        }
                    }

                    buffer.WriteLong(0);
                };
            case MapSchema map:
                var values = For(map.ValueSchema, path + "{}", records);
                return (buffer, value) =>
                {
                    var entries = value as IReadOnlyDictionary<string, object?> ?? throw Mismatch(path, schema, value);
                    if (entries.Count > 0)
                    {
                        buffer.WriteLong(entries.Count);
                        foreach (var (key, v) in entries)
                        {
                            buffer.WriteString(key);
                            values(buffer, v);
                        }
                    }

                    buffer.WriteLong(0);
                };
            case FixedSchema fixedSchema:
                return (buffer, value) =>
                {
                    var bytes = value as byte[] ?? throw Mismatch(path, schema, value);
                    buffer.WriteFixed(bytes.Length == fixedSchema.Size ? bytes : throw new FormatException($"field '{path}': {bytes.Length} bytes for fixed {fixedSchema.Fullname} of {fixedSchema.Size}"));
                };
            case LogicalSchema logical:
                return Logical(logical, path, records);
        }

        return schema.Tag switch
        {
            Schema.Type.Null => (_, value) =>
            {
                if (value is not null)
                {
                    throw Mismatch(path, schema, value);
                }
            },
            Schema.Type.Boolean => (buffer, value) => buffer.WriteBoolean(value as bool? ?? throw Mismatch(path, schema, value)),
            Schema.Type.Int => (buffer, value) =>
            {
                var l = Integer(value, path, schema);
                buffer.WriteLong(l is >= int.MinValue and <= int.MaxValue ? l : throw new FormatException($"field '{path}': {l} does not fit an Avro int"));
            },
            Schema.Type.Long => (buffer, value) => buffer.WriteLong(Integer(value, path, schema)),
            Schema.Type.Float => (buffer, value) => buffer.WriteFloat((float)Real(value, path, schema)),
            Schema.Type.Double => (buffer, value) => buffer.WriteDouble(Real(value, path, schema)),
            Schema.Type.Bytes => (buffer, value) => buffer.WriteBytes(value as byte[] ?? throw Mismatch(path, schema, value)),
            Schema.Type.String => (buffer, value) => buffer.WriteString(Text(value) ?? throw Mismatch(path, schema, value)),
            _ => throw new FormatException($"field '{path}': Avro type {schema.Tag} is not supported"),
        };
    }

    /// <summary>Text for a string field: text as is, scalars in DataGen's invariant form, objects and arrays as JSON; null for null.</summary>
    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        byte[] => null,
        IReadOnlyDictionary<string, object?> or object?[] => ValueText.ToJson(value),
        _ => ValueText.Format(value),
    };

    private static long Integer(object? value, string path, Schema schema) => value switch
    {
        long l => l,
        int i => i,
        short s => s,
        byte b => b,
        decimal d when d == decimal.Truncate(d) && d >= long.MinValue && d <= long.MaxValue => (long)d,
        _ => throw Mismatch(path, schema, value),
    };

    private static double Real(object? value, string path, Schema schema) => value switch
    {
        double d => d,
        float f => f,
        long l => l,
        int i => i,
        decimal m => (double)m,
        _ => throw Mismatch(path, schema, value),
    };

    private static FormatException Mismatch(string path, Schema schema, object? value) =>
        new($"field '{path}': {(value is null ? "null" : $"{ValueText.KindOf(value).ToString().ToLowerInvariant()} value '{Shorten(value)}'")} does not fit Avro {Describe(schema)}");

    private static string Shorten(object value)
    {
        var text = value is IReadOnlyDictionary<string, object?> or object?[] ? ValueText.ToJson(value) : ValueText.Format(value);
        return text.Length > 60 ? text[..57] + "…" : text;
    }

    /// <summary>A schema in a few words for messages: <c>long</c>, <c>record shop.Order</c>, <c>bytes (decimal)</c>, <c>union [null, string]</c>.</summary>
    internal static string Describe(Schema schema) => schema switch
    {
        LogicalSchema l => $"{l.BaseSchema.Tag.ToString().ToLowerInvariant()} ({l.LogicalTypeName})",
        NamedSchema n => $"{schema.Tag.ToString().ToLowerInvariant()} {n.Fullname}",
        UnionSchema u => "union [" + string.Join(", ", u.Schemas.Select(Describe)) + "]",
        _ => schema.Tag.ToString().ToLowerInvariant(),
    };

    private static ValueWriter Record(RecordSchema record, string path, Dictionary<string, ValueWriter> records)
    {
        var fields = record.Fields.Select(f => (f.Name, Write: For(f.Schema, $"{path}.{f.Name}", records), Default: f.DefaultValue is null ? null : Default(f, record.Fullname, []))).ToArray();
        return (buffer, value) =>
        {
            var entries = value as IReadOnlyDictionary<string, object?> ?? throw Mismatch(path, record, value);
            foreach (var (name, write, fallback) in fields)
            {
                if (entries.TryGetValue(name, out var v))
                {
                    write(buffer, v);
                }
                else if (fallback is not null)
                {
                    fallback(buffer, []);
                }
                else
                {
                    throw new FormatException($"field '{path}': the object has no '{name}' (it has {string.Join(", ", entries.Keys)}) and {record.Fullname} gives it no default");
                }
            }
        };
    }

    /// <summary>A union writes the index of the first branch that holds the value exactly, else of the first that can convert it.</summary>
    private static ValueWriter Union(UnionSchema union, string path, Dictionary<string, ValueWriter> records)
    {
        var branches = union.Schemas.Select(s => (Schema: s, Write: For(s, path, records))).ToArray();
        return (buffer, value) =>
        {
            for (var pass = 0; pass < 2; pass++)
            {
                for (var i = 0; i < branches.Length; i++)
                {
                    if (Holds(branches[i].Schema, value, exact: pass == 0))
                    {
                        buffer.WriteLong(i);
                        branches[i].Write(buffer, value);
                        return;
                    }
                }
            }

            throw Mismatch(path, union, value);
        };
    }

    private static bool Holds(Schema schema, object? value, bool exact)
    {
        if (schema is LogicalSchema logical)
        {
            return logical.LogicalTypeName switch
            {
                "decimal" => value is decimal || (!exact && value is long or int),
                "date" => value is DateOnly || (!exact && value is DateTime),
                "timestamp-millis" or "timestamp-micros" or "local-timestamp-millis" or "local-timestamp-micros" => value is DateTime or DateTimeOffset,
                "time-millis" or "time-micros" => value is TimeOnly,
                "uuid" => value is Guid || (!exact && value is string s && Guid.TryParse(s, out _)),
                _ => Holds(logical.BaseSchema, value, exact),
            };
        }

        return schema.Tag switch
        {
            Schema.Type.Null => value is null,
            Schema.Type.Boolean => value is bool,
            Schema.Type.Int => value is int || (value is long l && l is >= int.MinValue and <= int.MaxValue && !exact),
            Schema.Type.Long => value is long or int || (!exact && value is decimal d && d == decimal.Truncate(d)),
            Schema.Type.Double => value is double || (!exact && value is float or long or decimal),
            Schema.Type.Float => value is float || (!exact && value is double),
            Schema.Type.String => value is string || (!exact && value is not null and not byte[]),
            Schema.Type.Bytes => value is byte[],
            Schema.Type.Enumeration => value is string s && (((EnumSchema)schema).Symbols.Contains(s) || !exact),
            Schema.Type.Record or Schema.Type.Map => value is IReadOnlyDictionary<string, object?>,
            Schema.Type.Array => value is object?[] || (value is System.Collections.IEnumerable && value is not string and not IReadOnlyDictionary<string, object?>),
            Schema.Type.Fixed => value is byte[] b && b.Length == ((FixedSchema)schema).Size,
            _ => false,
        };
    }
}
