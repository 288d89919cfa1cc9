using System.Data.Common;

namespace DataGen.Xunit;

/// <summary>ADO.NET steps the SQL fixtures share.</summary>
internal static class Sql
{
    /// <summary>Opens <paramref name="connection"/>, runs <paramref name="sql"/> and disposes the connection.</summary>
    public static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = sql;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
