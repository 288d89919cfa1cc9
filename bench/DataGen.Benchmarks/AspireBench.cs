using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AspireShop.Migrator;
using DataGen.Aspire;
using DataGen.Xunit.Aspire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shop;

namespace DataGen.Benchmarks;

/// <summary>
/// samples/AspireShop's app model twice in one run: seeded by DataGen (WithDataGen after the migrator) and by hand in EF
/// Core's UseAsyncSeeding (the baseline). Each: app model start until the data is in; the first seed; and the reset after
/// a writing test — DataGen with the kit's PostgreSQL restore (what AspireFixture does after every test) and its "Reset
/// data" command, EF by emptying the tables and running the seeding again. Every reset is checked against the seeded rows.
/// </summary>
internal static class AspireBench
{
    private const string Write = """
        INSERT INTO "Customers" ("Email", "Name", "Tier", "CreatedAt", "ShippingAddress_Street", "ShippingAddress_City", "ShippingAddress_PostalCode")
          VALUES ('new@example.com', 'New', 'Standard', now(), '1 Main St', 'Springfield', '12345');
        DELETE FROM "OrderLines" WHERE "Id" % 7 = 0;
        UPDATE "Customers" SET "Name" = 'changed' WHERE "Id" < 40;
        """;

    private const string Digest = """
        SELECT md5(coalesce((SELECT string_agg(c::text, '|' ORDER BY c."Id") FROM "Customers" c), '')
          || coalesce((SELECT string_agg(o::text, '|' ORDER BY o."Id") FROM "Orders" o), '')
          || coalesce((SELECT string_agg(l::text, '|' ORDER BY l."Id") FROM "OrderLines" l), ''))
        """;

    public static async Task RunAsync(int iterations, bool efFirst)
    {
        // The first app model in a process pays for the orchestrator's and the hosting code's cold start: --ef-first
        // swaps the order, so a pair of runs shows how much of a difference is order.
        var ef = efFirst ? await EfAsync(iterations) : default;
        var dataGen = await DataGenAsync(iterations);
        if (!efFirst)
        {
            ef = await EfAsync(iterations);
        }

        Console.WriteLine($"order: {(efFirst ? "EF first, then DataGen" : "DataGen first, then EF")}");
        Console.WriteLine($"| samples/AspireShop app model (PostgreSQL 15.1 container, migrator, API, embedded Kafka) | EF UseAsyncSeeding (baseline) | DataGen WithDataGen | ratio |");
        Console.WriteLine("|---|---:|---:|---:|");
        Row("app model start until the data is in", ef.Start, dataGen.Start);
        Row($"first seed ({ef.Rows:N0} vs {dataGen.Rows:N0} rows)", ef.Seed, dataGen.Seed);
        Row($"reset after a writing test (median of {iterations}): kit restore vs empty + seed again", ef.Reset, dataGen.Reset);
        Row($"\"Reset data\" command (median of {iterations}): refill vs empty + seed again", ef.Reset, dataGen.Refill);
    }

    private static void Row(string what, TimeSpan baseline, TimeSpan measured) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {baseline.TotalMilliseconds:N0} ms | {measured.TotalMilliseconds:N0} ms | {measured / baseline:0.00}× |"));

    private static async Task<(TimeSpan Start, TimeSpan Seed, TimeSpan Reset, TimeSpan Refill, long Rows)> DataGenAsync(int iterations)
    {
        var watch = Stopwatch.StartNew();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AspireShop_AppHost>();
        await using var app = await builder.BuildAsync();
        await app.StartAsync();
        await app.ResourceNotifications.WaitForResourceAsync("shop-data", KnownResourceStates.Running);
        var start = watch.Elapsed;
        var data = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<DataGenResource>().Single();
        var load = data.LastLoad!;
        var connection = (await app.GetConnectionStringAsync("shop"))!;
        var baseline = DataGen.Xunit.PostgresStrategy.For(connection);
        await baseline.CaptureBaselineAsync(load.Stores.Single(s => s.Store.Kind == "postgres").Models.Select(m => m.Target).ToList(), CancellationToken.None);
        var seeded = await ScalarAsync(connection, Digest);
        var restores = new List<TimeSpan>();
        var refills = new List<TimeSpan>();
        for (var i = 0; i < iterations; i++)
        {
            await ExecuteAsync(connection, Write);
            restores.Add(await TimeAsync(() => baseline.RestoreBaselineAsync(CancellationToken.None)));
            await CheckAsync(connection, seeded, "kit restore");
            await ExecuteAsync(connection, Write);
            refills.Add(await TimeAsync(async () =>
            {
                var result = await app.ResourceCommands.ExecuteCommandAsync(data.Name, DataGenLifecycle.ResetCommand);
                if (!result.Success)
                {
                    throw new InvalidOperationException(result.Message);
                }
            }));
            await CheckAsync(connection, seeded, "Reset data");
        }

        return (start, load.Elapsed, Median(restores), Median(refills), load.Counts.Values.Sum());
    }

    private static async Task<(TimeSpan Start, TimeSpan Seed, TimeSpan Reset, long Rows)> EfAsync(int iterations)
    {
        var watch = Stopwatch.StartNew();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AspireShop_AppHost>(["--Seeding=ef"]);
        await using var app = await builder.BuildAsync();
        await app.StartAsync();
        await app.ResourceNotifications.WaitForResourceAsync("migrator", KnownResourceStates.Finished);
        var start = watch.Elapsed;
        var connection = (await app.GetConnectionStringAsync("shop"))!;
        var options = new DbContextOptionsBuilder<ShopDbContext>().UseNpgsql(connection).UseShopSeeding().Options;
        var seeded = await ScalarAsync(connection, Digest);
        var rows = long.Parse(await ScalarAsync(connection, """SELECT ((SELECT count(*) FROM "Customers") + (SELECT count(*) FROM "Orders") + (SELECT count(*) FROM "OrderLines") + (SELECT count(*) FROM "Products") + (SELECT count(*) FROM "Tags") + (SELECT count(*) FROM "ProductTag"))::text"""), CultureInfo.InvariantCulture);
        var resets = new List<TimeSpan>();
        TimeSpan? first = null;
        for (var i = 0; i < iterations; i++)
        {
            await ExecuteAsync(connection, Write);
            resets.Add(await TimeAsync(async () =>
            {
                // What an EF app does between tests: empty the tables (identities restarted) and run the seeding again.
                await ExecuteAsync(connection, """TRUNCATE "OrderLines", "Orders", "ProductTag", "Products", "Tags", "Customers" RESTART IDENTITY CASCADE""");
                var seeding = Stopwatch.StartNew();
                await using var db = new ShopDbContext(options);
                await db.Database.MigrateAsync();
                first ??= seeding.Elapsed;
            }));
            await CheckAsync(connection, seeded, "EF seeding again");
        }

        return (start, first!.Value, Median(resets), rows);
    }

    private static async Task CheckAsync(string connection, string seeded, string what)
    {
        if (await ScalarAsync(connection, Digest) != seeded)
        {
            throw new InvalidOperationException($"{what} did not bring the seeded rows back");
        }
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> work)
    {
        var watch = Stopwatch.StartNew();
        await work();
        return watch.Elapsed;
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
