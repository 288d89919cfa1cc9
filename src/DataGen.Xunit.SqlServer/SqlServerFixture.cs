using DataGen.Outputs;
using DataGen.Sql;
using DataGen.SqlServer;
using Microsoft.Data.SqlClient;
using Testcontainers.MsSql;

namespace DataGen.Xunit;

/// <summary>
/// A SQL Server database per test class: one container per test assembly (or the server in
/// <c>DATAGEN_MSSQL_CONNECTION</c>). After a test that wrote, Respawn empties the loaded tables (in whatever schema) and
/// the rows kept at load are bulk-copied back (<see cref="SqlServerStrategy"/>); a read-only test costs one query. A
/// subclass changes the container in <c>ConfigureContainer</c> and the connection in <c>ConfigureConnection</c>.
/// </summary>
public class SqlServerFixture : DataGenServerFixture<MsSqlBuilder, MsSqlContainer>
{
    /// <summary>The image started unless <c>DATAGEN_MSSQL_IMAGE</c> names another.</summary>
    public const string DefaultImage = "mcr.microsoft.com/mssql/server:2022-latest";

    private static readonly StoreServer Server = new("SQL Server", "DATAGEN_MSSQL_CONNECTION", "DATAGEN_MSSQL_IMAGE", DefaultImage);

    /// <summary>A fixture for one test class (xunit makes it).</summary>
    public SqlServerFixture()
        : base(Server)
    {
    }

    /// <inheritdoc />
    public override string Store => "sqlserver";

    /// <inheritdoc />
    protected override bool KeepsRows => true;

    /// <summary>SQL Server keeps no templates across runs (they are backups of this run's).</summary>
    protected override bool KeepsTemplates => false;

    /// <summary>Opens a connection to this class's database.</summary>
    public async Task<SqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqlConnection(ConnectionString);
        await RetryAsync(connection.OpenAsync, cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <inheritdoc />
    protected override MsSqlBuilder CreateBuilder(string image) => new(image);

    /// <inheritdoc />
    protected override string ContainerConnectionString(MsSqlContainer container) => container.GetConnectionString();

    /// <inheritdoc />
    protected override string Describe(string adminConnectionString) => $"SQL Server at {new SqlConnectionStringBuilder(adminConnectionString).DataSource}";

    /// <inheritdoc />
    protected override string ConnectionStringFor(string name) => new SqlConnectionStringBuilder(AdminConnectionString) { InitialCatalog = name }.ConnectionString;

    /// <summary>The statement that makes a class's database (a field, so the T-SQL parse test reads the fixture's own).</summary>
    private static readonly Func<string, string> CreateDatabaseSql = name => $"CREATE DATABASE {Quote(name)}";

    /// <summary>The statement that drops a class's database, sessions cut off first.</summary>
    private static readonly Func<string, string> DropDatabaseSql = name =>
        $"IF DB_ID(N'{name.Replace("'", "''", StringComparison.Ordinal)}') IS NOT NULL BEGIN ALTER DATABASE {Quote(name)} SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE {Quote(name)}; END";

    /// <summary>The statements that delete and list template backups (fields, so the T-SQL parse test reads them too).</summary>
    internal static readonly Func<string, string> DeleteBackupSql = SqlServerBackups.DeleteSql;

    /// <summary>See <see cref="DeleteBackupSql"/>.</summary>
    internal static readonly Func<string, string> ListBackupsSql = SqlServerBackups.ListSql;

    /// <inheritdoc />
    protected override Task CreateDatabaseAsync(string name, CancellationToken cancellationToken) => OnServerAsync(CreateDatabaseSql(name), cancellationToken);

    /// <inheritdoc />
    protected override Task DropDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        SqlConnection.ClearAllPools();
        return OnServerAsync(DropDatabaseSql(name), cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<string>> ListDatabasesAsync(CancellationToken cancellationToken)
    {
        var connection = new SqlConnection(AdminConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await SqlCommands.ColumnAsync(connection, null, "SELECT name FROM sys.databases", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override bool IsTransient(Exception exception) =>
        exception is SqlException { IsTransient: true } or SqlException { Number: -2 or 53 or 233 or 4060 or 18456 } || exception is SqlException { InnerException: System.ComponentModel.Win32Exception };

    /// <inheritdoc />
    protected override IStoreStrategy CreateStrategy() => new SqlServerStrategy(ConnectionString, WriteBaselineAsync);

    /// <summary>Writes the rows kept at load into the emptied tables, parents before children, as they were loaded.</summary>
    private async Task WriteBaselineAsync(CancellationToken cancellationToken)
    {
        var output = CreateOutput();
        await using (output.ConfigureAwait(false))
        {
            await WriteBaselineAsync(output, cancellationToken).ConfigureAwait(false);
            await output.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A restored backup is captured as this class's baseline (its Respawn plan and write counter).</summary>
    protected override async Task<bool> CloneTemplateAsync(string name, CancellationToken cancellationToken)
    {
        if (!await base.CloneTemplateAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await CaptureBaselineAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    protected override IDataOutput CreateOutput() => SqlServerOutput.Create(ConnectionString, new StoreLoadOptions { DropConflicting = true });

    /// <inheritdoc />
    protected override async Task ClearAsync(CancellationToken cancellationToken)
    {
        foreach (var model in Enumerable.Reverse(Loaded))
        {
            await SqlCommands.ExecuteOnceAsync(new SqlConnection(ConnectionString), $"DROP TABLE IF EXISTS {SqlServerDialect.Instance.QuoteTable(model.Target)}", cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Quote(string name) => SqlServerDialect.Instance.Quote(name);

    private Task OnServerAsync(string sql, CancellationToken cancellationToken) =>
        SqlCommands.ExecuteOnceAsync(new SqlConnection(AdminConnectionString), sql, cancellationToken);
}
