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

    /// <summary>An extended property <c>datagen</c> on the table: what a later run reads to know DataGen made it.</summary>
    public override IEnumerable<string> MarkCreated(ModelDescriptor model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var quoted = QuoteTable(model.Target).Replace("'", "''", StringComparison.Ordinal);
        return [$"DECLARE @schema sysname = COALESCE(PARSENAME(N'{quoted}', 2), SCHEMA_NAME()); EXEC sys.sp_addextendedproperty @name = N'datagen', @value = N'{CreatedComment(model).Replace("'", "''", StringComparison.Ordinal)}', @level0type = N'SCHEMA', @level0name = @schema, @level1type = N'TABLE', @level1name = N'{TableName(model.Target).Replace("'", "''", StringComparison.Ordinal)}'"];
    }

    /// <summary>
    /// One batch: the enabled foreign keys that point at the tables are disabled, the tables emptied with a DELETE each
    /// (children first: a cycle among them empties too), and the same keys enabled again WITH CHECK (the tables are empty
    /// and nothing outside the run that holds rows references them, which the run refused before).
    /// </summary>
    public override IEnumerable<string> EmptyTables(IReadOnlyList<string> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (tables.Count == 0)
        {
            return [];
        }

        var ids = string.Join(", ", tables.Select(t => $"OBJECT_ID(N'{QuoteTable(t).Replace("'", "''", StringComparison.Ordinal)}')"));
        return [$"""
            DECLARE @fk TABLE (t nvarchar(600), f sysname);
            INSERT INTO @fk SELECT QUOTENAME(OBJECT_SCHEMA_NAME(k.parent_object_id)) + N'.' + QUOTENAME(OBJECT_NAME(k.parent_object_id)), k.name FROM sys.foreign_keys k WHERE k.is_disabled = 0 AND k.referenced_object_id IN ({ids});
            DECLARE @sql nvarchar(max) = N'';
            SELECT @sql += N'ALTER TABLE ' + t + N' NOCHECK CONSTRAINT ' + QUOTENAME(f) + N';' FROM @fk;
            EXEC sys.sp_executesql @sql;
            {string.Join("\n", tables.Select(t => $"DELETE FROM {QuoteTable(t)};"))}
            SET @sql = N'';
            SELECT @sql += N'ALTER TABLE ' + t + N' WITH CHECK CHECK CONSTRAINT ' + QUOTENAME(f) + N';' FROM @fk;
            EXEC sys.sp_executesql @sql;
            """];
    }

    public override string? CreateSchema(string schema) =>
        $"IF SCHEMA_ID(N'{schema.Replace("'", "''", StringComparison.Ordinal)}') IS NULL EXEC(N'CREATE SCHEMA {Quote(schema).Replace("'", "''", StringComparison.Ordinal)}')";

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
        ValueKind.Bytes => key ? "varbinary(900)" : "varbinary(max)",
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
        ValueKind.Bytes => typeof(byte[]),
        _ => typeof(string),
    };

    /// <summary>The CLR type a destination column of an existing table takes when the field's own kind would not convert.</summary>
    public static Type? ClrTypeOfColumn(string? sqlType) => sqlType switch
    {
        "varbinary" or "binary" or "image" => typeof(byte[]),
        "datetimeoffset" => typeof(DateTimeOffset),
        _ when SqlServerTypes.IsClrType(sqlType) => typeof(byte[]),
        _ => null,
    };

    /// <summary>
    /// A DataTable shaped like the model, filled with one batch (SqlBulkCopy's simplest source). <paramref name="columnTypes"/>:
    /// an existing table's column types by name, for the columns whose values need converting (binary, datetimeoffset).
    /// </summary>
    public static DataTable ToTable(ModelDescriptor model, IReadOnlyList<object?[]> rows, IReadOnlyDictionary<string, string>? columnTypes = null)
    {
        var table = new DataTable(model.Target) { Locale = System.Globalization.CultureInfo.InvariantCulture };
        var special = model.Fields.Select(f => ClrTypeOfColumn(columnTypes?.GetValueOrDefault(f.Name))).ToArray();
        for (var i = 0; i < model.Fields.Count; i++)
        {
            table.Columns.Add(model.Fields[i].Name, special[i] ?? ClrTypeOf(model.Fields[i].Kind));
        }

        foreach (var row in rows)
        {
            var values = new object[row.Length];
            for (var i = 0; i < row.Length; i++)
            {
                values[i] = special[i] is null ? ToDb(row[i], model.Fields[i].Kind)
                    : columnTypes?.GetValueOrDefault(model.Fields[i].Name) is { } clr && SqlServerTypes.IsClrType(clr) && row[i] is string text ? ToClrBytes(model, i, clr, text)
                    : Convert(row[i], special[i]!);
            }

            table.Rows.Add(values);
        }

        return table;
    }

    /// <summary>A geography, geometry or hierarchyid value as the bytes SqlBulkCopy takes; text it cannot read is an error naming model, table and column.</summary>
    private static byte[] ToClrBytes(ModelDescriptor model, int field, string type, string text)
    {
        try
        {
            return SqlServerTypes.ToClrBytes(type, text);
        }
        catch (FormatException e)
        {
            throw new GenerationException($"table '{model.Target}', column '{model.Fields[field].Name}' ({type}): {e.Message}", model.Name, model.Fields[field].Name, null, e);
        }
    }

    private static object Convert(object? value, Type type) => value switch
    {
        null => DBNull.Value,
        byte[] bytes => bytes,
        DateTimeOffset offset => offset,
        DateTime time when type == typeof(DateTimeOffset) => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        DateOnly date when type == typeof(DateTimeOffset) => new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)),
        _ when type == typeof(byte[]) => System.Text.Encoding.UTF8.GetBytes(ValueText.Format(value)),
        _ => DateTimeOffset.Parse(ValueText.Format(value), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal),
    };

    public static object ToDb(object? value, ValueKind kind) => value switch
    {
        null => DBNull.Value,
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        TimeOnly t => t.ToTimeSpan(),
        _ when ClrTypeOf(kind) == typeof(string) => value is string s ? s : value is System.Collections.IEnumerable and not byte[] ? ValueText.ToJson(value) : ValueText.Format(value),
        _ => value,
    };
}
