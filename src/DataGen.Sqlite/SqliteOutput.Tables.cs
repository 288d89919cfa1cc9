using System.Data.Common;
using System.Globalization;
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
    /// Views that read the table (SQLite drops a table under a view without a word, leaving the view broken). A view
    /// whose text names it as a whole identifier (bare, quoted or schema-qualified, outside literals and comments: a view
    /// on <c>orders</c> does not name <c>order</c>) is then asked of SQLite itself: the tables its compiled query opens
    /// (<c>EXPLAIN</c>), so a keyword such as ORDER BY is no reference. A view SQLite cannot compile counts as reading it.
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
        var reading = new List<string>();
        foreach (var (view, sql) in views.Where(v => SqliteIdentifiers.Names(v.Sql, name)))
        {
            if (await OpensAsync(connection, transaction, view, cancellationToken).ConfigureAwait(false) is not { } opened
                || opened.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                reading.Add(view);
            }
        }

        return reading;
    }

    /// <summary>The tables a view's compiled query opens (by the root pages of their b-trees and indexes), or null where it does not compile.</summary>
    private async Task<IReadOnlyList<string>?> OpensAsync(DbConnection connection, DbTransaction? transaction, string view, CancellationToken cancellationToken)
    {
        var pages = new List<long>();
        try
        {
            await SqlCommands.ReadAsync(
                connection,
                transaction,
                $"EXPLAIN SELECT * FROM {Dialect.Quote(view)}",
                reader =>
                {
                    if (reader.GetString(1) is "OpenRead" or "OpenWrite" or "ReopenIdx")
                    {
                        pages.Add(reader.GetInt64(3));
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DbException)
        {
            return null;
        }

        return pages.Count == 0
            ? []
            : await SqlCommands.ColumnAsync(connection, transaction, $"SELECT DISTINCT tbl_name FROM sqlite_master WHERE rootpage IN ({string.Join(", ", pages.Distinct().Select(p => p.ToString(CultureInfo.InvariantCulture)))})", cancellationToken).ConfigureAwait(false);
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
