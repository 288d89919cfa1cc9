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
internal static class AvroWriters
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

    private static ValueWriter Logical(LogicalSchema logical, string path, Dictionary<string, ValueWriter> records)
    {
        switch (logical.LogicalTypeName)
        {
            case "decimal":
                var scale = int.Parse(logical.GetProperty("scale") ?? "0", CultureInfo.InvariantCulture);
                var precision = int.Parse(logical.GetProperty("precision") ?? "0", CultureInfo.InvariantCulture);
                var size = logical.BaseSchema is FixedSchema f ? f.Size : -1;
                return (buffer, value) =>
                {
                    var unscaled = Unscaled(value switch
                    {
                        decimal d => d,
                        long l => l,
                        int i => i,
                        _ => throw Mismatch(path, logical, value),
                    }, scale, precision, path);
                    var bytes = unscaled.ToByteArray(isUnsigned: false, isBigEndian: true);
                    if (size < 0)
                    {
                        buffer.WriteBytes(bytes);
                        return;
                    }

                    // Fixed: sign-extend to the declared size.
                    var padded = new byte[size];
                    padded.AsSpan().Fill(unscaled.Sign < 0 ? (byte)0xFF : (byte)0);
                    bytes.CopyTo(padded.AsSpan(size - bytes.Length));
                    buffer.WriteFixed(padded);
                };
            case "date":
                return (buffer, value) => buffer.WriteLong(value switch
                {
                    DateOnly d => d.DayNumber - DateOnly.FromDateTime(Epoch).DayNumber,
                    DateTime t => DateOnly.FromDateTime(t).DayNumber - DateOnly.FromDateTime(Epoch).DayNumber,
                    _ => throw Mismatch(path, logical, value),
                });
            case "timestamp-millis" or "local-timestamp-millis":
                return (buffer, value) => buffer.WriteLong((Ticks(value, path, logical) - Epoch.Ticks) / TimeSpan.TicksPerMillisecond);
            case "timestamp-micros" or "local-timestamp-micros":
                return (buffer, value) => buffer.WriteLong((Ticks(value, path, logical) - Epoch.Ticks) / TimeSpan.TicksPerMicrosecond);
            case "time-millis":
                return (buffer, value) => buffer.WriteLong((value as TimeOnly? ?? throw Mismatch(path, logical, value)).Ticks / TimeSpan.TicksPerMillisecond);
            case "time-micros":
                return (buffer, value) => buffer.WriteLong((value as TimeOnly? ?? throw Mismatch(path, logical, value)).Ticks / TimeSpan.TicksPerMicrosecond);
            case "uuid" when logical.BaseSchema.Tag == Schema.Type.String:
                return (buffer, value) => buffer.WriteString(value switch
                {
                    Guid g => g.ToString("D"),
                    string s when Guid.TryParse(s, out var g) => g.ToString("D"),
                    _ => throw Mismatch(path, logical, value),
                });
            default:
                // An unknown logical type is read as its base type (the specification's rule).
                return For(logical.BaseSchema, path, records);
        }
    }

    private static long Ticks(object? value, string path, Schema schema) => value switch
    {
        DateTime t => t.Kind == DateTimeKind.Local ? t.ToUniversalTime().Ticks : t.Ticks,
        DateTimeOffset o => o.UtcTicks,
        _ => throw Mismatch(path, schema, value),
    };

    /// <summary>The decimal's digits at the schema's scale; fails rather than round.</summary>
    private static BigInteger Unscaled(decimal value, int scale, int precision, string path)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        var valueScale = (bits[3] >> 16) & 0xFF;
        if (bits[3] < 0)
        {
            mantissa = -mantissa;
        }

        if (valueScale > scale)
        {
            var divisor = BigInteger.Pow(10, valueScale - scale);
            if (!(mantissa % divisor).IsZero)
            {
                throw new FormatException($"field '{path}': {value.ToString(CultureInfo.InvariantCulture)} has more than the schema's {scale} decimal places (round it in the manifest, or give the model an .avsc with a larger scale)");
            }

            mantissa /= divisor;
        }
        else
        {
            mantissa *= BigInteger.Pow(10, scale - valueScale);
        }

        if (precision > 0 && BigInteger.Abs(mantissa) >= BigInteger.Pow(10, precision))
        {
            throw new FormatException($"field '{path}': {value.ToString(CultureInfo.InvariantCulture)} has more than the schema's {precision} digits");
        }

        return mantissa;
    }
}
