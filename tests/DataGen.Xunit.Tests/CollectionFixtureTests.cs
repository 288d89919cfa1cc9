using Microsoft.Data.Sqlite;

namespace DataGen.Xunit.Tests;

/// <summary>A collection fixture: the data attribute sits on the collection definition; both classes share the database.</summary>
[CollectionDefinition("shared customers")]
[SeededWith("customers.yaml", Scale = 0.003, Seed = 21)]
public sealed class SharedCustomers : ICollectionFixture<SqliteFixture>;

public abstract class SharedCustomerTests(SqliteFixture db)
{
    protected async Task<long> CountAsync(string sql)
    {
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = new SqliteCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    [Fact]
    public async Task Starts_from_the_collection_baseline_and_changes_it()
    {
        db.Seed.Should().Be(21);
        (await CountAsync("SELECT count(*) FROM customers")).Should().Be(300);
        await CountAsync("DELETE FROM customers; SELECT changes()");
    }
}

[Collection("shared customers")]
public sealed class FirstSharedCustomerTests(SqliteFixture db) : SharedCustomerTests(db);

[Collection("shared customers")]
public sealed class SecondSharedCustomerTests(SqliteFixture db) : SharedCustomerTests(db);
