using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;

namespace DataGen.SqlServer;

/// <summary>
/// What DataGen knows of SQL Server's column types: the kind of value each holds, the generator that writes valid values
/// where the kind says too little (tinyint and smallmoney ranges, binary lengths, xml, hierarchyid, spatial points), and
/// the bytes SqlBulkCopy needs for the CLR types (<c>geography</c>, <c>geometry</c>, <c>hierarchyid</c>), which it will
/// not convert from text.
/// </summary>
internal static partial class SqlServerTypes
{
    /// <summary>The kind and length (characters for text, bytes for binary; null for max) of a system type.</summary>
    public static (ValueKind Kind, int? Length) Describe(string type, int maxLength) => type switch
    {
        "tinyint" or "smallint" or "int" or "bigint" => (ValueKind.Integer, null),
        "decimal" or "numeric" or "money" or "smallmoney" => (ValueKind.Decimal, null),
        "float" or "real" => (ValueKind.Double, null),
        "bit" => (ValueKind.Boolean, null),
        "date" => (ValueKind.Date, null),
        "datetime" or "datetime2" or "smalldatetime" or "datetimeoffset" => (ValueKind.DateTime, null),
        "time" => (ValueKind.Time, null),
        "uniqueidentifier" => (ValueKind.Uuid, null),
        "nvarchar" or "nchar" => (ValueKind.String, maxLength < 0 ? null : maxLength / 2),
        "varchar" or "char" => (ValueKind.String, maxLength < 0 ? null : maxLength),
        "varbinary" or "binary" => (ValueKind.Bytes, maxLength < 0 ? null : maxLength),
        "image" => (ValueKind.Bytes, null),
        "text" or "ntext" or "xml" or "sysname" or "sql_variant" or "hierarchyid" or "geography" or "geometry" => (ValueKind.String, type == "sysname" ? 128 : null),
        _ => (ValueKind.Unknown, null),
    };

    /// <summary>The type as the scaffold shows it (<c>decimal(9,2)</c>, <c>nvarchar(max)</c>).</summary>
    public static string Format(string type, int maxLength, int precision, int scale) => type switch
    {
        "decimal" or "numeric" => $"{type}({precision},{scale})",
        "nvarchar" or "nchar" => $"{type}({(maxLength < 0 ? "max" : (maxLength / 2).ToString(CultureInfo.InvariantCulture))})",
        "varchar" or "char" or "varbinary" or "binary" => $"{type}({(maxLength < 0 ? "max" : maxLength.ToString(CultureInfo.InvariantCulture))})",
        _ => type,
    };

    /// <summary>A column as the catalog describes it (<c>sys.columns</c>, a user type by its base type).</summary>
    public static Schemas.ColumnSchema Column(string name, string type, int maxLength, int precision, int scale, bool nullable, bool identity, bool computed, string? defaultSql)
    {
        var (kind, length) = Describe(type, maxLength);
        return new Schemas.ColumnSchema(name, Format(type, maxLength, precision, scale), kind)
        {
            Nullable = nullable,
            Identity = identity,
            Computed = computed || type is "timestamp" or "rowversion",
            Default = defaultSql,
            MaxLength = length,
            Precision = kind == ValueKind.Decimal ? precision : null,
            Scale = kind == ValueKind.Decimal ? scale : null,
            Generator = Generator(type, length),
        };
    }

    /// <summary>The generator spec of a type the kind alone would fill wrongly (null: the scaffold chooses from the kind and name).</summary>
    /// <param name="type">The system type (a user type's base type).</param>
    /// <param name="length">Characters or bytes, null for max.</param>
    public static string? Generator(string type, int? length) => type switch
    {
        // The name heuristics reach 1000; a tinyint holds 0–255, a smallmoney ±214,748.3647.
        "tinyint" => "{ type: int, min: 0, max: 255 }",
        "smallmoney" => "{ type: decimal, min: 0, max: 200000, scale: 4 }",
        "money" => "{ type: decimal, min: 0, max: 1000000, scale: 4 }",
        "binary" when length is > 0 => $"{{ type: bytes, length: {length.Value.ToString(CultureInfo.InvariantCulture)} }}",
        "varbinary" or "image" => $"{{ type: bytes, min: {Math.Min(16, length ?? 16).ToString(CultureInfo.InvariantCulture)}, max: {Math.Min(1024, length ?? 1024).ToString(CultureInfo.InvariantCulture)} }}",
        "xml" => "{ type: mask, mask: \"<note n='###'>@@@@@@@@</note>\" }",
        // Levels 0–9, two deep: what the bytes below encode.
        "hierarchyid" => "{ type: mask, mask: \"/#/#/\" }",
        "geography" => "{ type: geometry, shape: point, minX: -180, maxX: 180, minY: -90, maxY: 90 }",
        "geometry" => "{ type: geometry, shape: point }",
        _ => null,
    };

    /// <summary>Whether values of the type go to SqlBulkCopy as SQL Server's own serialized bytes (the CLR types).</summary>
    public static bool IsClrType(string? type) => type is "geography" or "geometry" or "hierarchyid";

    /// <summary>
    /// A value in the serialized form SQL Server reads for a CLR-type column: a point's well-known text
    /// (<c>POINT(x y)</c>; geography SRID 4326, x the longitude) or a hierarchyid path (<c>/1/3/</c>, levels 0–15).
    /// </summary>
    /// <exception cref="FormatException">The text is not such a value; the message says what is taken.</exception>
    public static byte[] ToClrBytes(string type, string text) => type switch
    {
        "hierarchyid" => HierarchyId(text),
        "geography" or "geometry" => Point(type == "geography", text),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a CLR type"),
    };

    /// <summary>
    /// A point in SQL Server's spatial serialization (version 1): SRID, version, properties (valid, single point), then
    /// the two coordinates — latitude before longitude for geography, x before y for geometry.
    /// </summary>
    private static byte[] Point(bool geography, string text)
    {
        var m = PointText().Match(text);
        if (!m.Success)
        {
            throw new FormatException($"'{text}' is not a point's well-known text (POINT(x y)): a {(geography ? "geography" : "geometry")} column is loaded through SqlBulkCopy, which takes points only");
        }

        var x = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var y = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        if (geography && (y is < -90 or > 90 || x is < -15069 or > 15069))
        {
            throw new FormatException($"'{text}' is not a geography point: the latitude (y) must be within -90 to 90");
        }

        var bytes = new byte[22];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, geography ? 4326 : 0);
        bytes[4] = 1;
        bytes[5] = 0x0C;
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(6), geography ? y : x);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(14), geography ? x : y);
        return bytes;
    }

    /// <summary>
    /// A hierarchyid path in SQL Server's compact bit form: each level's label as one of the documented bit patterns
    /// (0–3: <c>01xx</c>, 4–7: <c>100xx</c>, 8–15: <c>101xxx</c>), each followed by a 1 (an integer label), the
    /// whole padded with zero bits to a byte. The root <c>/</c> is no bytes.
    /// </summary>
    private static byte[] HierarchyId(string text)
    {
        if (!HierarchyPath().IsMatch(text))
        {
            throw new FormatException($"'{text}' is not a hierarchyid path such as /1/3/ with levels 0 to 15 (what DataGen can send through SqlBulkCopy)");
        }

        var bits = new List<bool>();
        foreach (var level in text.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(l => int.Parse(l, CultureInfo.InvariantCulture)))
        {
            var (prefix, width, offset) = level switch
            {
                <= 3 => ("01", 2, 0),
                <= 7 => ("100", 2, 4),
                _ => ("101", 3, 8),
            };
            bits.AddRange(prefix.Select(c => c == '1'));
            for (var b = width - 1; b >= 0; b--)
            {
                bits.Add((((level - offset) >> b) & 1) == 1);
            }

            bits.Add(true);
        }

        var bytes = new byte[(bits.Count + 7) / 8];
        for (var i = 0; i < bits.Count; i++)
        {
            if (bits[i])
            {
                bytes[i / 8] |= (byte)(0x80 >> (i % 8));
            }
        }

        return bytes;
    }

    [GeneratedRegex(@"^\s*POINT\s*\(\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s+(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*\)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex PointText();

    [GeneratedRegex(@"^/(?:(?:1[0-5]|[0-9])/)*$")]
    private static partial Regex HierarchyPath();
}
