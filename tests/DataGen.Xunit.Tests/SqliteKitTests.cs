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

    // Each test checks its own write is undone: it runs the restore the kit runs after every test, then reads the
    // baseline again, so the check holds whichever order the tests run in, and when one runs alone.
    [Fact]
    public async Task Deleting_in_one_test_does_not_leak_into_the_next()
    {
        (await CountAsync("SELECT count(*) FROM customers")).Should().Be(500);
        (await CountAsync("DELETE FROM customers WHERE rowid % 2 = 0; SELECT changes()")).Should().Be(250);

        await db.RestoreNowAsync(TestContext.Current.CancellationToken);

        (await CountAsync("SELECT count(*) FROM customers")).Should().Be(500, "the deleted rows are back");
    }

    [Fact]
    public async Task Updating_in_one_test_does_not_leak_into_the_next()
    {
        (await CountAsync("SELECT count(*) FROM customers WHERE first_name = 'Zed'")).Should().Be(0);
        (await CountAsync("SELECT count(*) FROM customers")).Should().Be(500);
        (await CountAsync("UPDATE customers SET first_name = 'Zed'; SELECT changes()")).Should().Be(500);

        await db.RestoreNowAsync(TestContext.Current.CancellationToken);

        (await CountAsync("SELECT count(*) FROM customers WHERE first_name = 'Zed'")).Should().Be(0, "the updated rows are back as loaded");
        (await CountAsync("SELECT count(*) FROM customers")).Should().Be(500);
    }

    [Fact]
    public async Task Reads_see_the_manifest_seed()
    {
        db.Seed.Should().Be(7);
        db.SeedSource.Should().Be("the manifest");
        (await CountAsync("SELECT count(*) FROM customers")).Should().Be(500);
    }
}
