using System.Text.RegularExpressions;
using DataGen.Schemas;
using DataGen.Sql;
using MySqlConnector;

namespace DataGen.MySql;

/// <summary>
/// Reads the base tables of the connection's database from <c>information_schema</c> (MySQL 8 and MariaDB 10.x alike):
/// columns (type, length, precision and scale, nullability, default, AUTO_INCREMENT, generated), ENUM labels, primary
/// and unique keys, foreign keys and CHECK constraints (as the server prints them, with backticks). Tables are reported
/// without a schema: a MySQL database is the schema.
/// </summary>
internal static partial class MySqlSchemaReader
{
    private const string ColumnsSql = """
        SELECT c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_TYPE, c.DATA_TYPE, c.IS_NULLABLE, c.COLUMN_DEFAULT, c.EXTRA,
               c.CHARACTER_MAXIMUM_LENGTH, c.NUMERIC_PRECISION, c.NUMERIC_SCALE
        FROM information_schema.COLUMNS c
        JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
        WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
        ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION
        """;

    private const string KeysSql = """
        SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, tc.CONSTRAINT_TYPE, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME
        FROM information_schema.KEY_COLUMN_USAGE k
        JOIN information_schema.TABLE_CONSTRAINTS tc
          ON tc.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND tc.TABLE_NAME = k.TABLE_NAME AND tc.CONSTRAINT_NAME = k.CONSTRAINT_NAME
        WHERE k.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')
        ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION
        """;

    private const string ChecksSql = """
        SELECT tc.TABLE_NAME, cc.CHECK_CLAUSE
        FROM information_schema.TABLE_CONSTRAINTS tc
        JOIN information_schema.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
        WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE = 'CHECK'
        ORDER BY tc.TABLE_NAME, tc.CONSTRAINT_NAME
        """;

    private const string TriggersSql = """
        SELECT EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT
        FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()
        """;

    [GeneratedRegex(@"^json_valid\(`([^`]+)`\)$", RegexOptions.IgnoreCase)]
    private static partial Regex JsonCheck();

    public static async Task<DatabaseSchema> ReadAsync(MySqlConnection connection, SchemaFilter? filter, CancellationToken cancellationToken)
    {
        var columns = new Dictionary<string, List<(string Name, string ColumnType, string DataType, bool Nullable, string? Default, string Extra, long? Length, long? Precision, long? Scale)>>(StringComparer.Ordinal);
        await SqlCommands.ReadAsync(connection, null, ColumnsSql, r =>
        {
            var table = r.GetString(0);
            if (filter is not null && !filter.Includes(null, table))
            {
                return;
            }

            if (!columns.TryGetValue(table, out var list))
            {
                columns[table] = list = [];
            }

            list.Add((r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4) == "YES", r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? string.Empty : r.GetString(6),
                r.IsDBNull(7) ? null : Convert.ToInt64(r.GetValue(7), System.Globalization.CultureInfo.InvariantCulture),
                r.IsDBNull(8) ? null : Convert.ToInt64(r.GetValue(8), System.Globalization.CultureInfo.InvariantCulture),
                r.IsDBNull(9) ? null : Convert.ToInt64(r.GetValue(9), System.Globalization.CultureInfo.InvariantCulture)));
        }, cancellationToken).ConfigureAwait(false);

        var keys = new List<(string Table, string Name, string Type, string Column, string? ReferencedTable, string? ReferencedColumn)>();
        await SqlCommands.ReadAsync(connection, null, KeysSql, r => keys.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5))), cancellationToken).ConfigureAwait(false);

        var checks = new List<(string Table, string Clause)>();
        try
        {
            await SqlCommands.ReadAsync(connection, null, ChecksSql, r => checks.Add((r.GetString(0), r.GetString(1))), cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.UnknownTable)
        {
            // MySQL before 8.0.16 has no CHECK_CONSTRAINTS (and enforced no checks).
        }

        // Columns a BEFORE INSERT trigger sets (SET NEW.col = …) are left to it; tables other tables' triggers insert into are derived.
        var assigned = new Dictionary<(string Table, string Column), string>();
        var filled = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        await SqlCommands.ReadAsync(connection, null, TriggersSql, r =>
        {
            var (table, name, body) = (r.GetString(0), r.GetString(1), r.GetString(4));
            if (r.GetString(2) == "BEFORE" && r.GetString(3) == "INSERT")
            {
                foreach (var column in SqlTriggerBodies.AssignedColumns(body))
                {
                    assigned.TryAdd((table, column), name);
                }
            }

            foreach (var target in SqlTriggerBodies.InsertTargets(body).Select(SqlDialect.TableName).Where(t => !t.Equals(table, StringComparison.OrdinalIgnoreCase)))
            {
                (filled.TryGetValue(target, out var list) ? list : filled[target] = []).Add(name);
            }
        }, cancellationToken).ConfigureAwait(false);

        var tables = new List<TableSchema>();
        foreach (var (table, list) in columns)
        {
            var own = keys.Where(k => k.Table == table).ToList();
            var tableChecks = checks.Where(c => c.Table == table).Select(c => c.Clause).ToList();
            var json = tableChecks.Select(c => JsonCheck().Match(c.Trim())).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            tables.Add(new TableSchema(null, table, list.Select(c => Column(c.Name, c.ColumnType, c.DataType, c.Nullable, c.Default, c.Extra, c.Length, c.Precision, c.Scale, json.Contains(c.Name), assigned.GetValueOrDefault((table, c.Name)))).ToList())
            {
                FilledByTriggers = filled.GetValueOrDefault(table) ?? [],
                PrimaryKey = own.Where(k => k.Type == "PRIMARY KEY").Select(k => k.Column).ToList(),
                UniqueKeys = own.Where(k => k.Type == "UNIQUE").GroupBy(k => k.Name).Select(g => (IReadOnlyList<string>)g.Select(k => k.Column).ToList()).ToList(),
                ForeignKeys = own.Where(k => k.Type == "FOREIGN KEY" && k.ReferencedTable is not null).GroupBy(k => k.Name)
                    .Select(g => new ForeignKeySchema(g.Select(k => k.Column).ToList(), g.First().ReferencedTable!, g.Select(k => k.ReferencedColumn!).ToList())).ToList(),
                Checks = tableChecks.Where(c => !JsonCheck().IsMatch(c.Trim())).ToList(),
            });
        }

        return new DatabaseSchema(tables);
    }

    private static ColumnSchema Column(string name, string columnType, string dataType, bool nullable, string? @default, string extra, long? length, long? precision, long? scale, bool json, string? trigger)
    {
        var type = dataType.ToLowerInvariant();
        var kind = MySqlTypes.Kind(type, columnType, json);

        // MariaDB prints "no default" of a nullable column as the text NULL, and quotes literal defaults.
        var noDefault = @default is null || (nullable && @default == "NULL");
        var computed = extra.Contains("GENERATED", StringComparison.OrdinalIgnoreCase) && !extra.Contains("DEFAULT_GENERATED", StringComparison.OrdinalIgnoreCase)
            || extra.Equals("VIRTUAL", StringComparison.OrdinalIgnoreCase) || extra.Equals("PERSISTENT", StringComparison.OrdinalIgnoreCase) || extra.Equals("STORED", StringComparison.OrdinalIgnoreCase);
        return new ColumnSchema(name, columnType, kind)
        {
            Nullable = nullable,
            Default = noDefault ? null : @default,
            Identity = extra.Contains("auto_increment", StringComparison.OrdinalIgnoreCase),
            Computed = computed,
            MaxLength = length is > 0 and <= int.MaxValue && type is "char" or "varchar" or "tinytext" or "binary" or "varbinary" or "tinyblob" ? (int)length : null,
            Precision = kind == ValueKind.Decimal ? (int?)precision : null,
            Scale = kind == ValueKind.Decimal ? (int?)scale : null,
            AllowedValues = type == "enum" ? MySqlTypes.Labels(columnType) : null,
            Generator = json ? null : MySqlTypes.Generator(type, columnType, length),
            FilledByTrigger = trigger,
        };
    }
}
