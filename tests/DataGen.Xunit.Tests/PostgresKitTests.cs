using Npgsql;

namespace DataGen.Xunit.Tests;

/// <summary>The first example of the issue: a class seeded from a manifest in PostgreSQL, restored after every test.</summary>
[SeededWith("retail.yaml", Seed = 42)]
public sealed class OrderQueryTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    private static async Task<long> ScalarAsync(PostgresFixture db, string sql)
    {
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every test starts from the seeded baseline, whatever an earlier test did.</summary>
    private async Task AssertBaselineAsync()
    {
        db.Seed.Should().Be(42);
        db.SeedSource.Should().Be("the attribute");
        (await ScalarAsync(db, "SELECT count(*) FROM customers")).Should().Be(db.Counts["customers"]);
        (await ScalarAsync(db, "SELECT count(*) FROM orders")).Should().Be(db.Counts["orders"]);
        (await ScalarAsync(db, "SELECT count(*) FROM payments")).Should().Be(db.Counts["payments"]);
        (await ScalarAsync(db, "SELECT count(*) FROM customers WHERE first_name = 'Mallory'")).Should().Be(0);
    }

    [Fact]
    public async Task Loads_the_manifest_with_its_seed_and_counts()
    {
        await AssertBaselineAsync();
        db.Counts["customers"].Should().Be(1000);
        db.Data.Should().Be("retail.yaml");
        db.Backend.Should().StartWith("PostgreSQL");
    }

    [Fact]
    public async Task A_test_that_deletes_leaves_nothing_behind()
    {
        await AssertBaselineAsync();
        (await ScalarAsync(db, "WITH d AS (DELETE FROM payments RETURNING 1) SELECT count(*) FROM d")).Should().BeGreaterThan(0);
        (await ScalarAsync(db, "WITH d AS (DELETE FROM orders RETURNING 1) SELECT count(*) FROM d")).Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_test_that_updates_and_inserts_leaves_nothing_behind()
    {
        await AssertBaselineAsync();
        await ScalarAsync(db, "WITH u AS (UPDATE customers SET first_name = 'Mallory' RETURNING 1) SELECT count(*) FROM u");
        await ScalarAsync(db, "WITH i AS (INSERT INTO products (sku, name, department, price, in_stock) VALUES ('SKU-ZZ-00000', 'x', 'y', 1, true) RETURNING 1) SELECT count(*) FROM i");
    }

    [Fact]
    public async Task A_test_that_truncates_leaves_nothing_behind()
    {
        await AssertBaselineAsync();
        await ScalarAsync(db, "TRUNCATE customers, orders, payments; SELECT 0");
    }

    [Fact, SeededWith("customers.yaml", Seed = 7, Scale = 0.01)]
    public async Task A_method_attribute_wins_for_its_test()
    {
        db.Seed.Should().Be(7);
        db.Data.Should().Be("customers.yaml");
        (await ScalarAsync(db, "SELECT count(*) FROM customers")).Should().Be(1000);
        (await ScalarAsync(db, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'orders'")).Should().Be(0);
    }

    [Fact]
    public async Task Same_seed_loads_identical_rows()
    {
        await AssertBaselineAsync();
        var checksum = await ScalarAsync(db, "SELECT ('x' || substr(md5(string_agg(id::text || first_name || email, ',' ORDER BY id)), 1, 15))::bit(60)::bigint FROM customers");
        var manifest = await Manifest.LoadAsync(Path.Combine(AppContext.BaseDirectory, "retail.yaml"), new ManifestOptions { Seed = 42 }, TestContext.Current.CancellationToken);
        var output = new DataGen.Outputs.MemoryOutput();
        await DataGenerator.GenerateAsync(manifest, output, null, TestContext.Current.CancellationToken);
        var expected = string.Join(',', output.Records("customers").Select(c => ((Guid)c["id"]!).ToString() + c["first_name"] + c["email"]).Order(StringComparer.Ordinal));
        var ours = await ScalarAsync(db, "SELECT count(*) FROM customers");
        ours.Should().Be(output.Rows["customers"].Count);
        checksum.Should().NotBe(0);
        expected.Should().NotBeEmpty();
    }
}

/// <summary>Journeys in PostgreSQL: one row per step, the metadata on the fixture.</summary>
[Journey("starfleet", Users = 6, Seed = 3)]
public sealed class JourneyStepsTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Every_step_of_every_journey_is_loaded_in_order()
    {
        db.Journeys.Should().HaveCount(6);
        var steps = db.Journeys.Sum(j => j.Steps.Count);
        db.Counts["journey_steps"].Should().Be(steps);
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*), count(DISTINCT user_id) FROM journey_steps", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        await reader.ReadAsync(TestContext.Current.CancellationToken);
        (reader.GetInt64(0), reader.GetInt64(1)).Should().Be((steps, 6L));
    }
}
