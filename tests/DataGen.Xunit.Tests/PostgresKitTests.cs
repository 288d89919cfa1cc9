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

    /// <summary>Every table's content, as a digest: equal digests mean the same rows.</summary>
    private async Task<string> DigestAsync()
    {
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT string_agg(t || ':' || h, ',' ORDER BY t) FROM (SELECT 'customers' AS t, md5(COALESCE(string_agg(c::text, '|' ORDER BY c::text), '')) AS h FROM customers c UNION ALL SELECT 'orders', md5(COALESCE(string_agg(o::text, '|' ORDER BY o::text), '')) FROM orders o UNION ALL SELECT 'payments', md5(COALESCE(string_agg(p::text, '|' ORDER BY p::text), '')) FROM payments p UNION ALL SELECT 'products', md5(COALESCE(string_agg(p::text, '|' ORDER BY p::text), '')) FROM products p) x",
            connection);
        return (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>Changes the data, restores it as the fixture does after a test, and checks every row is back.</summary>
    private async Task AssertUndoneAsync(string change)
    {
        await AssertBaselineAsync();
        var before = await DigestAsync();
        await ScalarAsync(db, change);
        (await DigestAsync()).Should().NotBe(before, "the change must have changed something");

        await db.RestoreNowAsync(TestContext.Current.CancellationToken);

        (await DigestAsync()).Should().Be(before);
        await AssertBaselineAsync();
    }

    [Fact]
    public Task Deletes_are_undone_by_the_restore() =>
        AssertUndoneAsync("DELETE FROM payments; DELETE FROM orders; SELECT 0");

    [Fact]
    public Task Updates_and_inserts_are_undone_by_the_restore() =>
        AssertUndoneAsync("UPDATE customers SET first_name = 'Mallory'; INSERT INTO products (sku, name, department, price, in_stock) VALUES ('SKU-ZZ-00000', 'x', 'y', 1, true); SELECT 0");

    [Fact]
    public Task Changed_keys_and_a_few_changed_rows_are_undone_by_the_restore() =>
        AssertUndoneAsync("UPDATE products SET sku = sku || '-X' WHERE price < 20; UPDATE orders SET status = 'returned' WHERE id % 11 = 0; DELETE FROM payments WHERE order_id % 13 = 0; SELECT 0");

    [Fact]
    public async Task Rows_a_restore_put_back_are_restored_again_after_the_next_change()
    {
        // Restores by difference find the rows written since the last restore: rows it wrote back count as the baseline.
        await AssertUndoneAsync("UPDATE orders SET status = 'returned', items = '[]' WHERE id % 7 = 0; SELECT 0");
        await AssertUndoneAsync("UPDATE orders SET status = 'lost' WHERE id % 5 = 0; DELETE FROM orders o WHERE id % 49 = 0 AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id); SELECT 0");
        await AssertUndoneAsync("BEGIN; UPDATE customers SET city = 'Nowhere' WHERE segment = 'gold'; COMMIT; SELECT 0");
    }

    [Fact]
    public async Task An_application_role_without_rights_on_the_kit_s_schema_writes_and_is_restored()
    {
        // The application often connects as a role of its own: the kit's triggers still note its writes.
        var role = $"app_{Guid.NewGuid():N}"[..20];
        await ScalarAsync(db, $"CREATE ROLE {role} LOGIN PASSWORD 'app'; GRANT SELECT, UPDATE ON customers TO {role}; SELECT 0");
        try
        {
            await AssertBaselineAsync();
            var before = await DigestAsync();
            var app = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = role, Password = "app", Pooling = false }.ConnectionString;
            await using (var connection = new NpgsqlConnection(app))
            {
                await connection.OpenAsync(TestContext.Current.CancellationToken);
                await using var update = new NpgsqlCommand("UPDATE customers SET first_name = 'Mallory' WHERE segment = 'gold'", connection);
                (await update.ExecuteNonQueryAsync(TestContext.Current.CancellationToken)).Should().BePositive();
            }

            await db.RestoreNowAsync(TestContext.Current.CancellationToken);
            (await DigestAsync()).Should().Be(before);
        }
        finally
        {
            await ScalarAsync(db, $"REVOKE ALL ON customers FROM {role}; DROP ROLE {role}; SELECT 0");
            await db.RestoreNowAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public Task A_truncate_is_undone_by_the_restore() =>
        AssertUndoneAsync("TRUNCATE customers, orders, payments; SELECT 0");

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
        string loaded;
        await using (var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken))
        await using (var command = new NpgsqlCommand("SELECT string_agg(id::text || '|' || first_name || '|' || email, ',' ORDER BY id::text COLLATE \"C\") FROM customers", connection))
        {
            loaded = (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        }

        var manifest = await Manifest.LoadAsync(Path.Combine(AppContext.BaseDirectory, "retail.yaml"), new ManifestOptions { Seed = 42 }, TestContext.Current.CancellationToken);
        var output = new DataGen.Outputs.MemoryOutput();
        await DataGenerator.GenerateAsync(manifest, output, null, TestContext.Current.CancellationToken);
        var expected = string.Join(',', output.Records("customers").Select(c => $"{(Guid)c["id"]!}|{c["first_name"]}|{c["email"]}").Order(StringComparer.Ordinal));

        loaded.Should().Be(expected, "the same manifest and seed generated in memory give the rows the fixture loaded");
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

/// <summary>Tables in a schema other than public, one with a generated column added by the application: restored like any other.</summary>
[SeededWith("ledger.yaml", Seed = 3)]
public sealed class SchemaQualifiedRestoreTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    private async Task<string> DigestAsync()
    {
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT md5(string_agg(a::text, '|' ORDER BY a::text)) || md5(string_agg(e::text, '|' ORDER BY e::text)) FROM sales.accounts a, LATERAL (SELECT e FROM sales.entries e WHERE e.account_id = a.id) x", connection);
        return (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Changes_to_tables_in_another_schema_are_undone()
    {
        var before = await DigestAsync();
        await ExecuteAsync("DELETE FROM sales.entries WHERE line > 500; UPDATE sales.accounts SET name = 'Changed'; INSERT INTO sales.accounts (id, name) VALUES (999, 'New')");
        (await DigestAsync()).Should().NotBe(before);

        await db.RestoreNowAsync(TestContext.Current.CancellationToken);

        (await DigestAsync()).Should().Be(before);
        db.Counts["entries"].Should().Be(60);
    }
}

