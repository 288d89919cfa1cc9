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

    /// <summary>The end-of-run drops registered with <see cref="DropAtEnd"/>, by database name (unique to this process).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, IDisposable> AtEnd = new(StringComparer.Ordinal);

    /// <summary>Drops database <paramref name="name"/>, closing its sessions; nothing if it is gone. Its end-of-run drop is unregistered.</summary>
    public async Task DropAsync(string name, CancellationToken cancellationToken = default)
    {
        await ExecuteAsync($"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)", cancellationToken).ConfigureAwait(false);
        Gone(name);
    }

    /// <summary>Renames database <paramref name="name"/> to <paramref name="to"/> (a copy taken by a class, or handed on); the old name's end-of-run drop is unregistered.</summary>
    public async Task RenameAsync(string name, string to, CancellationToken cancellationToken = default)
    {
        await ExecuteAsync($"ALTER DATABASE {Quote(name)} RENAME TO {Quote(to)}", cancellationToken).ConfigureAwait(false);
        Gone(name);
    }

    /// <summary>Has database <paramref name="name"/> dropped at the end of the run (<see cref="DataGenCleanup"/>), unless it is dropped or renamed before.</summary>
    public void DropAtEnd(string name) => AtEnd[name] = KitCleanup.AtEnd($"PostgreSQL database {name}", ct => DropAsync(name, ct));

    /// <summary>Database <paramref name="name"/> no longer exists under that name: nothing to drop at the end of the run.</summary>
    private static void Gone(string name)
    {
        if (AtEnd.TryRemove(name, out var registration))
        {
            registration.Dispose();
        }
    }

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
