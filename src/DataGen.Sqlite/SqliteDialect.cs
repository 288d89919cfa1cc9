using DataGen.Outputs;
using DataGen.Sql;

namespace DataGen.Sqlite;

/// <summary>SQLite DDL, identifier quoting and value conversion.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    public static SqliteDialect Instance { get; } = new();

    /// <summary>Quotes an identifier; manifest names are already restricted to letters, digits, '_', '.', '-'.</summary>
    public override string Quote(string identifier) => QuoteIdentifier(identifier);

    public override string ColumnType(FieldDescriptor field, bool keyed) => TypeOf(field.Kind);

    /// <summary>A comment opening the column list, which SQLite keeps in the table's text: what a later run reads to know DataGen made it.</summary>
    protected override string CreateTablePrefix(ModelDescriptor model) => $"/* {CreatedComment(model).Replace("*/", "* /", StringComparison.Ordinal)} */ ";

    public static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string TypeOf(ValueKind kind) => kind switch
    {
        ValueKind.Integer or ValueKind.Boolean => "INTEGER",
        ValueKind.Decimal => "NUMERIC",
        ValueKind.Double => "REAL",
        ValueKind.Bytes => "BLOB",
        _ => "TEXT",
    };

    public static string Insert(ModelDescriptor model) =>
        $"INSERT INTO {Instance.QuoteTable(model.Target)} ({string.Join(", ", model.Fields.Select(f => QuoteIdentifier(f.Name)))}) VALUES ({string.Join(", ", model.Fields.Select((_, i) => $"$p{i}"))})";

    public static object ToDb(object? value) => value switch
    {
        null => DBNull.Value,
        string or long or double or byte[] => value,
        bool b => b ? 1L : 0L,
        decimal d => d,
        Guid or DateOnly or DateTime or TimeOnly => ValueText.Format(value),
        System.Collections.IEnumerable => ValueText.ToJson(value),
        _ => ValueText.Format(value),
    };
}
