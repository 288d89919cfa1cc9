using System.Data.Common;
using DataGen.Outputs;
using DataGen.Schemas;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DataGen.Xunit.Tests;

/// <summary>An application's schema with a foreign-key cycle: a branch has a head account, every account belongs to a branch.</summary>
public sealed class BranchScript : IApplicationSchema
{
    public Task CreateAsync(string store, string connectionString, CancellationToken cancellationToken) =>
        ScriptStores.RunAsync(store, connectionString, identity => store == "sqlite"
            ? $"""
                CREATE TABLE branches (id {identity}, name varchar(40) NOT NULL, head_account_id integer REFERENCES accounts (id));
                CREATE TABLE accounts (id {identity}, owner varchar(80) NOT NULL, branch_id integer NOT NULL REFERENCES branches (id));
                """
            : $"""
                CREATE TABLE branches (id {identity}, name varchar(40) NOT NULL, head_account_id integer NULL);
                CREATE TABLE accounts (id {identity}, owner varchar(80) NOT NULL, branch_id integer NOT NULL, FOREIGN KEY (branch_id) REFERENCES branches (id));
                ALTER TABLE branches ADD FOREIGN KEY (head_account_id) REFERENCES accounts (id);
                """, cancellationToken);

    public DatabaseSchema? Describe(string store, string connectionString) => null;
}

/// <summary>
/// The cycle is filled (branches go in without a head, then get one by an update) and a test that breaks it — heads
/// cleared, accounts deleted — leaves the next test the seeded baseline, on each SQL fixture and on a fixture that
/// restores by writing its kept rows again (as the SQL Server fixture does).
/// </summary>
[SeededWith("app-branches.yaml", Schema = typeof(BranchScript))]
public abstract class CycleSchemaTests(DataGenFixture db, Func<DbConnection> connect)
{
    private Task<long> ScalarAsync(string sql) => ScriptStores.ScalarAsync(connect, sql);

    private async Task TheBaselineHoldsAsync()
    {
        (await ScalarAsync("SELECT count(*) FROM accounts")).Should().Be(db.Counts["accounts"]).And.Be(60);
        (await ScalarAsync("SELECT count(*) FROM branches WHERE head_account_id IS NOT NULL")).Should().BePositive("heads are set by the second pass");
        (await ScalarAsync("SELECT count(*) FROM branches b WHERE head_account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = b.head_account_id)")).Should().Be(0);
        (await ScalarAsync("SELECT count(DISTINCT branch_id) FROM accounts")).Should().BeGreaterThan(1);
    }

    [Fact]
    public async Task Clearing_the_heads_does_not_leak_into_the_next_test()
    {
        await TheBaselineHoldsAsync();
        (await ScalarAsync("UPDATE branches SET head_account_id = NULL; SELECT count(*) FROM branches WHERE head_account_id IS NOT NULL")).Should().Be(0);

        // The restore the kit runs after every test, run here: the check holds whichever order the tests run in.
        await db.RestoreNowAsync(TestContext.Current.CancellationToken);
        await TheBaselineHoldsAsync();
    }

    [Fact]
    public async Task Deleting_accounts_does_not_leak_into_the_next_test()
    {
        await TheBaselineHoldsAsync();
        await ScalarAsync("UPDATE branches SET head_account_id = NULL; SELECT 0");
        (await ScalarAsync("DELETE FROM accounts WHERE id > 10; SELECT count(*) FROM accounts")).Should().Be(10);

        await db.RestoreNowAsync(TestContext.Current.CancellationToken);
        await TheBaselineHoldsAsync();
    }

    [Fact]
    public async Task An_application_insert_into_either_table_gets_a_fresh_key()
    {
        await TheBaselineHoldsAsync();
        var branch = await ScalarAsync("INSERT INTO branches (name) VALUES ('New'); SELECT MAX(id) FROM branches");
        branch.Should().Be(db.Counts["branches"] + 1);
        (await ScalarAsync($"INSERT INTO accounts (owner, branch_id) VALUES ('New Owner', {branch}); SELECT MAX(id) FROM accounts")).Should().Be(61);
    }
}

public sealed class SqliteCycleSchemaTests(SqliteFixture db) : CycleSchemaTests(db, () => new SqliteConnection(db.ConnectionString)), IClassFixture<SqliteFixture>;

public sealed class PostgresCycleSchemaTests(PostgresFixture db) : CycleSchemaTests(db, () => new NpgsqlConnection(db.ConnectionString)), IClassFixture<PostgresFixture>;

public sealed class MySqlCycleSchemaTests(MySqlFixture db) : CycleSchemaTests(db, () => new MySqlConnector.MySqlConnection(db.ConnectionString)), IClassFixture<MySqlFixture>;

public sealed class RowRestoringCycleSchemaTests(RowRestoringSqliteFixture db) : CycleSchemaTests(db, () => new SqliteConnection(db.ConnectionString)), IClassFixture<RowRestoringSqliteFixture>;

/// <summary>
/// SQLite restored the way the SQL Server and MongoDB fixtures restore: tables emptied, the kept rows written again
/// (<see cref="DataGenFixture.WriteBaselineAsync"/>) through an output that enforces foreign keys — the cycle's rows
/// first with the deferred ref NULL, then its updates.
/// </summary>
public sealed class RowRestoringSqliteFixture : SqliteFixture
{
    protected override bool KeepsRows => true;

    protected override bool SupportsTemplates => false;

    protected override async Task RestoreBaselineAsync(CancellationToken cancellationToken)
    {
        await using (var connection = await OpenConnectionAsync(cancellationToken))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA foreign_keys = OFF; " + string.Concat(Loaded.Select(m => $"DELETE FROM \"{m.Target}\"; "));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        SqliteConnection.ClearAllPools();
        IDataOutput output = CreateOutput();
        await using (output)
        {
            await WriteBaselineAsync(output, cancellationToken);
            await output.CompleteAsync(cancellationToken);
        }
    }
}
