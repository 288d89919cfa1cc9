using System.Data.Common;

namespace DataGen.Xunit;

/// <summary>
/// A database of a test class's own on a shared server: created when the fixture starts, dropped when it is disposed.
/// The SQL fixtures differ only in how they quote, connect and drop.
/// </summary>
/// <param name="connect">Opens nothing: creates a connection for a connection string.</param>
/// <param name="create">The CREATE DATABASE statement for a name.</param>
/// <param name="drop">The statement that drops the database (closing other sessions).</param>
/// <param name="connectionStringFor">The admin connection string pointed at the database.</param>
/// <param name="clearPools">Closes pooled connections before the drop.</param>
internal sealed class ClassDatabase(Func<string, DbConnection> connect, Func<string, string> create, Func<string, string> drop, Func<string, string, string> connectionStringFor, Action clearPools)
{
    private static int _serial;
    private string? _admin;
    private string? _name;

    /// <summary>The database's connection string (empty until it is created).</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The shared server's description (null until started).</summary>
    public string? Backend { get; private set; }

    /// <summary>
    /// Waits for the shared server, then creates the database for <paramref name="testClass"/> on it. Returns why the
    /// server is unavailable (nothing is created), or null.
    /// </summary>
    public async Task<string?> StartAsync(Lazy<Task<(string? Admin, string Backend, string? Unavailable)>> server, Type? testClass, CancellationToken cancellationToken)
    {
        var (admin, backend, unavailable) = await server.Value.ConfigureAwait(false);
        Backend = backend;
        if (unavailable is not null)
        {
            return unavailable;
        }

        _admin = admin!;
        _name = DataGenContainers.NameFor(testClass, Interlocked.Increment(ref _serial));
        await Sql.ExecuteAsync(connect(_admin), create(_name), cancellationToken).ConfigureAwait(false);
        ConnectionString = connectionStringFor(_admin, _name);
        return null;
    }

    /// <summary>Drops the database, if one was created.</summary>
    public async Task DropAsync()
    {
        if (_admin is not null && _name is not null)
        {
            clearPools();
            await Sql.ExecuteAsync(connect(_admin), drop(_name), CancellationToken.None).ConfigureAwait(false);
        }
    }
}
