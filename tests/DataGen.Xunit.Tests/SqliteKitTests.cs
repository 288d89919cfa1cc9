using Microsoft.Data.Sqlite;

namespace DataGen.Xunit.Tests;

/// <summary>The embedded store: no Docker; the baseline file is put back only after a test that wrote.</summary>
[SeededWith("customers.yaml", Scale = 0.005)]
public sealed class SqliteKitTests(SqliteFixture db) : IClassFixture<SqliteFixture>
{
    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = new SqliteCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    [Fact]
    public async Task Deleting_in_one_test_does_not_leak_into_the_next()
    {
        (await CountAsync("SELECT count(*) FROM customers")).Should().Be(500);
        await CountAsync("DELETE FROM customers WHERE rowid % 2 = 0; SELECT changes()");
    }

    [Fact]
    public async Task Updating_in_one_test_does_not_leak_into_the_next()
    {
        (await CountAsync("SELECT count(*) FROM customers WHERE first_name = 'Zed'")).Should().Be(0);
        (await CountAsync("SELECT count(*) FROM customers")).Should().Be(500);
        await CountAsync("UPDATE customers SET first_name = 'Zed'; SELECT changes()");
    }

    [Fact]
    public async Task Reads_see_the_manifest_seed()
    {
        db.Seed.Should().Be(7);
        db.SeedSource.Should().Be("the manifest");
        (await CountAsync("SELECT count(*) FROM customers")).Should().Be(500);
    }
}
