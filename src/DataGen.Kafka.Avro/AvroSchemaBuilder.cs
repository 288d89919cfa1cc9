using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DataGen.Outputs;

namespace DataGen.Kafka.Avro;

/// <summary>
/// Derives an Avro schema from a model: a record per model and per nested object, arrays of their element, nullable
/// fields as <c>["null", T]</c> with default null, logical types for dates (<c>date</c>), date-times
/// (<c>timestamp-micros</c>), times (<c>time-micros</c>), UUIDs (<c>uuid</c>) and decimals (<c>decimal(38, 9)</c> on bytes).
/// Objects and arrays whose shape the model does not declare become maps and arrays of scalars.
/// </summary>
internal static partial class AvroSchemaBuilder
{
    /// <summary>Precision and scale of derived decimals: every C# decimal with up to 9 decimal places fits.</summary>
    internal const int DecimalPrecision = 38;

    internal const int DecimalScale = 9;

    /// <summary>The value of a field whose kind is not known: any scalar, decimals exact (other values as their text, objects as JSON).</summary>
    private static JsonArray AnyScalar() => ["null", "boolean", "long", "double", DecimalType(), "string"];

    private static JsonObject DecimalType() => new() { ["type"] = "bytes", ["logicalType"] = "decimal", ["precision"] = DecimalPrecision, ["scale"] = DecimalScale };

    /// <summary>The record schema of a model's values.</summary>
    public static JsonObject ForModel(ModelDescriptor model, string avroNamespace, IReadOnlyList<object?[]> firstRows)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var fields = new JsonArray();
        for (var i = 0; i < model.Fields.Count; i++)
        {
            var index = i;
            fields.Add(Field(model.Fields[i], Name(model.Name), names, firstRows.Select(r => r[index]), model.Name));
        }

        return new JsonObject
        {
            ["type"] = "record",
            ["name"] = Name(model.Name),
            ["namespace"] = avroNamespace,
            ["doc"] = $"DataGen model '{model.Name}'",
            ["fields"] = fields,
        };
    }

    /// <summary>The schema of a key field's values (never null: null keys are sent as no key).</summary>
    public static JsonNode ForKey(FieldDescriptor key, IEnumerable<object?> firstValues) =>
        Type(key with { Nullable = false }, key.Name, new HashSet<string>(StringComparer.Ordinal), firstValues, key.Name);

    private static JsonObject Field(FieldDescriptor field, string recordName, HashSet<string> recordNames, IEnumerable<object?> firstValues, string where)
    {
        var type = Type(field, $"{recordName}_{Name(field.Name)}", recordNames, firstValues, $"{where}.{field.Name}");
        var result = new JsonObject { ["name"] = Name(field.Name), ["type"] = type };
        if (field.Nullable)
        {
            result["default"] = null;
        }

        return result;
    }

    private static JsonNode Type(FieldDescriptor field, string recordName, HashSet<string> recordNames, IEnumerable<object?> firstValues, string where)
    {
        var kind = field.Kind;
        if (kind == ValueKind.Unknown && firstValues.FirstOrDefault(v => v is not null) is { } seen)
        {
            kind = ValueText.KindOf(seen);
        }

        JsonNode type = kind switch
        {
            ValueKind.String => "string",
            ValueKind.Integer => "long",
            ValueKind.Double => "double",
            ValueKind.Boolean => "boolean",
            ValueKind.Decimal => DecimalType(),
            ValueKind.Date => new JsonObject { ["type"] = "int", ["logicalType"] = "date" },
            ValueKind.DateTime => new JsonObject { ["type"] = "long", ["logicalType"] = "timestamp-micros" },
            ValueKind.Time => new JsonObject { ["type"] = "long", ["logicalType"] = "time-micros" },
            ValueKind.Uuid => new JsonObject { ["type"] = "string", ["logicalType"] = "uuid" },
            ValueKind.Object when field.Fields is { } nested => Record(nested, recordName, recordNames, where),
            ValueKind.Object => new JsonObject { ["type"] = "map", ["values"] = AnyScalar() },
            ValueKind.Array when field.Item is { } item => new JsonObject { ["type"] = "array", ["items"] = Type(item, recordName + "_item", recordNames, [], where + "[]") },
            ValueKind.Array => new JsonObject { ["type"] = "array", ["items"] = AnyScalar() },
            _ => AnyScalar(),
        };

        if (!field.Nullable || type is JsonArray)
        {
            return type;
        }

        return new JsonArray("null", type);
    }

    private static JsonObject Record(IReadOnlyList<FieldDescriptor> fields, string name, HashSet<string> recordNames, string where)
    {
        if (!recordNames.Add(name))
        {
            throw new FormatException($"'{where}': the Avro record name '{name}' is used twice; give the model an .avsc schema");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var avroFields = new JsonArray();
        foreach (var field in fields)
        {
            if (!names.Add(Name(field.Name)))
            {
                throw new FormatException($"'{where}': fields '{field.Name}' and another have the same Avro name '{Name(field.Name)}'; give the model an .avsc schema");
            }

            avroFields.Add(Field(field, name, recordNames, [], where));
        }

        return new JsonObject { ["type"] = "record", ["name"] = name, ["fields"] = avroFields };
    }

    /// <summary>A field or model name as an Avro name: letters, digits and underscores, not starting with a digit.</summary>
    public static string Name(string name)
    {
        var cleaned = InvalidNameCharacters().Replace(name, "_");
        return cleaned.Length == 0 || char.IsAsciiDigit(cleaned[0]) ? "_" + cleaned : cleaned;
    }

    [GeneratedRegex("[^A-Za-z0-9_]")]
    private static partial Regex InvalidNameCharacters();
}
