using System.Globalization;
using DataGen.Outputs;
using DataGen.Stores;
using DataGen.Tests.Shared;
using Npgsql;

namespace DataGen.PostgreSql.Tests;

/// <summary>
/// samples/DailyOrders as written (its schema.sql and daily-orders.yaml, unedited): three days appended to the
/// application's tables, starting empty. Keys continue, refs and lookups reach earlier days' customers, no email or
/// favourite pair repeats, and a twin database given the same days holds the same rows.
/// </summary>
public sealed class DailyOrdersSampleTests(PostgresServer server)
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "samples", "DailyOrders");

    private static readonly StoreCatalog Stores = StoreCatalog.FilesOnly.With(PostgresStoreProvider.Instance);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> ShopAsync()
    {
        var db = await server.NewDatabaseAsync();
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(await File.ReadAllTextAsync(Path.Combine(Folder, "schema.sql"), Ct), connection);
        await command.ExecuteNonQueryAsync(Ct);
        return db;
    }

    private static async Task DayAsync(string db, string day)
    {
        var manifest = await DataGen.Manifest.LoadAsync(Path.Combine(Folder, "daily-orders.yaml"), new ManifestOptions
        {
            Variables = new Dictionary<string, string> { ["connection"] = db, ["day"] = day },
            Environment = _ => null,
            Stores = Stores,
        }, Ct);
        await using var output = Stores.CreateOutput(manifest, new StoreLoadOptions(), null);
        await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
    }

    private static Task<List<string>> Rows(string db, string sql) => LoadModeTests.Rows(db, sql);

    private static async Task<long> Scalar(string db, string sql) => long.Parse((await Rows(db, sql)).Single(), CultureInfo.InvariantCulture);

    [Fact]
    public async Task Three_days_append_keys_continue_refs_reach_earlier_days_and_no_unique_value_repeats()
    {
        var shop = await ShopAsync();
        var twin = await ShopAsync();
        string[] days = ["2026-03-02", "2026-03-03", "2026-03-04"];
        foreach (var day in days)
        {
            await DayAsync(shop, day);
            await DayAsync(twin, day);
        }

        var (customers, orders, favourites) = (await Scalar(shop, "SELECT count(*) FROM customers"), await Scalar(shop, "SELECT count(*) FROM orders"), await Scalar(shop, "SELECT count(*) FROM favourites"));
        customers.Should().BeGreaterThan(0);
        orders.Should().BeGreaterThan(0);
        (customers % 3, orders % 3, favourites % 3).Should().Be((0L, 0L, 0L), "each day adds the manifest's counts");
        (await Scalar(shop, "SELECT max(id) FROM customers")).Should().Be(customers, "customer keys continue day after day, with no gap or repeat");
        (await Scalar(shop, "SELECT max(id) FROM orders")).Should().Be(orders, "order keys continue day after day");
        (await Scalar(shop, "SELECT count(DISTINCT email) FROM customers")).Should().Be(customers, "no email repeats across days");
        (await Scalar(shop, "SELECT count(*) FROM (SELECT DISTINCT customer_id, product_code FROM favourites) f")).Should().Be(favourites, "no favourite pair repeats across days");

        var firstDay = await Scalar(shop, "SELECT max(id) FROM customers WHERE signed_up = '2026-03-02'");
        (await Scalar(shop, $"SELECT count(*) FROM orders WHERE id > {orders / 3 * 2} AND customer_id <= {firstDay}")).Should().BePositive("the third day's orders reach the first day's customers");
        (await Scalar(shop, $"SELECT count(*) FROM favourites WHERE customer_id <= {firstDay}")).Should().BeGreaterThan(favourites / 3, "later days' favourites reach held customers too");
        (await Scalar(shop, "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id AND c.email = o.customer_email")).Should().Be(orders, "each order copies its own customer's email, held or new");
        (await Rows(shop, "SELECT DISTINCT to_char(signed_up, 'YYYY-MM-DD') FROM customers ORDER BY 1")).Should().Equal(days, "each day's sign-ups are dated that day (--var day)");

        foreach (var table in new[] { "customers ORDER BY id", "orders ORDER BY id", "favourites ORDER BY customer_id, product_code" })
        {
            (await Rows(shop, $"SELECT * FROM {table}")).Should().Equal(await Rows(twin, $"SELECT * FROM {table}"), "the same seed on the same starting data gives the same day");
        }
    }
}
