using System.Globalization;
using System.Text.RegularExpressions;

namespace DataGen.MySql;

/// <summary>
/// What DataGen knows of MySQL/MariaDB column types: the kind of value a type holds, the generator that writes valid
/// values where the kind says too little (SET, YEAR, BIT(n), small integers, blobs and binary strings, geometry), and
/// how the bulk load sends a column (bytes for binary types, well-known text through <c>ST_GeomFromText</c> for geometry).
/// </summary>
internal static partial class MySqlTypes
{
    private static readonly HashSet<string> Binary = new(StringComparer.OrdinalIgnoreCase) { "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" };

    private static readonly HashSet<string> Geometry = new(StringComparer.OrdinalIgnoreCase)
    {
        "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection", "geomcollection",
    };

    /// <summary>True for a type whose values go to the server as bytes (blobs, BINARY, VARBINARY).</summary>
    public static bool IsBinary(string dataType) => Binary.Contains(dataType);

    /// <summary>True for a spatial type (values go as well-known text through <c>ST_GeomFromText</c>).</summary>
    public static bool IsGeometry(string dataType) => Geometry.Contains(dataType);

    /// <summary>The kind of value a column holds, from <c>DATA_TYPE</c> and <c>COLUMN_TYPE</c>; <paramref name="json"/>: a MariaDB JSON (longtext checked by json_valid).</summary>
    public static ValueKind Kind(string dataType, string columnType, bool json)
    {
        var type = dataType.ToLowerInvariant();
        return json || type == "json" ? ValueKind.Object : type switch
        {
            "tinyint" when columnType.StartsWith("tinyint(1)", StringComparison.OrdinalIgnoreCase) => ValueKind.Boolean,
            "bit" when BitWidth(columnType) == 1 => ValueKind.Boolean,
            "tinyint" or "smallint" or "mediumint" or "int" or "integer" or "bigint" or "year" or "bit" => ValueKind.Integer,
            "decimal" or "numeric" => ValueKind.Decimal,
            "float" or "double" or "real" => ValueKind.Double,
            "date" => ValueKind.Date,
            "datetime" or "timestamp" => ValueKind.DateTime,
            "time" => ValueKind.Time,
            "uuid" => ValueKind.Uuid,
            "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" or "enum" or "set" => ValueKind.String,
            _ when IsBinary(type) => ValueKind.Bytes,
            _ when IsGeometry(type) => ValueKind.String,
            _ => ValueKind.Unknown,
        };
    }

    /// <summary>
    /// The generator spec of a type the kind alone would fill wrongly (null: the scaffold chooses from the kind and name).
    /// <paramref name="length"/>: <c>CHARACTER_MAXIMUM_LENGTH</c> (bytes for binary types).
    /// </summary>
    public static string? Generator(string dataType, string columnType, long? length)
    {
        var type = dataType.ToLowerInvariant();
        var unsigned = columnType.Contains("unsigned", StringComparison.OrdinalIgnoreCase);
        switch (type)
        {
            case "set":
                var members = Labels(columnType).Select(Quote);
                return $"{{ type: set, values: [{string.Join(", ", members)}] }}";
            case "year":
                return "{ type: int, min: 1970, max: 2025 }";
            case "tinyint" when !columnType.StartsWith("tinyint(1)", StringComparison.OrdinalIgnoreCase):
                // The name heuristics reach 1000; a TINYINT holds 127 (255 unsigned).
                return $"{{ type: int, min: 0, max: {(unsigned ? 255 : 127)} }}";
            case "bit" when BitWidth(columnType) is > 1 and var bits:
                var max = bits >= 63 ? long.MaxValue : (1L << bits) - 1;
                return $"{{ type: int, min: 0, max: {max.ToString(CultureInfo.InvariantCulture)} }}";
            case "binary" when length is > 0:
                // BINARY(n) pads shorter values with zero bytes: exactly n bytes come back as written.
                return $"{{ type: bytes, length: {length.Value.ToString(CultureInfo.InvariantCulture)} }}";
            case "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob":
                var most = Math.Min(length ?? 1024, type is "mediumblob" or "longblob" ? 4096 : 1024);
                return $"{{ type: bytes, min: {Math.Min(16, most).ToString(CultureInfo.InvariantCulture)}, max: {most.ToString(CultureInfo.InvariantCulture)} }}";
            case "point" or "geometry":
                return "{ type: geometry, shape: point }";
            case "linestring":
                return "{ type: geometry, shape: linestring }";
            case "polygon":
                return "{ type: geometry, shape: polygon }";
            default:
                return null;
        }
    }

    /// <summary>The quoted labels of an ENUM(…) or SET(…) column type, unquoted.</summary>
    public static List<string> Labels(string columnType) =>
        Label().Matches(columnType[columnType.IndexOf('(', StringComparison.Ordinal)..]).Select(m => m.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal)).ToList();

    private static int? BitWidth(string columnType) =>
        Width().Match(columnType) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : columnType.Equals("bit", StringComparison.OrdinalIgnoreCase) ? 1 : null;

    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex(@"'((?:[^']|'')*)'")]
    private static partial Regex Label();

    [GeneratedRegex(@"^bit\((\d+)\)", RegexOptions.IgnoreCase)]
    private static partial Regex Width();
}
