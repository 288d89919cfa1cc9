using DataGen.Outputs;
using DataGen.Shared;

namespace DataGen.Sqlite;

/// <summary>SQLite DDL, identifier quoting and value conversion.</summary>
internal static class SqliteDialect
{
    /// <summary>Quotes an identifier; manifest names are already restricted to letters, digits, '_', '.', '-'.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string TypeOf(ValueKind kind) => kind switch
    {
        ValueKind.Integer or ValueKind.Boolean => "INTEGER",
        ValueKind.Decimal => "NUMERIC",
        ValueKind.Double => "REAL",
        _ => "TEXT",
    };

    private static readonly SqlTables.Dialect Ddl = new(Quote, (f, _) => TypeOf(f.Kind));

    public static string CreateTable(ModelDescriptor model) => SqlTables.Create(model, Ddl);

    public static IEnumerable<string> CreateIndexes(ModelDescriptor model) => SqlTables.CreateIndexes(model, Ddl);

    public static string Insert(ModelDescriptor model) =>
        $"INSERT INTO {Quote(model.Target)} ({string.Join(", ", model.Fields.Select(f => Quote(f.Name)))}) VALUES ({string.Join(", ", model.Fields.Select((_, i) => $"$p{i}"))})";

    public static object ToDb(object? value) => value switch
    {
        null => DBNull.Value,
        string or long or double => value,
        bool b => b ? 1L : 0L,
        decimal d => d,
        Guid or DateOnly or DateTime or TimeOnly => ValueText.Format(value),
        System.Collections.IEnumerable => ValueText.ToJson(value),
        _ => ValueText.Format(value),
    };
}
