using DataGen.Sql;
using DataGen.SqlServer;
using Microsoft.Data.SqlClient;
using Respawn;
using Respawn.Graph;

namespace DataGen.Xunit;

/// <summary>
/// SQL Server's <see cref="IStoreStrategy"/>: after a test that wrote (the write counters of the index usage statistics
/// moved), Respawn — its delete plan computed once per baseline, tables in any schema — empties the loaded tables and the
/// rows kept at load are written back; a read-only test costs one query. Templates are copy-only backups restored over
/// a class's empty database (SQL Server can't create a database from another).
/// </summary>
public sealed class SqlServerStrategy : IStoreStrategy
{
    /// <summary>This process's templates: their backup files (in the server's default backup folder) by template name.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> BackupFiles = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly string _database;
    private readonly Func<CancellationToken, Task> _writeBaseline;
    private long _baselineWrites;
    private Respawner? _respawner;

    /// <summary>A strategy for the database <paramref name="connectionString"/> names.</summary>
    /// <param name="connectionString">The database's connection string (its user may back up and restore for templates).</param>
    /// <param name="writeBaseline">Writes the baseline's rows into the emptied tables again, parents first (the kit keeps them from the load).</param>
    public SqlServerStrategy(string connectionString, Func<CancellationToken, Task> writeBaseline)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(writeBaseline);
        _connectionString = connectionString;
        _database = new SqlConnectionStringBuilder(connectionString).InitialCatalog;
        _writeBaseline = writeBaseline;
    }

    /// <summary>The administrator's connection to master (ten minutes a command: a backup or restore of a big database takes more than the default 30 s).</summary>
    private string Master => new SqlConnectionStringBuilder(_connectionString) { InitialCatalog = "master", CommandTimeout = 600 }.ConnectionString;

    /// <inheritdoc />
    public async Task CaptureBaselineAsync(IReadOnlyList<string> targets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);

        // The reset plan depends only on which tables were loaded: computed once per baseline, never per test.
        var connection = await OpenAsync(_connectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            _respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
            {
                DbAdapter = DbAdapter.SqlServer,
                TablesToInclude = targets.Select(TableOf).ToArray(),
                WithReseed = true,
            }).ConfigureAwait(false);
        }

        _baselineWrites = await WritesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Respawn's table for a target: <c>sales.orders</c> is <c>orders</c> in schema <c>sales</c>; a bare name is in <c>dbo</c>.</summary>
    internal static Table TableOf(string target)
    {
        var dot = target.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < target.Length - 1 ? new Table(target[..dot], target[(dot + 1)..]) : new Table("dbo", target);
    }

    /// <inheritdoc />
    public async Task<bool> HasChangedAsync(CancellationToken cancellationToken) => await WritesAsync(cancellationToken).ConfigureAwait(false) != _baselineWrites;

    /// <inheritdoc />
    public async Task RestoreBaselineAsync(CancellationToken cancellationToken)
    {
        if (_respawner is null || !await HasChangedAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var connection = await OpenAsync(_connectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await _respawner.ResetAsync(connection).ConfigureAwait(false);
        }

        await _writeBaseline(cancellationToken).ConfigureAwait(false);
        _baselineWrites = await WritesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<string?> FindTemplateAsync(string name, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>
    /// Keeps this database as a copy-only backup in the server's default backup folder, named after the template (the
    /// kit's template names carry the owner tag): deleted when the run ends, or by the next run on the machine if this
    /// process is killed (<see cref="SqlServerBackups"/>); false with a printed reason when the server can't back up
    /// (no permission, no space).
    /// </summary>
    public async Task<bool> SaveTemplateAsync(string name, string info, CancellationToken cancellationToken)
    {
        SqlServerBackups.SweepOnce(Master);
        var file = SqlServerBackups.FileOf(name);
        try
        {
            await SqlCommands.ExecuteOnceAsync(new SqlConnection(Master), $"BACKUP DATABASE {Quote(_database)} TO DISK = {Literal(file)} WITH COPY_ONLY, INIT, FORMAT", cancellationToken).ConfigureAwait(false);
            BackupFiles[name] = file;
            SqlServerBackups.DeleteAtEnd(Master, file);
            return true;
        }
        catch (SqlException e)
        {
            KitLog.Fallback($"SQL Server template {name}", $"not saved: BACKUP DATABASE failed ({KitLog.Why(e)})", "every later class with this data generates and loads it again");
            return false;
        }
    }

    /// <summary>Restores the template's backup over this (empty) database, its files where they are; a restore that fails leaves an empty database again.</summary>
    public async Task<bool> CloneTemplateAsync(string name, CancellationToken cancellationToken)
    {
        if (!BackupFiles.TryGetValue(name, out var file))
        {
            return false;
        }

        try
        {
            await RestoreAsync(file, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SqlException e)
        {
            // A failed restore may leave the database restoring or single-user: dropped as it is, then made empty again.
            KitLog.Fallback($"SQL Server template {name}", $"could not be restored ({KitLog.Why(e)})", "this class generates and loads its data itself");
            SqlConnection.ClearAllPools();
            await SqlCommands.ExecuteOnceAsync(new SqlConnection(Master), $"IF DB_ID({Literal(_database)}) IS NOT NULL DROP DATABASE {Quote(_database)}; CREATE DATABASE {Quote(_database)}", cancellationToken).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>The backup's logical files go to this database's own physical files, data to data and log to log.</summary>
    private async Task RestoreAsync(string file, CancellationToken cancellationToken)
    {
        var master = await OpenAsync(Master, cancellationToken).ConfigureAwait(false);
        await using (master.ConfigureAwait(false))
        {
            var files = new List<(string Logical, char Type)>();
            await SqlCommands.ReadAsync(master, null, $"RESTORE FILELISTONLY FROM DISK = {Literal(file)}", r => files.Add((r.GetString(r.GetOrdinal("LogicalName")), r.GetString(r.GetOrdinal("Type"))[0])), cancellationToken).ConfigureAwait(false);
            var paths = new Dictionary<char, string>();
            await SqlCommands.ReadAsync(master, null, $"SELECT type_desc, physical_name FROM sys.master_files WHERE database_id = DB_ID({Literal(_database)}) ORDER BY file_id", r => paths.TryAdd(r.GetString(0) == "LOG" ? 'L' : 'D', r.GetString(1)), cancellationToken).ConfigureAwait(false);
            var moves = new List<string>();
            var dataFiles = 0;
            foreach (var (logical, type) in files)
            {
                var path = type == 'L' ? paths['L'] : dataFiles++ == 0 ? paths['D'] : $"{paths['D']}.{dataFiles}";
                moves.Add($"MOVE {Literal(logical)} TO {Literal(path)}");
            }

            SqlConnection.ClearAllPools();
            await SqlCommands.ExecuteAsync(master, null, $"ALTER DATABASE {Quote(_database)} SET SINGLE_USER WITH ROLLBACK IMMEDIATE; RESTORE DATABASE {Quote(_database)} FROM DISK = {Literal(file)} WITH REPLACE, RECOVERY, {string.Join(", ", moves)}; ALTER DATABASE {Quote(_database)} SET MULTI_USER", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// How many write statements have touched this database's tables, from the index usage statistics: a counter, so
    /// two writes within the clock's resolution still count. Any change — up, or down after the statistics were reset —
    /// counts as "changed".
    /// </summary>
    private async Task<long> WritesAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(_connectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await SqlCommands.ScalarAsync(connection, null, "SELECT ISNULL(SUM(CAST(user_updates AS bigint)), 0) FROM sys.dm_db_index_usage_stats WHERE database_id = DB_ID()", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<SqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private static string Quote(string name) => SqlServerDialect.Instance.Quote(name);

    private static string Literal(string text) => $"N'{text.Replace("'", "''", StringComparison.Ordinal)}'";
}
