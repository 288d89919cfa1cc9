using DataGen.Outputs;
using DataGen.Sql;
using DataGen.SqlServer;
using Microsoft.Data.SqlClient;
using Respawn;
using Respawn.Graph;
using Testcontainers.MsSql;

namespace DataGen.Xunit;

/// <summary>
/// A SQL Server database per test class: one container per test assembly (or the server in
/// <c>DATAGEN_MSSQL_CONNECTION</c>). After a test that wrote (the write counters of the index usage statistics moved),
/// Respawn — its delete plan computed once per baseline — empties the loaded tables and the rows kept at load are
/// bulk-copied back; a read-only test costs one query. A subclass changes the container in
/// <see cref="ConfigureContainer"/> and the connection in <see cref="ConfigureConnection"/>.
/// </summary>
public class SqlServerFixture : DataGenFixture
{
    /// <summary>The image started unless <c>DATAGEN_MSSQL_IMAGE</c> names another.</summary>
    public const string DefaultImage = "mcr.microsoft.com/mssql/server:2022-latest";

    private readonly ClassDatabase _database = new(
        cs => new SqlConnection(cs),
        name => $"CREATE DATABASE {Quote(name)}",
        name => $"ALTER DATABASE {Quote(name)} SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE {Quote(name)}",
        (admin, name) => new SqlConnectionStringBuilder(admin) { InitialCatalog = name }.ConnectionString,
        SqlConnection.ClearAllPools);

    private long _baselineWrites;
    private Respawner? _respawner;
    private string? _connectionString;

    /// <summary>The connection string of this class's database (after <see cref="ConfigureConnection"/>).</summary>
    public string ConnectionString => _connectionString ??= ConfigureConnection(_database.ConnectionString);

    /// <inheritdoc />
    public override string Store => "sqlserver";

    /// <inheritdoc />
    public override string Backend => _database.Backend ?? "SQL Server";

    /// <inheritdoc />
    protected override bool KeepsRows => true;

    /// <summary>Opens a connection to this class's database.</summary>
    public async Task<SqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Changes the container before it is built (image, environment, wait strategy). Default: unchanged.</summary>
    /// <param name="builder">A builder for the image in <c>DATAGEN_MSSQL_IMAGE</c> or <see cref="DefaultImage"/>, with reuse as <c>DATAGEN_REUSE</c> says.</param>
    protected virtual MsSqlBuilder ConfigureContainer(MsSqlBuilder builder) => builder;

    /// <summary>Changes the connection string of this class's database. Default: unchanged.</summary>
    protected virtual string ConfigureConnection(string connectionString) => connectionString;

    /// <inheritdoc />
    protected override Task<string?> StartAsync(CancellationToken cancellationToken) =>
        _database.StartAsync(DataGenContainers.SharedServerAsync(GetType(), () => StartServerAsync(cancellationToken)), NewStoreName(), cancellationToken);

    /// <inheritdoc />
    protected override Task StopAsync() => _database.DropAsync();

    /// <inheritdoc />
    protected override IDataOutput CreateOutput() => SqlServerOutput.Create(ConnectionString, new StoreLoadOptions { DropConflicting = true });

    /// <inheritdoc />
    protected override async Task CaptureBaselineAsync(CancellationToken cancellationToken)
    {
        // The reset plan depends only on which tables were loaded: computed once per baseline, never per test.
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            _respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
            {
                DbAdapter = DbAdapter.SqlServer,
                TablesToInclude = Loaded.Select(m => new Table("dbo", m.Target)).ToArray(),
                WithReseed = true,
            }).ConfigureAwait(false);
        }

        _baselineWrites = await WritesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task RestoreBaselineAsync(CancellationToken cancellationToken)
    {
        if (await WritesAsync(cancellationToken).ConfigureAwait(false) == _baselineWrites)
        {
            return;
        }

        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await _respawner!.ResetAsync(connection).ConfigureAwait(false);
        }

        // Parents before children, as they were loaded.
        var output = CreateOutput();
        await using (output.ConfigureAwait(false))
        {
            await WriteBaselineAsync(output, cancellationToken).ConfigureAwait(false);
            await output.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        _baselineWrites = await WritesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override string? ApplicationConnectionString => ConnectionString;

    /// <inheritdoc />
    protected override bool SupportsTemplates => true;

    /// <summary>
    /// A class's loaded database becomes a template as a copy-only backup in the server's default backup folder, named by
    /// a hash of what it holds (so a file is overwritten, never piled up, by runs with the same data): SQL Server can't
    /// create a database from another, and a snapshot can only revert its own source. A server that can't back up (no
    /// permission, no space) leaves classes to load as before.
    /// </summary>
    protected override async Task<bool> SaveTemplateAsync(string name, string info, CancellationToken cancellationToken)
    {
        // Named by a hash of what the template holds (its inputs' hash, seed, data, tables), not by this process: the
        // next run with the same data overwrites the file instead of adding one to a server that is kept.
        var file = $"dg_tmpl_{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(info)))[..32]}.bak";
        try
        {
            await ExecuteAsync(MasterConnectionString, $"BACKUP DATABASE {Quote(_database.Name!)} TO DISK = {Literal(file)} WITH COPY_ONLY, INIT, FORMAT", cancellationToken).ConfigureAwait(false);
            BackupFiles[name] = file;
            return true;
        }
        catch (SqlException)
        {
            return false;
        }
    }

    /// <summary>This process's templates: their backup files (in the server's default backup folder) by template name.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> BackupFiles = new(StringComparer.Ordinal);

    /// <summary>
    /// Restores the template's backup over this class's (empty) database, its files where they are, then captures the
    /// baseline from the copy. A restore that fails leaves an empty database again and the class loads.
    /// </summary>
    protected override async Task<bool> CloneTemplateAsync(string name, CancellationToken cancellationToken)
    {
        var database = _database.Name!;
        if (!BackupFiles.TryGetValue(name, out var file))
        {
            return false;
        }

        try
        {
            var master = new SqlConnection(MasterConnectionString);
            await using (master.ConfigureAwait(false))
            {
                await master.OpenAsync(cancellationToken).ConfigureAwait(false);

                // The backup's logical files go to this database's own physical files, data to data and log to log.
                var files = new List<(string Logical, char Type)>();
                await SqlCommands.ReadAsync(master, null, $"RESTORE FILELISTONLY FROM DISK = {Literal(file)}", r => files.Add((r.GetString(r.GetOrdinal("LogicalName")), r.GetString(r.GetOrdinal("Type"))[0])), cancellationToken).ConfigureAwait(false);
                var paths = new Dictionary<char, string>();
                await SqlCommands.ReadAsync(master, null, $"SELECT type_desc, physical_name FROM sys.master_files WHERE database_id = DB_ID({Literal(database)}) ORDER BY file_id", r => paths.TryAdd(r.GetString(0) == "LOG" ? 'L' : 'D', r.GetString(1)), cancellationToken).ConfigureAwait(false);
                var moves = new List<string>();
                var dataFiles = 0;
                foreach (var (logical, type) in files)
                {
                    var path = type == 'L' ? paths['L'] : dataFiles++ == 0 ? paths['D'] : $"{paths['D']}.{dataFiles}";
                    moves.Add($"MOVE {Literal(logical)} TO {Literal(path)}");
                }

                SqlConnection.ClearAllPools();
                await SqlCommands.ExecuteAsync(master, null, $"ALTER DATABASE {Quote(database)} SET SINGLE_USER WITH ROLLBACK IMMEDIATE; RESTORE DATABASE {Quote(database)} FROM DISK = {Literal(file)} WITH REPLACE, RECOVERY, {string.Join(", ", moves)}; ALTER DATABASE {Quote(database)} SET MULTI_USER", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (SqlException)
        {
            // A failed restore may leave the database restoring or single-user: dropped as it is, then made empty again.
            SqlConnection.ClearAllPools();
            await ExecuteAsync(MasterConnectionString, $"IF DB_ID({Literal(database)}) IS NOT NULL DROP DATABASE {Quote(database)}; CREATE DATABASE {Quote(database)}", cancellationToken).ConfigureAwait(false);
            return false;
        }

        await CaptureBaselineAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The administrator's connection to the server's master database (ten minutes a command: a backup or restore of a big database takes more than the default 30 s).</summary>
    private string MasterConnectionString => new SqlConnectionStringBuilder(_database.ConnectionString) { InitialCatalog = "master", CommandTimeout = 600 }.ConnectionString;

    private static string Quote(string name) => $"[{name.Replace("]", "]]", StringComparison.Ordinal)}]";

    private static string Literal(string text) => $"N'{text.Replace("'", "''", StringComparison.Ordinal)}'";

    /// <inheritdoc />
    protected override Task RecreateAsync(CancellationToken cancellationToken) => _database.RecreateAsync(cancellationToken);

    /// <inheritdoc />
    protected override async Task ClearAsync(CancellationToken cancellationToken)
    {
        foreach (var model in Enumerable.Reverse(Loaded))
        {
            await ExecuteAsync(ConnectionString, $"DROP TABLE IF EXISTS {Quote(model.Target)}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// How many write statements have touched this database's tables, from the index usage statistics: a counter, so
    /// two writes within the clock's resolution still count (a timestamp comparison would miss them). Any change —
    /// up, or down after the statistics were reset — counts as "changed".
    /// </summary>
    private async Task<long> WritesAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await SqlCommands.ScalarAsync(connection, null, "SELECT ISNULL(SUM(CAST(user_updates AS bigint)), 0) FROM sys.dm_db_index_usage_stats WHERE database_id = DB_ID()", cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken) =>
        SqlCommands.ExecuteOnceAsync(new SqlConnection(connectionString), sql, cancellationToken);

    /// <summary>The server for every fixture of this type: started once, on first use.</summary>
    private Task<SharedServer> StartServerAsync(CancellationToken cancellationToken) =>
        DataGenContainers.StartServerAsync(
            "SQL Server",
            "DATAGEN_MSSQL_CONNECTION",
            external => $"SQL Server at {new SqlConnectionStringBuilder(external).DataSource}",
            "DATAGEN_MSSQL_IMAGE",
            DefaultImage,
            image => ConfigureContainer(new MsSqlBuilder(image).WithReuse(DataGenContainers.Reuse)).Build(),
            container => container.GetConnectionString(),
            cancellationToken);
}
