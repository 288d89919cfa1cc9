using System.Data;
using DataGen.Outputs;
using DataGen.Sql;

namespace DataGen.SqlServer;

/// <summary>SQL Server DDL, identifier quoting and value conversion for SqlBulkCopy.</summary>
internal sealed class SqlServerDialect : SqlDialect
{
    public static SqlServerDialect Instance { get; } = new();

    protected override string CountFunction => "COUNT_BIG";

    protected override string PrimaryKeySuffix => " NOT NULL PRIMARY KEY";

    protected override string NullableSuffix => " NULL";

    public override string Quote(string identifier) => QuoteIdentifier(identifier);

    public override string ColumnType(FieldDescriptor field, bool keyed) => TypeOf(field.Kind, keyed);

    /// <summary>An exclusive table lock held to the end of the transaction.</summary>
    public override string? LockTable(ModelDescriptor model) => $"SELECT TOP (0) 1 FROM {QuoteTable(model.Target)} WITH (TABLOCKX, HOLDLOCK)";

    public static string QuoteIdentifier(string identifier) => "[" + identifier.Replace("]", "]]", StringComparison.Ordinal) + "]";

    /// <summary>Column type; key columns of text get a bounded length (an index key is at most 900 bytes).</summary>
    public static string TypeOf(ValueKind kind, bool key) => kind switch
    {
        ValueKind.Integer => "bigint",
        ValueKind.Decimal => "decimal(38, 12)",
        ValueKind.Double => "float",
        ValueKind.Boolean => "bit",
        ValueKind.Date => "date",
        ValueKind.DateTime => "datetime2(3)",
        ValueKind.Time => "time(3)",
        ValueKind.Uuid => "uniqueidentifier",
        _ => key ? "nvarchar(450)" : "nvarchar(max)",
    };

    public static Type ClrTypeOf(ValueKind kind) => kind switch
    {
        ValueKind.Integer => typeof(long),
        ValueKind.Decimal => typeof(decimal),
        ValueKind.Double => typeof(double),
        ValueKind.Boolean => typeof(bool),
        ValueKind.Date or ValueKind.DateTime => typeof(DateTime),
        ValueKind.Time => typeof(TimeSpan),
        ValueKind.Uuid => typeof(Guid),
        _ => typeof(string),
    };

    /// <summary>A DataTable shaped like the model, filled with one batch (SqlBulkCopy's simplest source).</summary>
    public static DataTable ToTable(ModelDescriptor model, IReadOnlyList<object?[]> rows)
    {
        var table = new DataTable(model.Target) { Locale = System.Globalization.CultureInfo.InvariantCulture };
        foreach (var f in model.Fields)
        {
            table.Columns.Add(f.Name, ClrTypeOf(f.Kind));
        }

        foreach (var row in rows)
        {
            var values = new object[row.Length];
            for (var i = 0; i < row.Length; i++)
            {
                values[i] = ToDb(row[i], model.Fields[i].Kind);
            }

            table.Rows.Add(values);
        }

        return table;
    }

    public static object ToDb(object? value, ValueKind kind) => value switch
    {
        null => DBNull.Value,
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        TimeOnly t => t.ToTimeSpan(),
        _ when ClrTypeOf(kind) == typeof(string) => value is string s ? s : value is System.Collections.IEnumerable ? ValueText.ToJson(value) : ValueText.Format(value),
        _ => value,
    };
}
