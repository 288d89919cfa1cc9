using System.Text.RegularExpressions;

namespace DataGen.Sqlite;

/// <summary>
/// What DataGen knows of SQLite's declared types: SQLite keeps any text as a column's type and stores by affinity, so the
/// kind comes from the names people write (<c>VARCHAR(45)</c>, <c>DATETIME</c>, <c>BOOLEAN</c>, <c>NUMERIC(5,2)</c>,
/// <c>YEAR</c>, <c>BLOB</c> …) in SQLite's affinity order, and a generator where the kind says too little.
/// </summary>
internal static partial class SqliteTypes
{
    /// <summary>Kind, length, precision and scale from a declared type, by SQLite's affinity rules plus common names.</summary>
    public static (ValueKind Kind, int? Length, int? Precision, int? Scale) Describe(string type)
    {
        var upper = type.ToUpperInvariant();
        var modifiers = Modifiers().Match(upper) is { Success: true } m
            ? m.Groups[1].Value.Split(',').Select(x => int.TryParse(x.Trim(), out var v) ? v : (int?)null).ToArray()
            : [];
        int? First() => modifiers.Length > 0 ? modifiers[0] : null;
        int? Second() => modifiers.Length > 1 ? modifiers[1] : null;
        return upper switch
        {
            _ when upper.Contains("BOOL", StringComparison.Ordinal) => (ValueKind.Boolean, null, null, null),
            _ when upper.Contains("INT", StringComparison.Ordinal) || IsYear(upper) => (ValueKind.Integer, null, null, null),
            _ when upper.Contains("UUID", StringComparison.Ordinal) || upper.Contains("GUID", StringComparison.Ordinal) => (ValueKind.Uuid, null, null, null),
            _ when upper.Contains("DATETIME", StringComparison.Ordinal) || upper.Contains("TIMESTAMP", StringComparison.Ordinal) => (ValueKind.DateTime, null, null, null),
            _ when upper.Contains("DATE", StringComparison.Ordinal) => (ValueKind.Date, null, null, null),
            _ when upper.Contains("TIME", StringComparison.Ordinal) => (ValueKind.Time, null, null, null),
            _ when upper.Contains("JSON", StringComparison.Ordinal) => (ValueKind.Object, null, null, null),
            _ when upper.Contains("CHAR", StringComparison.Ordinal) || upper.Contains("CLOB", StringComparison.Ordinal) || upper.Contains("TEXT", StringComparison.Ordinal) => (ValueKind.String, First(), null, null),
            // BLOB affinity: a declared BLOB (or BINARY, VARBINARY, BYTEA, IMAGE from ported schemas) holds bytes.
            _ when upper.Contains("BLOB", StringComparison.Ordinal) || upper.Contains("BINARY", StringComparison.Ordinal) || upper is "BYTEA" or "IMAGE" => (ValueKind.Bytes, First(), null, null),
            _ when upper.Contains("REAL", StringComparison.Ordinal) || upper.Contains("FLOA", StringComparison.Ordinal) || upper.Contains("DOUB", StringComparison.Ordinal) => (ValueKind.Double, null, null, null),
            _ when upper.Contains("DEC", StringComparison.Ordinal) || upper.Contains("NUM", StringComparison.Ordinal) || upper.Contains("MONEY", StringComparison.Ordinal) => (ValueKind.Decimal, null, First(), Second()),
            _ => (ValueKind.String, First(), null, null),
        };
    }

    /// <summary>The generator spec of a declared type the kind alone would fill wrongly (null: the scaffold chooses from the kind and name).</summary>
    public static string? Generator(string type)
    {
        var upper = type.ToUpperInvariant().Trim();
        if (IsYear(upper))
        {
            return "{ type: int, min: 1970, max: 2025 }";
        }

        if (Describe(type) is { Kind: ValueKind.Bytes } bytes)
        {
            return bytes.Length is { } n && upper.StartsWith("BINARY", StringComparison.Ordinal)
                ? $"{{ type: bytes, length: {n} }}"
                : $"{{ type: bytes, min: {Math.Min(16, bytes.Length ?? 16)}, max: {Math.Min(1024, bytes.Length ?? 1024)} }}";
        }

        return null;
    }

    /// <summary>A <c>CREATE TABLE … WITHOUT ROWID</c>: its INTEGER PRIMARY KEY is no rowid, so nothing numbers it.</summary>
    public static bool WithoutRowid(string createTable) => WithoutRowidClause().IsMatch(createTable);

    private static bool IsYear(string upper) => upper is "YEAR" || upper.StartsWith("YEAR(", StringComparison.Ordinal);

    [GeneratedRegex(@"\(([^)]*)\)")]
    private static partial Regex Modifiers();

    [GeneratedRegex(@"\)\s*(?:STRICT\s*,\s*)?WITHOUT\s+ROWID\b", RegexOptions.IgnoreCase)]
    private static partial Regex WithoutRowidClause();
}
