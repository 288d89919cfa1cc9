using System.Data.Common;
using DataGen.Sql;

namespace DataGen.SqlServer;

/// <summary>Existing tables: what DataGen made (its extended property) and the views on them.</summary>
public sealed partial class SqlServerOutput
{
    /// <inheritdoc />
    protected override async Task<bool> MadeByDataGenAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken) =>
        await SqlCommands.ScalarAsync(
            connection,
            transaction,
            "SELECT COUNT(*) FROM sys.extended_properties WHERE class = 1 AND major_id = OBJECT_ID(@name) AND minor_id = 0 AND name = N'datagen'",
            cancellationToken,
            ("@name", Dialect.QuoteTable(table))).ConfigureAwait(false) > 0;

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<string>> DependentViewsAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken) =>
        await SqlCommands.ColumnWithAsync(
            connection,
            transaction,
            "SELECT DISTINCT OBJECT_SCHEMA_NAME(d.referencing_id) + '.' + OBJECT_NAME(d.referencing_id) FROM sys.sql_expression_dependencies d JOIN sys.views v ON v.object_id = d.referencing_id WHERE d.referenced_id = OBJECT_ID(@name)",
            ("@name", Dialect.QuoteTable(table)),
            cancellationToken).ConfigureAwait(false);
}
