using DataGen.Xunit;
using Microsoft.Data.Sqlite;

[assembly: AssemblyFixture(typeof(SqliteFixture))]
[assembly: SeededWith("retail.yaml", Scale = 0.1, Variables = ["email_domain=corp.test"])]

namespace DataGen.Xunit.AssemblyTests;

/// <summary>Classes in parallel share the assembly's database; each test still starts from the baseline.</summary>
public abstract class SharedDatabaseTests(SqliteFixture db)
{
    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = new SqliteCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    [Fact]
    public async Task Sees_the_baseline_then_deletes_everything()
    {
        (await ScalarAsync("SELECT count(*) FROM customers")).Should().Be(100);
        (await ScalarAsync("SELECT count(*) FROM customers WHERE email NOT LIKE '%@corp.test'")).Should().Be(0, "variables reach the manifest");
        await ScalarAsync("DELETE FROM payments; DELETE FROM orders; DELETE FROM customers; SELECT changes()");
        await Task.Delay(150, TestContext.Current.CancellationToken); // a test of another class running now would see this
    }

    [Fact]
    public async Task Sees_the_baseline_then_updates()
    {
        await Task.Delay(50, TestContext.Current.CancellationToken);
        (await ScalarAsync("SELECT count(*) FROM customers WHERE first_name = 'Eve'")).Should().Be(0);
        (await ScalarAsync("SELECT count(*) FROM customers")).Should().Be(100);
        await ScalarAsync("UPDATE customers SET first_name = 'Eve'; SELECT changes()");
        await Task.Delay(150, TestContext.Current.CancellationToken);
    }
}

public sealed class FirstClass(SqliteFixture db) : SharedDatabaseTests(db);

public sealed class SecondClass(SqliteFixture db) : SharedDatabaseTests(db);

public sealed class ThirdClass(SqliteFixture db) : SharedDatabaseTests(db);
