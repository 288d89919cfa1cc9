using DataGen.Outputs;
using DataGen.PostgreSql;
using DataGen.Sql;
using Npgsql;
using Testcontainers.PostgreSql;

namespace DataGen.Xunit;

/// <summary>
/// A PostgreSQL database per test class: one container per test assembly (or the server in
/// <c>DATAGEN_POSTGRES_CONNECTION</c>), a database of its own for each class so classes run in parallel.
/// After each test only the tables it changed are restored from an in-database copy of the baseline (statement
/// triggers record which), sequences included; a read-only test costs one query (<see cref="PostgresStrategy"/>).
/// A subclass changes the container in <c>ConfigureContainer</c> (and then gets a container of its own) and the
/// connection in <c>ConfigureConnection</c>.
/// </summary>
public class PostgresFixture : DataGenServerFixture<PostgreSqlBuilder, PostgreSqlContainer>
{
    /// <summary>The image started unless <c>DATAGEN_POSTGRES_IMAGE</c> names another.</summary>
    public const string DefaultImage = "postgres:15.1";

    private static readonly StoreServer Server = new("PostgreSQL", "DATAGEN_POSTGRES_CONNECTION", "DATAGEN_POSTGRES_IMAGE", DefaultImage);

    /// <summary>A fixture for one test class (xunit makes it).</summary>
    public PostgresFixture()
        : base(Server)
    {
    }

    /// <inheritdoc />
    public override string Store => "postgres";

    private PostgresStrategy Postgres => (PostgresStrategy)Strategy;

    private PostgresServer Admin => new(AdminConnectionString);

    /// <summary>Opens a connection to this class's database.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await RetryAsync(connection.OpenAsync, cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <inheritdoc />
    protected override PostgreSqlBuilder CreateBuilder(string image) => new(image);

    /// <inheritdoc />
    protected override string ContainerConnectionString(PostgreSqlContainer container) => container.GetConnectionString();

    /// <inheritdoc />
    protected override string Describe(string adminConnectionString) => $"PostgreSQL at {new NpgsqlConnectionStringBuilder(adminConnectionString).Host}";

    /// <inheritdoc />
    protected override string ConnectionStringFor(string name) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;

    /// <inheritdoc />
    protected override Task CreateDatabaseAsync(string name, CancellationToken cancellationToken) =>
        Admin.ExecuteAsync($"CREATE DATABASE {PostgresServer.Quote(name)}", cancellationToken);

    /// <inheritdoc />
    protected override Task DropDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        NpgsqlConnection.ClearAllPools();
        return Admin.DropAsync(name, cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<string>> ListDatabasesAsync(CancellationToken cancellationToken) => Admin.DatabasesAsync(cancellationToken);

    /// <inheritdoc />
    protected override bool IsTransient(Exception exception) =>
        exception is NpgsqlException { IsTransient: true } or NpgsqlException { InnerException: System.Net.Sockets.SocketException or TimeoutException or IOException }
        || exception is PostgresException { SqlState: PostgresErrorCodes.CannotConnectNow };

    /// <inheritdoc />
    protected override IStoreStrategy CreateStrategy() => new PostgresStrategy(ConnectionString, Admin, () => KeepsTemplates);

    /// <summary>
    /// The class starts on a copy of its template made ahead, when one is ready (renamed into its database: nothing is
    /// copied while the class waits); otherwise on an empty database.
    /// </summary>
    protected override async Task StartDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        if (TemplateToClone is { } template && PostgresSpares.Of(template).TakeReady() is { } spare)
        {
            try
            {
                await Admin.RenameAsync(spare, name, cancellationToken).ConfigureAwait(false);
                _adopted = true;
                return;
            }
            catch (PostgresException e)
            {
                KitLog.Fallback($"PostgreSQL copy {spare}", $"could not be taken ({KitLog.Why(e)})", "this class starts empty and makes its copy itself");
            }
        }

        await base.StartDatabaseAsync(name, cancellationToken).ConfigureAwait(false);
    }

    private bool _adopted;

    /// <inheritdoc />
    protected override async Task StopAsync()
    {
        if (DatabaseName is null || KitCleanup.HasRun || !await Postgres.PassOnAsync().ConfigureAwait(false))
        {
            await base.StopAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override Task<bool> CloneTemplateAsync(string name, CancellationToken cancellationToken)
    {
        Postgres.Adopted = _adopted;
        _adopted = false;
        return base.CloneTemplateAsync(name, cancellationToken);
    }

    /// <inheritdoc />
    protected override IDataOutput CreateOutput() => PostgresOutput.Create(ConnectionString, new StoreLoadOptions { DropConflicting = true }, "postgres");

    /// <inheritdoc />
    protected override async Task<DataGen.Schemas.DatabaseSchema?> ReadSchemaAsync(CancellationToken cancellationToken) =>
        await PostgresStoreProvider.Instance.ReadSchemaAsync(new Datastore("db", Store, new Dictionary<string, string> { ["connection"] = ConnectionString }), null, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async Task RecreateAsync(CancellationToken cancellationToken)
    {
        await base.RecreateAsync(cancellationToken).ConfigureAwait(false);
        Postgres.Forget();
    }

    /// <inheritdoc />
    protected override async Task ClearAsync(CancellationToken cancellationToken)
    {
        var drops = Loaded.Select(m => $"DROP TABLE IF EXISTS {PostgresRestorePlan.Quote(PostgresRestorePlan.Qualified(m.Target))} CASCADE;").Distinct().Append($"DROP SCHEMA IF EXISTS {PostgresRestorePlan.Schema} CASCADE;");
        await SqlCommands.ExecuteOnceAsync(new NpgsqlConnection(ConnectionString), string.Join('\n', drops), cancellationToken).ConfigureAwait(false);
        Postgres.Forget();
    }
}
