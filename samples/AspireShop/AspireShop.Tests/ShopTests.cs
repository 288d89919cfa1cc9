using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Confluent.Kafka;
using DataGen.Xunit;
using Npgsql;

namespace AspireShop.Tests;

/// <summary>
/// The Shop API in its app model: PostgreSQL migrated by the migrator, then loaded by the app host's WithDataGen (the
/// same load development gets), the order-events topic loaded from the same manifest. The baseline is restored after
/// every test, so each test sees the seeded rows whatever ran before it.
/// </summary>
[SeededWith("aspireshop.yaml")]
public sealed class ShopTests(ShopApp app) : IClassFixture<ShopApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_api_serves_a_seeded_customer_with_the_orders_the_database_holds()
    {
        app.Counts["customers"].Should().Be(200);
        var id = await ScalarAsync<int>("""SELECT "Id" FROM "Customers" ORDER BY "Id" OFFSET 17 LIMIT 1""");
        var orders = await ScalarAsync<long>($"""SELECT count(*) FROM "Orders" WHERE "CustomerId" = {id}""");

        using var http = app.CreateHttpClient("api");
        var customer = await http.GetFromJsonAsync<JsonElement>($"/customers/{id}", Cancel);

        customer.GetProperty("id").GetInt32().Should().Be(id);
        customer.GetProperty("orders").GetInt32().Should().Be((int)orders);
        customer.GetProperty("tier").GetString().Should().BeOneOf("Standard", "Silver", "Gold");
    }

    [Fact]
    public async Task A_registration_takes_the_next_id_and_the_next_test_gets_the_same_id()
    {
        await RegisterAndExpectNextIdAsync();
    }

    [Fact]
    public async Task Another_registration_takes_that_same_id_because_the_baseline_was_restored()
    {
        await RegisterAndExpectNextIdAsync();
    }

    [Fact]
    public async Task The_topic_holds_one_event_per_seeded_order_and_each_names_an_order_the_api_returns()
    {
        var events = ReadTopic(await app.GetConnectionStringAsync("events", Cancel) ?? throw new InvalidOperationException("no events connection"), "order-events", app.Counts["order_events"]);

        events.Should().HaveCount((int)app.Counts["orders"]);
        events.Select(e => e.GetProperty("OrderId").GetInt32()).Should().OnlyHaveUniqueItems();
        var sample = events[events.Count / 2];
        using var http = app.CreateHttpClient("api");
        var orders = await http.GetFromJsonAsync<JsonElement[]>($"/customers/{sample.GetProperty("CustomerId").GetInt32()}/orders", Cancel);
        orders!.Select(o => o.GetProperty("id").GetInt32()).Should().Contain(sample.GetProperty("OrderId").GetInt32());
    }

    [Fact]
    public async Task Reseed_loads_other_rows_and_reseeding_with_the_first_seed_brings_the_same_rows_back()
    {
        var seed = app.Seed;
        var before = await DigestAsync();

        await app.ReseedAsync(seed + 1, Cancel);
        var other = await DigestAsync();
        app.Seed.Should().Be(seed + 1);

        await app.ReseedAsync(seed, Cancel);
        other.Should().NotBe(before);
        (await DigestAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Reset_data_refills_the_tables_a_test_emptied_with_the_seeded_rows()
    {
        var before = await DigestAsync();
        await ExecuteAsync("""DELETE FROM "OrderLines"; DELETE FROM "Orders"; UPDATE "Customers" SET "Name" = 'x'""");
        (await DigestAsync()).Should().NotBe(before);

        await app.ResetAsync(Cancel);

        (await DigestAsync()).Should().Be(before);
        (await ScalarAsync<long>("""SELECT count(*) FROM "Orders" """)).Should().Be(app.Counts["orders"]);
    }

    private async Task RegisterAndExpectNextIdAsync()
    {
        var max = await ScalarAsync<int>("""SELECT max("Id") FROM "Customers" """);
        using var http = app.CreateHttpClient("api");
        var response = await http.PostAsJsonAsync("/customers", new { Name = "Ada", Email = "ada@example.com", Street = "1 Main St", City = "Springfield", PostalCode = "12345" }, Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Cancel));
        (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetInt32().Should().Be(max + 1);
    }

    /// <summary>A digest of the customers, orders and order lines (every column), to compare loads.</summary>
    private Task<string> DigestAsync() => ScalarAsync<string>("""
        SELECT md5(coalesce((SELECT string_agg(c::text, '|' ORDER BY c."Id") FROM "Customers" c), '')
          || coalesce((SELECT string_agg(o::text, '|' ORDER BY o."Id") FROM "Orders" o), '')
          || coalesce((SELECT string_agg(l::text, '|' ORDER BY l."Id") FROM "OrderLines" l), ''))
        """);

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Cancel))!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(await app.GetConnectionStringAsync("shop", Cancel));
        await connection.OpenAsync(Cancel);
        return connection;
    }

    /// <summary>Every message of <paramref name="topic"/> from the beginning (all partitions), as JSON.</summary>
    private static List<JsonElement> ReadTopic(string bootstrap, string topic, long expected)
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrap, GroupId = $"aspireshop-tests-{Guid.NewGuid():N}", EnableAutoCommit = false };
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)).ToList();
        using var consumer = new ConsumerBuilder<string, string>(config).Build();
        consumer.Assign(partitions);
        var events = new List<JsonElement>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (events.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(500)) is { Message: { } message })
            {
                events.Add(JsonDocument.Parse(message.Value).RootElement.Clone());
            }
        }

        // Nothing beyond the expected messages either.
        while (consumer.Consume(TimeSpan.FromMilliseconds(300)) is { Message: { } extra })
        {
            events.Add(JsonDocument.Parse(extra.Value).RootElement.Clone());
        }

        return events;
    }
}
