using DataGen.Outputs;
using DataGen.SqlServer;
using Microsoft.Data.SqlClient;
using Respawn;
using Respawn.Graph;
using Testcontainers.MsSql;

namespace DataGen.Xunit;

/// <summary>
/// A SQL Server database per test class: one container per test assembly (or the server in
/// <c>DATAGEN_MSSQL_CONNECTION</c>). After a test that wrote (the index usage statistics say so), Respawn empties the
/// loaded tables and the rows kept at load are bulk-copied back; a read-only test costs one query.
/// </summary>
public class SqlServerFixture : DataGenFixture
{
    private static readonly Lazy<Task<(string? Admin, string Backend, string? Unavailable)>> Shared = new(StartServerAsync);
    private readonly ClassDatabase _database = new(
        cs => new SqlConnection(cs),
        name => $"CREATE DATABASE [{name}]",
        name => $"ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]",
        (admin, name) => new SqlConnectionStringBuilder(admin) { InitialCatalog = name }.ConnectionString,
        SqlConnection.ClearAllPools);

    private DateTime _baselineAt;

    /// <summary>The connection string of this class's database.</summary>
    public string ConnectionString => _database.ConnectionString;

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

    /// <inheritdoc />
    protected override Task<string?> StartAsync(CancellationToken cancellationToken) =>
        _database.StartAsync(Shared, TestClass, cancellationToken);

    /// <inheritdoc />
    protected override Task StopAsync() => _database.DropAsync();

    /// <inheritdoc />
    protected override IDataOutput CreateOutput() => SqlServerOutput.Create(ConnectionString, new StoreLoadOptions { DropConflicting = true });

    /// <inheritdoc />
    protected override async Task CaptureBaselineAsync(CancellationToken cancellationToken) => _baselineAt = await LastWriteAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async Task RestoreBaselineAsync(CancellationToken cancellationToken)
    {
        if (await LastWriteAsync(cancellationToken).ConfigureAwait(false) <= _baselineAt)
        {
            return;
        }

        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
            {
                DbAdapter = DbAdapter.SqlServer,
                TablesToInclude = Loaded.Select(m => new Table("dbo", m.Target)).ToArray(),
                WithReseed = true,
            }).ConfigureAwait(false);
            await respawner.ResetAsync(connection).ConfigureAwait(false);
        }

        // Parents before children, as they were loaded.
        var output = CreateOutput();
        await using (output.ConfigureAwait(false))
        {
            foreach (var model in Loaded)
            {
                await WriteRowsAsync(output, model, BaselineRows!.Rows[model.Name], cancellationToken).ConfigureAwait(false);
            }

            await output.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        _baselineAt = await LastWriteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ClearAsync(CancellationToken cancellationToken)
    {
        foreach (var model in Enumerable.Reverse(Loaded))
        {
            await ExecuteAsync(ConnectionString, $"DROP TABLE IF EXISTS [{model.Target.Replace("]", "]]", StringComparison.Ordinal)}]", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The latest user write to any table of this database, from the index usage statistics.</summary>
    private async Task<DateTime> LastWriteAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new SqlCommand("SELECT ISNULL(MAX(last_user_update), '2000-01-01') FROM sys.dm_db_index_usage_stats WHERE database_id = DB_ID()", connection);
            await using (command.ConfigureAwait(false))
            {
                return (DateTime)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }
        }
    }

    private static Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(new SqlConnection(connectionString), sql, cancellationToken);

    /// <summary>The server for the whole test assembly: started once, on first use.</summary>
    private static async Task<(string? Admin, string Backend, string? Unavailable)> StartServerAsync()
    {
        if (DataGenContainers.Env("DATAGEN_MSSQL_CONNECTION") is { } external)
        {
            return (external, $"SQL Server at {new SqlConnectionStringBuilder(external).DataSource} (DATAGEN_MSSQL_CONNECTION)", null);
        }

        var image = DataGenContainers.Image(DataGenContainers.SqlServerImage);
        var backend = $"SQL Server container {image}";
        if (DataGenContainers.WhyUnavailable(image) is { } why)
        {
            return (null, backend, why);
        }

        var (container, unavailable) = await DataGenContainers.StartAsync(() => new MsSqlBuilder(image).WithReuse(DataGenContainers.Reuse).Build(), backend).ConfigureAwait(false);
        return (container?.GetConnectionString(), backend, unavailable);
    }
}
