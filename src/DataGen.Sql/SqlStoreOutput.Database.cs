using System.Data.Common;
using DataGen.Outputs;

namespace DataGen.Sql;

/// <summary>A database the run may create (<see cref="StoreLoadOptions.CreateDatabase"/>, a datastore's <c>create: database</c>).</summary>
public abstract partial class SqlStoreOutput
{
    private bool _databaseReady;

    /// <summary>
    /// With <see cref="StoreLoadOptions.CreateDatabase"/>: creates <paramref name="database"/> when it does not exist, once,
    /// through <paramref name="server"/> (a connection to the server's maintenance database, not yet open, disposed here),
    /// before the run's own connection opens. Where the credentials may not create it, the run fails saying so.
    /// </summary>
    /// <param name="server">A connection to the server (its maintenance database).</param>
    /// <param name="database">The database the run loads into.</param>
    /// <param name="existsSql">A count of databases named <c>@name</c>.</param>
    /// <param name="createSql">The CREATE DATABASE statement.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    protected async Task EnsureDatabaseAsync(DbConnection server, string? database, string existsSql, string createSql, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        await using (server.ConfigureAwait(false))
        {
            if (_databaseReady || !Options.CreateDatabase)
            {
                return;
            }

            if (string.IsNullOrEmpty(database))
            {
                throw new GenerationException($"{Store}: create: database needs the connection to name the database to create; nothing was written");
            }

            try
            {
                await server.OpenAsync(cancellationToken).ConfigureAwait(false);
                if (await SqlCommands.ScalarAsync(server, null, existsSql, cancellationToken, ("@name", database)).ConfigureAwait(false) == 0)
                {
                    await SqlCommands.ExecuteAsync(server, null, createSql, cancellationToken).ConfigureAwait(false);
                    Options.Warning?.Invoke($"{Store}: created database '{database}' (create: database)");
                }
            }
            catch (Exception e) when (DescribeError(e) is { } reason)
            {
                throw new GenerationException($"{Store}: creating database '{database}' (create: database) failed: {reason}; the connection's user needs the right to create databases (PostgreSQL: CREATEDB; MySQL: CREATE; SQL Server: CREATE ANY DATABASE), or the database must exist already; nothing was written", null, null, null, e);
            }
        }

        _databaseReady = true;
    }
}
