using System.Text.RegularExpressions;
using DataGen.Schemas;
using DataGen.Sql;
using Microsoft.Data.Sqlite;

namespace DataGen.Sqlite;

/// <summary>
/// Reads an SQLite database's tables through its pragmas: columns (type affinity, NOT NULL, default, generated), the
/// primary key (an INTEGER PRIMARY KEY is the rowid: numbered by the database), unique indexes, foreign keys, and the
/// CHECK constraints from the table's CREATE statement.
/// </summary>
internal static partial class SqliteSchemaReader
{
    public static async Task<DatabaseSchema> ReadAsync(SqliteConnection connection, SchemaFilter? filter, CancellationToken cancellationToken)
    {
        var tables = new List<(string Name, string Sql)>();
        await SqlCommands.ReadAsync(connection, null, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", reader =>
        {
            if (filter is null || filter.Includes(filter.Schema is null ? null : "main", reader.GetString(0)))
            {
                tables.Add((reader.GetString(0), reader.IsDBNull(1) ? string.Empty : reader.GetString(1)));
            }
        }, cancellationToken).ConfigureAwait(false);

        // Tables other tables' triggers insert into are derived from them (SQLite triggers cannot assign NEW before an insert).
        var filled = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        await SqlCommands.ReadAsync(connection, null, "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'", reader =>
        {
            var (trigger, owner) = (reader.GetString(0), reader.GetString(1));
            foreach (var target in SqlTriggerBodies.InsertTargets(reader.IsDBNull(2) ? string.Empty : reader.GetString(2)).Select(SqlDialect.TableName).Where(t => !t.Equals(owner, StringComparison.OrdinalIgnoreCase)))
            {
                (filled.TryGetValue(target, out var list) ? list : filled[target] = []).Add(trigger);
            }
        }, cancellationToken).ConfigureAwait(false);

        var result = new List<TableSchema>();
        foreach (var (name, sql) in tables)
        {
            var raw = new List<(string Name, string Type, bool NotNull, string? Default, long Pk, long Hidden)>();
            await SqlCommands.ReadAsync(connection, null, "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo($table)", reader =>
                raw.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2) != 0, reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5))),
                cancellationToken, ("$table", name)).ConfigureAwait(false);

            var columns = new List<ColumnSchema>();
            var primaryKey = new SortedList<long, string>();
            var rowidKey = raw.Count(r => r.Pk > 0) == 1 && raw.Single(r => r.Pk > 0).Type.Equals("INTEGER", StringComparison.OrdinalIgnoreCase) && !SqliteTypes.WithoutRowid(sql);
            foreach (var (column, type, notNull, @default, pk, hidden) in raw.Where(r => r.Hidden != 1))
            {
                // hidden 1: a virtual table's hidden column; 2 and 3: generated columns.
                if (pk > 0)
                {
                    primaryKey[pk] = column;
                }

                var (kind, length, precision, scale) = SqliteTypes.Describe(type);
                columns.Add(new ColumnSchema(column, type, kind)
                {
                    Nullable = !notNull && pk == 0,
                    Default = @default,
                    Identity = pk > 0 && rowidKey, // the rowid: numbered by the database (AUTOINCREMENT or not)
                    Computed = hidden is 2 or 3,
                    MaxLength = length,
                    Precision = precision,
                    Scale = scale,
                    Generator = SqliteTypes.Generator(type),
                });
            }

            var indexes = new List<string>();
            await SqlCommands.ReadAsync(connection, null, "SELECT name FROM pragma_index_list($table) WHERE \"unique\" = 1 AND origin <> 'pk' AND partial = 0", reader => indexes.Add(reader.GetString(0)), cancellationToken, ("$table", name)).ConfigureAwait(false);
            var uniques = new List<IReadOnlyList<string>>();
            foreach (var index in indexes)
            {
                var key = new List<string?>();
                await SqlCommands.ReadAsync(connection, null, "SELECT name FROM pragma_index_info($index) ORDER BY seqno", reader => key.Add(reader.IsDBNull(0) ? null : reader.GetString(0)), cancellationToken, ("$index", index)).ConfigureAwait(false);
                if (key.Count > 0 && key.All(k => k is not null))
                {
                    uniques.Add(key.Select(k => k!).ToList());
                }
            }

            var groups = new List<(long Id, string Table, List<string> From, List<string?> To)>();
            await SqlCommands.ReadAsync(connection, null, "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list($table) ORDER BY id, seq", reader =>
            {
                var id = reader.GetInt64(0);
                if (groups.Count == 0 || groups[^1].Id != id)
                {
                    groups.Add((id, reader.GetString(1), [], []));
                }

                groups[^1].From.Add(reader.GetString(2));
                groups[^1].To.Add(reader.IsDBNull(3) ? null : reader.GetString(3));
            }, cancellationToken, ("$table", name)).ConfigureAwait(false);

            var foreignKeys = new List<ForeignKeySchema>();
            foreach (var (_, target, from, to) in groups)
            {
                // A foreign key without target columns points at the target's primary key.
                var targetColumns = to.All(t => t is not null) ? to.Select(t => t!).ToList() : await PrimaryKeyAsync(connection, target, cancellationToken).ConfigureAwait(false);
                foreignKeys.Add(new ForeignKeySchema(from, target, targetColumns));
            }

            result.Add(new TableSchema(null, name, columns)
            {
                PrimaryKey = primaryKey.Values.ToList(),
                UniqueKeys = uniques,
                ForeignKeys = foreignKeys,
                Checks = Checks(sql),
                FilledByTriggers = filled.GetValueOrDefault(name) ?? [],
            });
        }

        return new DatabaseSchema(result);
    }

    private static async Task<List<string>> PrimaryKeyAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
    {
        var key = new SortedList<long, string>();
        await SqlCommands.ReadAsync(connection, null, "SELECT name, pk FROM pragma_table_info($table) WHERE pk > 0", reader => key[reader.GetInt64(1)] = reader.GetString(0), cancellationToken, ("$table", table)).ConfigureAwait(false);
        return key.Values.ToList();
    }

    /// <summary>The expressions of every <c>CHECK (…)</c> in a CREATE TABLE statement (quotes and nesting respected).</summary>
    internal static List<string> Checks(string sql)
    {
        var checks = new List<string>();
        foreach (Match match in CheckKeyword().Matches(sql))
        {
            var start = match.Index + match.Length;
            var depth = 1;
            var i = start;
            char? quote = null;
            for (; i < sql.Length && depth > 0; i++)
            {
                var ch = sql[i];
                if (quote is { } q)
                {
                    if (ch == q)
                    {
                        quote = null;
                    }
                }
                else if (ch is '\'' or '"' or '`' or '[')
                {
                    quote = ch == '[' ? ']' : ch;
                }
                else if (ch == '(')
                {
                    depth++;
                }
                else if (ch == ')')
                {
                    depth--;
                }
            }

            if (depth == 0)
            {
                checks.Add(sql[start..(i - 1)].Trim());
            }
        }

        return checks;
    }

    [GeneratedRegex(@"\bCHECK\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex CheckKeyword();
}
