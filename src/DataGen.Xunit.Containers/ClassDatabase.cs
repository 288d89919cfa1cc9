using System.Data.Common;

namespace DataGen.Xunit;

/// <summary>
/// A database of a test class's own on a shared server: created when the fixture starts, dropped when it is disposed.
/// The SQL fixtures differ only in how they connect, create, drop and point a connection string at a database.
/// </summary>
/// <param name="connect">Creates (does not open) a connection for a connection string.</param>
/// <param name="create">The CREATE DATABASE statement for a name.</param>
/// <param name="drop">The statement that drops the database (closing other sessions).</param>
/// <param name="connectionStringFor">The administrator connection string pointed at the database.</param>
/// <param name="clearPools">Closes pooled connections before the drop.</param>
public sealed class ClassDatabase(Func<string, DbConnection> connect, Func<string, string> create, Func<string, string> drop, Func<string, string, string> connectionStringFor, Action clearPools)
{
    private string? _admin;
    private string? _name;

    /// <summary>The database's connection string (empty until it is created).</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The shared server's description (null until started).</summary>
    public string? Backend { get; private set; }

    /// <summary>
    /// Waits for the shared server, then creates database <paramref name="name"/> on it. Returns why the server is
    /// unavailable (nothing is created), or null.
    /// </summary>
    public async Task<string?> StartAsync(Task<SharedServer> server, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        var shared = await server.ConfigureAwait(false);
        Backend = shared.Backend;
        if (shared.Unavailable is not null)
        {
            return shared.Unavailable;
        }

        var admin = shared.ConnectionString!;
        await ExecuteOnceAsync(connect(admin), create(name), cancellationToken).ConfigureAwait(false);

        // Only a database that exists is dropped again: a start that failed (wrong password) fails the tests once, not
        // again as a clean-up failure.
        (_admin, _name) = (admin, name);
        ConnectionString = connectionStringFor(admin, name);
        return null;
    }

    /// <summary>The database's name (null until it is created).</summary>
    public string? Name => _name;

    /// <summary>Runs statements on the server's administrative connection (templates, copies); nothing when no database was created.</summary>
    public async Task ExecuteOnServerAsync(string sql, CancellationToken cancellationToken)
    {
        if (_admin is not null)
        {
            await ExecuteOnceAsync(connect(_admin), sql, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Drops the database and creates it again, empty (if one was created).</summary>
    public async Task RecreateAsync(CancellationToken cancellationToken)
    {
        if (_admin is not null && _name is not null)
        {
            clearPools();
            await ExecuteOnceAsync(connect(_admin), drop(_name), cancellationToken).ConfigureAwait(false);
            await ExecuteOnceAsync(connect(_admin), create(_name), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Drops the database, if one was created.</summary>
    public async Task DropAsync()
    {
        if (_admin is not null && _name is not null)
        {
            clearPools();
            await ExecuteOnceAsync(connect(_admin), drop(_name), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteOnceAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
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
