using System.Data.Common;
using System.Globalization;

namespace DataGen.Shared;

/// <summary>The few ADO.NET calls every SQL store makes, written once over <see cref="DbConnection"/>.</summary>
internal static class SqlCommands
{
    public static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        var command = Create(connection, transaction, sql, null);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A scalar query's result as a long (counts, existence flags).</summary>
    public static async Task<long> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, (string Name, object Value)? parameter = null)
    {
        var command = Create(connection, transaction, sql, parameter);
        await using (command.ConfigureAwait(false))
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Rows in a table, or −1 when it does not exist (<paramref name="existsSql"/> returns 0 or 1 for the <paramref name="name"/> parameter).</summary>
    public static async Task<long> ExistingRowsAsync(DbConnection connection, DbTransaction transaction, string existsSql, (string Parameter, string Value) name, string quotedTable, string countFunction, CancellationToken cancellationToken) =>
        await ScalarAsync(connection, transaction, existsSql, cancellationToken, name).ConfigureAwait(false) == 0
            ? -1
            : await ScalarAsync(connection, transaction, $"SELECT {countFunction}(*) FROM {quotedTable}", cancellationToken).ConfigureAwait(false);

    private static DbCommand Create(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object Value)? parameter)
    {
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
}
