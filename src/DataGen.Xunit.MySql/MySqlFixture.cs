using DataGen.MySql;
using DataGen.Outputs;
using DataGen.Sql;
using MySqlConnector;
using Testcontainers.MySql;

namespace DataGen.Xunit;

/// <summary>
/// A MySQL or MariaDB database per test class: one container per test assembly (or the server in
/// <c>DATAGEN_MYSQL_CONNECTION</c>), a database of its own for each class so classes run in parallel. The baseline is
/// copied into a second database on the same server; after each test, the loaded tables whose checksum or
/// AUTO_INCREMENT moved are emptied and copied back (<see cref="MySqlStrategy"/>); a read-only test costs one query.
/// A subclass changes the container in <c>ConfigureContainer</c> and the connection in <c>ConfigureConnection</c>.
/// </summary>
public class MySqlFixture : DataGenServerFixture<MySqlBuilder, MySqlContainer>
{
    /// <summary>The image started unless <c>DATAGEN_MYSQL_IMAGE</c> names another (a <c>mariadb:</c> image works too).</summary>
    public const string DefaultImage = "mysql:8.0";

    private static readonly StoreServer Server = new("MySQL", "DATAGEN_MYSQL_CONNECTION", "DATAGEN_MYSQL_IMAGE", DefaultImage);

    /// <summary>A fixture for one test class (xunit makes it).</summary>
    public MySqlFixture()
        : base(Server)
    {
    }

    /// <inheritdoc />
    public override string Store => "mysql";

    /// <summary>Opens a connection to this class's database.</summary>
    public async Task<MySqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new MySqlConnection(ConnectionString);
        await RetryAsync(connection.OpenAsync, cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <inheritdoc />
    protected override MySqlBuilder CreateBuilder(string image)
    {
        // MySQL 8 refuses LOAD DATA LOCAL INFILE (bulk loading) unless the server allows it; MariaDB allows it.
        var builder = new MySqlBuilder(image).WithUsername("root").WithPassword("datagen");
        return image.Contains("mariadb", StringComparison.OrdinalIgnoreCase) ? builder : builder.WithCommand("--local-infile=1");
    }

    /// <inheritdoc />
    protected override string ContainerConnectionString(MySqlContainer container) => container.GetConnectionString();

    /// <inheritdoc />
    protected override string Describe(string adminConnectionString) => $"MySQL at {new MySqlConnectionStringBuilder(adminConnectionString).Server}";

    /// <inheritdoc />
    protected override string ConnectionStringFor(string name) =>
        new MySqlConnectionStringBuilder(AdminConnectionString) { Database = name, AllowLoadLocalInfile = true, AllowUserVariables = true }.ConnectionString;

    /// <inheritdoc />
    protected override Task CreateDatabaseAsync(string name, CancellationToken cancellationToken) =>
        OnServerAsync($"CREATE DATABASE {MySqlRestorePlan.Quote(name)} CHARACTER SET utf8mb4", cancellationToken);

    /// <inheritdoc />
    protected override Task DropDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        MySqlConnection.ClearAllPools();
        return OnServerAsync($"DROP DATABASE IF EXISTS {MySqlRestorePlan.Quote(name)}; DROP DATABASE IF EXISTS {MySqlRestorePlan.Quote(name + "_baseline")}", cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<string>> ListDatabasesAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(AdminConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await SqlCommands.ColumnAsync(connection, null, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override bool IsTransient(Exception exception) =>
        exception is MySqlException { IsTransient: true } or MySqlException { ErrorCode: MySqlErrorCode.UnableToConnectToHost }
        || exception is MySqlException { InnerException: System.Net.Sockets.SocketException or IOException or TimeoutException };

    /// <inheritdoc />
    protected override IStoreStrategy CreateStrategy() => new MySqlStrategy(ConnectionString, () => KeepsTemplates);

    /// <inheritdoc />
    protected override IDataOutput CreateOutput() => MySqlOutput.Create(ConnectionString, new StoreLoadOptions { DropConflicting = true }, "mysql");

    /// <inheritdoc />
    protected override async Task<DataGen.Schemas.DatabaseSchema?> ReadSchemaAsync(CancellationToken cancellationToken) =>
        await MySqlStoreProvider.Instance.ReadSchemaAsync(new Datastore("db", Store, new Dictionary<string, string> { ["connection"] = ConnectionString }), null, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async Task ClearAsync(CancellationToken cancellationToken)
    {
        var drops = Loaded.Select(m => $"DROP TABLE IF EXISTS {MySqlRestorePlan.Quote(SqlDialect.TableName(m.Target))};").Distinct().Prepend("SET FOREIGN_KEY_CHECKS = 0;").Append("SET FOREIGN_KEY_CHECKS = 1;");
        await SqlCommands.ExecuteOnceAsync(new MySqlConnection(ConnectionString), string.Join('\n', drops), cancellationToken).ConfigureAwait(false);
        ((MySqlStrategy)Strategy).Forget();
    }

    /// <inheritdoc />
    protected override async Task RecreateAsync(CancellationToken cancellationToken)
    {
        await base.RecreateAsync(cancellationToken).ConfigureAwait(false);
        ((MySqlStrategy)Strategy).Forget();
    }

    private Task OnServerAsync(string sql, CancellationToken cancellationToken) =>
        SqlCommands.ExecuteOnceAsync(new MySqlConnection(AdminConnectionString), sql, cancellationToken);
}
