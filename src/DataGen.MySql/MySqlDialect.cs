using System.Data;
using DataGen.Outputs;
using DataGen.Sql;

namespace DataGen.MySql;

/// <summary>MySQL/MariaDB DDL, backtick quoting, and the values MySqlBulkCopy takes.</summary>
internal sealed class MySqlDialect : SqlDialect
{
    public static MySqlDialect Instance { get; } = new();

    protected override string PrimaryKeySuffix => " NOT NULL PRIMARY KEY";

    protected override string NullableSuffix => " NULL";

    public override string Quote(string identifier) => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";

    public override string ColumnType(FieldDescriptor field, bool keyed) => field.Kind switch
    {
        ValueKind.Integer => "bigint",
        ValueKind.Decimal => "decimal(38, 12)",
        ValueKind.Double => "double",
        ValueKind.Boolean => "boolean",
        ValueKind.Date => "date",
        ValueKind.DateTime => "datetime(6)",
        ValueKind.Time => "time(6)",
        ValueKind.Uuid => "char(36)",
        ValueKind.Object or ValueKind.Array => "json",
        // An indexed text column needs a length (InnoDB keys: 3072 bytes, 768 utf8mb4 characters).
        _ => keyed ? "varchar(255)" : "longtext",
    };

    /// <summary>Locks the rows and gaps of the table until the transaction ends: a second run into the same empty table waits.</summary>
    public override string? LockTable(ModelDescriptor model) => $"SELECT COUNT(*) FROM {QuoteTable(model.Target)} FOR UPDATE";

    /// <summary>
    /// A DataTable shaped like the model with one batch: dates as DateTime, times as TimeSpan, UUIDs as text (or 16
    /// bytes for a binary(16) column), booleans as 0/1, objects and arrays as JSON. <paramref name="columnTypes"/>: an
    /// existing table's column types by name.
    /// </summary>
    public static DataTable ToTable(ModelDescriptor model, IReadOnlyList<object?[]> rows, IReadOnlyDictionary<string, string> columnTypes)
    {
        var table = new DataTable(model.Target) { Locale = System.Globalization.CultureInfo.InvariantCulture };
        var binary = model.Fields.Select(f => columnTypes.GetValueOrDefault(f.Name) is "binary" or "varbinary").ToArray();
        foreach (var field in model.Fields)
        {
            table.Columns.Add(field.Name, typeof(object));
        }

        foreach (var row in rows)
        {
            var values = new object[row.Length];
            for (var i = 0; i < row.Length; i++)
            {
                values[i] = ToDb(row[i], model.Fields[i].Kind, binary[i]);
            }

            table.Rows.Add(values);
        }

        return table;
    }

    private static object ToDb(object? value, ValueKind kind, bool binary) => value switch
    {
        null => DBNull.Value,
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        TimeOnly t => t.ToTimeSpan(),
        DateTimeOffset o => o.UtcDateTime,
        Guid g when binary => g.ToByteArray(bigEndian: true),
        Guid g => g.ToString(),
        bool b => b ? 1 : 0,
        string or byte[] => value,
        System.Collections.IEnumerable => ValueText.ToJson(value),
        _ when kind is ValueKind.Object or ValueKind.Array => ValueText.ToJson(value),
        _ => value,
    };
}
