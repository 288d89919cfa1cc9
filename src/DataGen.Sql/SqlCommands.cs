using System.Data.Common;
using System.Globalization;

namespace DataGen.Sql;

/// <summary>The few ADO.NET calls SQL stores and their fixtures make, written once over <see cref="DbConnection"/>.</summary>
public static class SqlCommands
{
    /// <summary>Runs a statement on an open connection.</summary>
    public static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken = default)
    {
        var command = Create(connection, transaction, sql, null);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Opens <paramref name="connection"/>, runs <paramref name="sql"/> and disposes the connection.</summary>
    public static async Task ExecuteOnceAsync(DbConnection connection, string sql, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, sql, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A scalar query's result as a long (counts, existence flags), with at most one parameter.</summary>
    public static async Task<long> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken = default, (string Name, object Value)? parameter = null)
    {
        var command = Create(connection, transaction, sql, parameter);
        await using (command.ConfigureAwait(false))
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The first column of every row of a query, as text.</summary>
    public static Task<List<string>> ColumnAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken = default) =>
        ReadColumnAsync(connection, transaction, sql, null, cancellationToken);

    /// <summary>The first column of every row of a query with one parameter, as text (catalog lookups by name: views, marks).</summary>
    public static Task<List<string>> ColumnWithAsync(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object Value) parameter, CancellationToken cancellationToken) =>
        ReadColumnAsync(connection, transaction, sql, parameter, cancellationToken);

    private static async Task<List<string>> ReadColumnAsync(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object Value)? parameter, CancellationToken cancellationToken)
    {
        var rows = new List<string>();
        var command = Create(connection, transaction, sql, parameter);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
                }
            }
        }

        return rows;
    }

    /// <summary>Runs a query and hands every row to <paramref name="row"/> (catalog queries: schemas, columns, keys).</summary>
    public static async Task ReadAsync(DbConnection connection, DbTransaction? transaction, string sql, Action<DbDataReader> row, CancellationToken cancellationToken = default, (string Name, object Value)? parameter = null)
    {
        ArgumentNullException.ThrowIfNull(row);
        var command = Create(connection, transaction, sql, parameter);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    row(reader);
                }
            }
        }
    }

    private static DbCommand Create(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object Value)? parameter)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        if (parameter is { } p)
        {
            var dbParameter = command.CreateParameter();
            dbParameter.ParameterName = p.Name;
            dbParameter.Value = p.Value;
            command.Parameters.Add(dbParameter);
        }

        return command;
    }

    /// <summary>
    /// The tables a catalog query names (one text column; <paramref name="parameter"/> bound to the bare table name),
    /// less <paramref name="others"/> by bare name, ignoring case: the shape of a store's "who references this table" answer.
    /// </summary>
    public static async Task<IReadOnlyList<string>> TablesExceptAsync(DbConnection connection, DbTransaction? transaction, string sql, string parameter, string table, IReadOnlyList<string> others, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(others);
        var tables = new List<string>();
        await ReadAsync(connection, transaction, sql, reader => tables.Add(reader.GetString(0)), cancellationToken, (parameter, SqlDialect.TableName(table))).ConfigureAwait(false);
        return tables.Where(r => !others.Any(o => string.Equals(SqlDialect.TableName(o), r, StringComparison.OrdinalIgnoreCase))).ToList();
    }
}
