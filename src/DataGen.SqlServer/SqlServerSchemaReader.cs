using DataGen.Schemas;
using DataGen.Sql;
using Microsoft.Data.SqlClient;

namespace DataGen.SqlServer;

/// <summary>
/// Reads user tables from SQL Server's catalog views: columns (type, length, precision and scale, nullability,
/// default, identity, computed), primary keys, unique constraints and unique indexes, foreign keys and CHECK
/// constraints (as SQL Server prints them: <c>([status]='a' OR [status]='b')</c>). Views and system tables are left out.
/// </summary>
internal static class SqlServerSchemaReader
{
    private const string TablesSql = """
        SELECT t.object_id, s.name, t.name
        FROM sys.tables t JOIN sys.schemas s ON s.schema_id = t.schema_id
        WHERE t.is_ms_shipped = 0 AND t.temporal_type <> 1
        ORDER BY s.name, t.name
        """;

    private const string ColumnsSql = """
        SELECT c.object_id, c.name, ty.name, c.max_length, c.precision, c.scale, c.is_nullable, c.is_identity, c.is_computed,
               OBJECT_DEFINITION(c.default_object_id), bt.name
        FROM sys.columns c
        JOIN sys.types ty ON ty.user_type_id = c.user_type_id
        LEFT JOIN sys.types bt ON bt.user_type_id = ty.system_type_id AND ty.is_user_defined = 1
        JOIN sys.tables t ON t.object_id = c.object_id
        WHERE t.is_ms_shipped = 0
        ORDER BY c.object_id, c.column_id
        """;

    private const string KeysSql = """
        SELECT i.object_id, i.index_id, i.is_primary_key, c.name
        FROM sys.indexes i
        JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id AND ic.is_included_column = 0
        JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
        JOIN sys.tables t ON t.object_id = i.object_id
        WHERE t.is_ms_shipped = 0 AND (i.is_primary_key = 1 OR i.is_unique = 1) AND i.has_filter = 0
        ORDER BY i.object_id, i.index_id, ic.key_ordinal
        """;

    private const string ForeignKeysSql = """
        SELECT fk.parent_object_id, fk.object_id, pc.name, rs.name, rt.name, rc.name
        FROM sys.foreign_keys fk
        JOIN sys.foreign_key_columns fkc ON fkc.constraint_object_id = fk.object_id
        JOIN sys.columns pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id
        JOIN sys.tables rt ON rt.object_id = fkc.referenced_object_id
        JOIN sys.schemas rs ON rs.schema_id = rt.schema_id
        JOIN sys.columns rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id
        ORDER BY fk.parent_object_id, fk.object_id, fkc.constraint_column_id
        """;

    private const string ChecksSql = "SELECT parent_object_id, definition FROM sys.check_constraints WHERE is_disabled = 0 ORDER BY parent_object_id, name";

    public static async Task<DatabaseSchema> ReadAsync(SqlConnection connection, SchemaFilter? filter, CancellationToken cancellationToken)
    {
        var tables = new List<(int Id, string Schema, string Name)>();
        await SqlCommands.ReadAsync(connection, null, TablesSql, reader =>
        {
            if (filter is null || filter.Includes(reader.GetString(1), reader.GetString(2)))
            {
                tables.Add((reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
            }
        }, cancellationToken).ConfigureAwait(false);

        var wanted = tables.Select(t => t.Id).ToHashSet();
        var columns = tables.ToDictionary(t => t.Id, _ => new List<ColumnSchema>());
        await SqlCommands.ReadAsync(connection, null, ColumnsSql, reader =>
        {
            var id = reader.GetInt32(0);
            if (!wanted.Contains(id))
            {
                return;
            }

            var type = reader.IsDBNull(10) ? reader.GetString(2) : reader.GetString(10);
            columns[id].Add(SqlServerTypes.Column(
                reader.GetString(1), type, reader.GetInt16(3), reader.GetByte(4), reader.GetByte(5), reader.GetBoolean(6), reader.GetBoolean(7), reader.GetBoolean(8), reader.IsDBNull(9) ? null : reader.GetString(9)));
        }, cancellationToken).ConfigureAwait(false);

        var primaryKeys = new Dictionary<int, List<string>>();
        var uniques = tables.ToDictionary(t => t.Id, _ => new List<IReadOnlyList<string>>());
        var indexColumns = new Dictionary<(int Table, int Index), (bool Primary, List<string> Columns)>();
        await SqlCommands.ReadAsync(connection, null, KeysSql, reader =>
        {
            var key = (reader.GetInt32(0), reader.GetInt32(1));
            if (!indexColumns.TryGetValue(key, out var entry))
            {
                indexColumns[key] = entry = (reader.GetBoolean(2), []);
            }

            entry.Columns.Add(reader.GetString(3));
        }, cancellationToken).ConfigureAwait(false);
        foreach (var ((table, _), (primary, keyColumns)) in indexColumns.Where(i => wanted.Contains(i.Key.Table)))
        {
            if (primary)
            {
                primaryKeys[table] = keyColumns;
            }
            else if (!uniques[table].Any(u => u.SequenceEqual(keyColumns)))
            {
                uniques[table].Add(keyColumns);
            }
        }

        var foreignKeys = tables.ToDictionary(t => t.Id, _ => new List<(int Id, List<string> From, string Target, List<string> To)>());
        await SqlCommands.ReadAsync(connection, null, ForeignKeysSql, reader =>
        {
            var table = reader.GetInt32(0);
            if (!wanted.Contains(table))
            {
                return;
            }

            var list = foreignKeys[table];
            var id = reader.GetInt32(1);
            if (list.Count == 0 || list[^1].Id != id)
            {
                list.Add((id, [], $"{reader.GetString(3)}.{reader.GetString(4)}", []));
            }

            list[^1].From.Add(reader.GetString(2));
            list[^1].To.Add(reader.GetString(5));
        }, cancellationToken).ConfigureAwait(false);

        var checks = tables.ToDictionary(t => t.Id, _ => new List<string>());
        await SqlCommands.ReadAsync(connection, null, ChecksSql, reader =>
        {
            if (wanted.Contains(reader.GetInt32(0)))
            {
                checks[reader.GetInt32(0)].Add(reader.GetString(1));
            }
        }, cancellationToken).ConfigureAwait(false);

        return new DatabaseSchema(tables.Select(t => new TableSchema(t.Schema, t.Name, columns[t.Id])
        {
            PrimaryKey = primaryKeys.GetValueOrDefault(t.Id) ?? [],
            UniqueKeys = uniques[t.Id],
            ForeignKeys = foreignKeys[t.Id].Select(f => new ForeignKeySchema(f.From, f.Target, f.To)).ToList(),
            Checks = checks[t.Id],
        }).ToList());
    }
}
