using System.Data.Common;
using DataGen.Sql;

namespace DataGen.MySql;

/// <summary>Existing tables: what DataGen made (its table comment), the views on them, and emptying them with a cycle among them.</summary>
public sealed partial class MySqlOutput
{
    /// <inheritdoc />
    protected override async Task<bool> MadeByDataGenAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken)
    {
        var (schema, name) = Split(table);
        return await SqlCommands.ScalarAsync(
            connection,
            transaction,
            $"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = {SchemaSql(schema)} AND TABLE_NAME = @name AND TABLE_COMMENT LIKE '{SqlDialect.CreatedMark}%'",
            cancellationToken,
            ("@name", name)).ConfigureAwait(false) > 0;
    }

    /// <summary>Views whose definition names the table (MySQL drops a table under a view without a word, leaving the view broken).</summary>
    protected override async Task<IReadOnlyList<string>> DependentViewsAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken)
    {
        var (schema, name) = Split(table);
        var views = new List<string>();
        await SqlCommands.ReadAsync(
            connection,
            transaction,
            $"SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = {SchemaSql(schema)} AND VIEW_DEFINITION LIKE CONCAT('%`', @name, '`%') ORDER BY 1",
            reader => views.Add(reader.GetString(0)),
            cancellationToken,
            ("@name", name)).ConfigureAwait(false);
        return views;
    }

    /// <summary>
    /// A DELETE each, children first, with the session's foreign-key checks off while they run (a cycle among them, even
    /// through NOT NULL columns, empties; TRUNCATE would commit the run's transaction). Nothing outside the run is orphaned:
    /// a table outside it that references them with rows was refused before.
    /// </summary>
    protected override async Task EmptyTablesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> tables, bool referencedFromOutside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        await SqlCommands.ExecuteAsync(connection, transaction, "SET FOREIGN_KEY_CHECKS = 0", cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var table in tables)
            {
                await SqlCommands.ExecuteAsync(connection, transaction, $"DELETE FROM {Dialect.QuoteTable(table)}", cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await SqlCommands.ExecuteAsync(connection, transaction, "SET FOREIGN_KEY_CHECKS = 1", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static string SchemaSql(string? schema) => schema is null ? "DATABASE()" : "'" + schema.Replace("'", "''", StringComparison.Ordinal) + "'";
}
