using DataGen.PostgreSql;
using DataGen.Sql;
using Npgsql;

namespace DataGen.Xunit;

/// <summary>Statements on a PostgreSQL server's administrative connection: databases made, renamed, copied and dropped.</summary>
/// <param name="admin">A connection string to the server (its database is not one the kit drops or copies).</param>
internal sealed class PostgresServer(string admin)
{
    /// <summary>The administrator connection string.</summary>
    public string Admin => admin;

    /// <summary>Quotes an identifier as the dialect does.</summary>
    public static string Quote(string identifier) => PostgresDialect.QuoteIdentifier(identifier);

    /// <summary>Runs <paramref name="sql"/> on an administrative session.</summary>
    public Task ExecuteAsync(string sql, CancellationToken cancellationToken) =>
        SqlCommands.ExecuteOnceAsync(new NpgsqlConnection(admin), sql, cancellationToken);

    /// <summary>Drops database <paramref name="name"/>, closing its sessions; nothing if it is gone.</summary>
    public Task DropAsync(string name, CancellationToken cancellationToken = default) =>
        ExecuteAsync($"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)", cancellationToken);

    /// <summary>Has database <paramref name="name"/> dropped at the end of the run (<see cref="DataGenCleanup"/>).</summary>
    public void DropAtEnd(string name) => KitCleanup.AtEnd($"PostgreSQL database {name}", ct => DropAsync(name, ct));

    /// <summary>The names of the server's databases.</summary>
    public async Task<IReadOnlyList<string>> DatabasesAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(admin);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await SqlCommands.ColumnAsync(connection, null, "SELECT datname FROM pg_database", cancellationToken).ConfigureAwait(false);
        }
    }
}
