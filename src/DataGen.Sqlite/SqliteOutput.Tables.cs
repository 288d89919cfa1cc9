using System.Data.Common;
using DataGen.Sql;

namespace DataGen.Sqlite;

/// <summary>Existing tables: what DataGen made (the comment in its text), the views on them, and emptying them with a cycle among them.</summary>
public sealed partial class SqliteOutput
{
    /// <inheritdoc />
    protected override async Task<bool> MadeByDataGenAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken) =>
        await SqlCommands.ScalarAsync(
            connection,
            transaction,
            $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name AND sql LIKE '%/* {SqlDialect.CreatedMark}%'",
            cancellationToken,
            ("$name", SqlDialect.TableName(table))).ConfigureAwait(false) > 0;

    /// <summary>
    /// Views whose text names the table as a whole identifier (SQLite drops a table under a view without a word, leaving
    /// the view broken): bare, quoted or schema-qualified, outside string literals and comments, so a view on
    /// <c>orders</c> does not count as one on <c>order</c>.
    /// </summary>
    protected override async Task<IReadOnlyList<string>> DependentViewsAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken)
    {
        var views = new List<(string Name, string Sql)>();
        await SqlCommands.ReadAsync(
            connection,
            transaction,
            "SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY 1",
            reader => views.Add((reader.GetString(0), reader.GetString(1))),
            cancellationToken).ConfigureAwait(false);
        var name = SqlDialect.TableName(table);
        return views.Where(v => SqliteIdentifiers.Names(v.Sql, name)).Select(v => v.Name).ToList();
    }

    /// <summary>
    /// A DELETE each, children first, with foreign-key checks deferred while they run (a cycle among them, even through NOT
    /// NULL columns, empties; with every table of the cycle empty nothing is left to check when they are immediate again).
    /// </summary>
    protected override async Task EmptyTablesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> tables, bool referencedFromOutside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        await SqlCommands.ExecuteAsync(connection, transaction, "PRAGMA defer_foreign_keys = ON", cancellationToken).ConfigureAwait(false);
        foreach (var table in tables)
        {
            await SqlCommands.ExecuteAsync(connection, transaction, $"DELETE FROM {Dialect.QuoteTable(table)}", cancellationToken).ConfigureAwait(false);
        }

        await SqlCommands.ExecuteAsync(connection, transaction, "PRAGMA defer_foreign_keys = OFF", cancellationToken).ConfigureAwait(false);
    }
}
