using Microsoft.Data.SqlClient;
using MongoDB.Bson;
using MongoDB.Driver;

namespace DataGen.Xunit.Tests;

/// <summary>The second example of the issue: journeys in MongoDB (skips with the reason where the image can't be had).</summary>
[Journey("starfleet", Users = 25)]
public sealed class ApplicationReviewTests(MongoFixture mongo) : IClassFixture<MongoFixture>
{
    private long Steps() => mongo.Database.GetCollection<BsonDocument>("journey_steps").CountDocuments(FilterDefinition<BsonDocument>.Empty, cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public void Every_step_document_is_loaded()
    {
        mongo.Journeys.Should().HaveCount(25);
        Steps().Should().Be(mongo.Journeys.Sum(j => j.Steps.Count)).And.Be(mongo.Counts["journey_steps"]);
    }

    private async Task<List<string>> CollectionsAsync() =>
        await (await mongo.Database.ListCollectionNamesAsync(cancellationToken: TestContext.Current.CancellationToken)).ToListAsync(TestContext.Current.CancellationToken);

    [Fact]
    public async Task Deleted_documents_are_restored()
    {
        Steps().Should().Be(mongo.Counts["journey_steps"]);
        await mongo.Database.GetCollection<BsonDocument>("journey_steps").DeleteManyAsync(FilterDefinition<BsonDocument>.Empty, TestContext.Current.CancellationToken);
        Steps().Should().Be(0);

        await mongo.RestoreNowAsync(TestContext.Current.CancellationToken);

        Steps().Should().Be(mongo.Counts["journey_steps"]);
    }

    [Fact]
    public async Task An_added_collection_is_dropped_by_the_restore()
    {
        (await CollectionsAsync()).Should().Equal("journey_steps");
        await mongo.Database.GetCollection<BsonDocument>("scratch").InsertOneAsync(new BsonDocument("x", 1), cancellationToken: TestContext.Current.CancellationToken);

        await mongo.RestoreNowAsync(TestContext.Current.CancellationToken);

        (await CollectionsAsync()).Should().Equal("journey_steps");
        Steps().Should().Be(mongo.Counts["journey_steps"]);
    }
}

/// <summary>The retail manifest in SQL Server, restored with Respawn and a bulk reload after a test that wrote.</summary>
[SeededWith("retail.yaml", Seed = 42)]
public sealed class SqlServerOrderTests(SqlServerFixture db) : IClassFixture<SqlServerFixture>
{
    private async Task<int> CountAsync(string sql)
    {
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = new SqlCommand(sql, connection);
        return (int)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    [Fact]
    public async Task Deletes_are_undone_by_the_restore()
    {
        (await CountAsync("SELECT COUNT(*) FROM orders")).Should().Be((int)db.Counts["orders"]);
        await CountAsync("DELETE FROM payments; DELETE FROM orders; SELECT @@ROWCOUNT");
        (await CountAsync("SELECT COUNT(*) FROM orders")).Should().Be(0);

        await db.RestoreNowAsync(TestContext.Current.CancellationToken);

        (await CountAsync("SELECT COUNT(*) FROM orders")).Should().Be((int)db.Counts["orders"]);
        (await CountAsync("SELECT COUNT(*) FROM payments")).Should().Be((int)db.Counts["payments"]);
    }

    [Fact]
    public async Task A_test_that_reads_sees_the_baseline()
    {
        (await CountAsync("SELECT COUNT(*) FROM orders")).Should().Be((int)db.Counts["orders"]);
        (await CountAsync("SELECT COUNT(*) FROM customers")).Should().Be(1000);
    }
}
