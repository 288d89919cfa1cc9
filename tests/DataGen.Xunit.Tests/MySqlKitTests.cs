using MySqlConnector;

namespace DataGen.Xunit.Tests;

/// <summary>The MySQL/MariaDB fixture: a database per class, only changed tables restored (content and AUTO_INCREMENT).</summary>
[SeededWith("retail.yaml", Seed = 42, Scale = 0.2)]
public sealed class MySqlKitTests(MySqlFixture db) : IClassFixture<MySqlFixture>
{
    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<string> DigestAsync()
    {
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = new MySqlCommand("CHECKSUM TABLE customers, orders, payments, products", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var sums = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            sums.Add($"{reader.GetString(0)}={reader.GetValue(1)}");
        }

        return string.Join(",", sums);
    }

    private async Task AssertUndoneAsync(string change)
    {
        (await ScalarAsync("SELECT COUNT(*) FROM customers")).Should().Be(db.Counts["customers"]);
        var before = await DigestAsync();
        await ScalarAsync(change);
        (await DigestAsync()).Should().NotBe(before, "the change must have changed something");

        await db.RestoreNowAsync(TestContext.Current.CancellationToken);

        (await DigestAsync()).Should().Be(before);
        (await ScalarAsync("SELECT COUNT(*) FROM orders")).Should().Be(db.Counts["orders"]);
    }

    [Fact]
    public async Task Loads_the_manifest_into_a_database_of_the_class_s_own()
    {
        db.Backend.Should().ContainAny("MySQL", "MariaDB", "mariadb", "mysql");
        db.Counts["customers"].Should().Be(200);
        (await ScalarAsync("SELECT COUNT(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL")).Should().Be(0);
    }

    [Fact]
    public Task Deletes_across_referencing_tables_are_undone() => AssertUndoneAsync("DELETE FROM payments; DELETE FROM orders WHERE id % 2 = 0; SELECT ROW_COUNT()");

    [Fact]
    public Task Updates_are_undone() => AssertUndoneAsync("UPDATE customers SET first_name = 'Mallory'; SELECT ROW_COUNT()");

    [Fact]
    public Task Inserts_are_undone() => AssertUndoneAsync("INSERT INTO products (sku, name, department, price, in_stock) SELECT CONCAT(sku, 'x'), name, department, price, in_stock FROM products; SELECT ROW_COUNT()");

    [Fact]
    [SeededWith("customers.yaml", Scale = 0.01)]
    public async Task A_test_with_its_own_data_sees_only_that()
    {
        db.Data.Should().Be("customers.yaml");
        (await ScalarAsync("SELECT COUNT(*) FROM customers")).Should().Be(1000);
        (await ScalarAsync("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'orders'")).Should().Be(0);
    }
}
