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
        ValueKind.Bytes => keyed ? "varbinary(255)" : "longblob",
        // An indexed text column needs a length (InnoDB keys: 3072 bytes, 768 utf8mb4 characters).
        _ => keyed ? "varchar(255)" : "longtext",
    };

    /// <summary>The table's comment: what a later run reads to know DataGen made it.</summary>
    protected override string CreateTableSuffix(ModelDescriptor model) =>
        $" COMMENT = '{CreatedComment(model).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal)}'";

    /// <summary>Locks the rows and gaps of the table until the transaction ends: a second run into the same empty table waits.</summary>
    public override string? LockTable(ModelDescriptor model) => $"SELECT COUNT(*) FROM {QuoteTable(model.Target)} FOR UPDATE";

    /// <summary>
    /// A DataTable shaped like the model (typed columns: text, 64-bit integers, decimals, doubles, DateTime, TimeSpan;
    /// UUIDs as text or, for a binary(16) column, 16 bytes; booleans as 0/1; objects and arrays as JSON; bytes for every
    /// binary column, which MySqlBulkCopy sends as hex through UNHEX — text sent there would be read as hex and lost), to be filled
    /// batch after batch by <see cref="Fill"/>. <paramref name="columnTypes"/>: an existing table's column types by name.
    /// </summary>
    public static DataTable NewTable(ModelDescriptor model, IReadOnlyDictionary<string, string> columnTypes)
    {
        var table = new DataTable(model.Target) { Locale = System.Globalization.CultureInfo.InvariantCulture };
        foreach (var field in model.Fields)
        {
            var binary = columnTypes.GetValueOrDefault(field.Name) is { } type ? MySqlTypes.IsBinary(type) : field.Kind == ValueKind.Bytes;
            table.Columns.Add(field.Name, field.Kind switch
            {
                _ when binary => typeof(byte[]),
                ValueKind.Integer => typeof(long),
                ValueKind.Decimal => typeof(decimal),
                ValueKind.Double => typeof(double),
                ValueKind.Boolean => typeof(int),
                ValueKind.Date or ValueKind.DateTime => typeof(DateTime),
                ValueKind.Time => typeof(TimeSpan),
                ValueKind.Uuid or ValueKind.String or ValueKind.Object or ValueKind.Array => typeof(string),
                _ => typeof(object),
            });
        }

        return table;
    }

    /// <summary>Adds a batch's rows to the table (<paramref name="firstRow"/>: the batch's first row, for errors).</summary>
    public static void Fill(DataTable table, ModelDescriptor model, IReadOnlyList<object?[]> rows, long firstRow = 0)
    {
        var index = firstRow - 1;
        table.BeginLoadData();
        var binary = table.Columns.Cast<DataColumn>().Select(c => c.DataType == typeof(byte[])).ToArray();
        var values = new object[model.Fields.Count];
        foreach (var row in rows)
        {
            index++;
            for (var i = 0; i < row.Length; i++)
            {
                try
                {
                    values[i] = ToDb(row[i], model.Fields[i].Kind, binary[i]);
                }
                catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
                {
                    throw new GenerationException($"table '{model.Target}', column '{model.Fields[i].Name}': the value cannot be converted for the column: {e.Message}", model.Name, model.Fields[i].Name, index, e);
                }
            }

            try
            {
                table.LoadDataRow(values, true);
            }
            catch (ArgumentException e)
            {
                var column = model.Fields.Select((f, i) => (f, i)).FirstOrDefault(x => values[x.i] is not DBNull && !table.Columns[x.i].DataType.IsInstanceOfType(values[x.i])).f;
                throw new GenerationException($"table '{model.Target}'{(column is null ? string.Empty : $", column '{column.Name}'")}: the value does not fit the column: {e.Message}", model.Name, column?.Name, index, e);
            }
        }

        table.EndLoadData();
    }

    public static object ToDb(object? value, ValueKind kind, bool binary) => value switch
    {
        null => DBNull.Value,
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        TimeOnly t => t.ToTimeSpan(),
        DateTimeOffset o => o.UtcDateTime,
        Guid g when binary => g.ToByteArray(bigEndian: true),
        Guid g => g.ToString(),
        byte[] when binary => value,
        byte[] bytes => Convert.ToBase64String(bytes),
        _ when binary => System.Text.Encoding.UTF8.GetBytes(value as string ?? ValueText.Format(value)),
        bool b => b ? 1 : 0,
        string => value,
        System.Collections.IEnumerable => ValueText.ToJson(value),
        _ when kind is ValueKind.Object or ValueKind.Array => ValueText.ToJson(value),
        _ when kind is ValueKind.String or ValueKind.Uuid => ValueText.Format(value),
        _ => value,
    };
}
