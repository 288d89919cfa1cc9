using System.Text.Json;
using Confluent.Kafka;
using DataGen.Kafka;
using DataGen.MongoDb;
using DataGen.Outputs;
using DataGen.PostgreSql;
using DataGen.Tests.Shared;
using MongoDB.Bson;
using MongoDB.Driver;
using Npgsql;
using Testcontainers.MongoDb;

[assembly: AssemblyFixture(typeof(PostgresServer))]

namespace DataGen.MultiStore.Tests;

/// <summary>The cross-store sample: PostgreSQL customers, MongoDB profiles derived from them, Kafka events keyed by their ids.</summary>
public sealed class MultiStoreTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string MongoImage = "mongo:7.0";
    private readonly EmbeddedKafkaCluster _kafka = EmbeddedKafkaCluster.Start();
    private MongoDbContainer? _mongo;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        if (DataGen.Xunit.DataGenContainers.WhyUnavailable(MongoImage) is null)
        {
            _mongo = new MongoDbBuilder(MongoImage).Build();
            await _mongo.StartAsync(Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _kafka.Dispose();
        if (_mongo is not null)
        {
            await _mongo.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_cross_store_reference_resolves()
    {
        var pg = await postgres.NewDatabaseAsync();
        var manifest = await Manifest.LoadAsync(Path.Combine(AppContext.BaseDirectory, "multistore.yaml"), new ManifestOptions
        {
            Variables = new Dictionary<string, string> { ["pg_connection"] = pg, ["kafka_bootstrap"] = _kafka.BootstrapServers },
            Environment = _ => null,
        }, Ct);
        var events = manifest.Datastores.Single(d => d.Name == "events");

        // MongoDB where its image can be had; otherwise the profiles are captured in memory and checked the same way.
        var captured = new MemoryOutput();
        IDataOutput docs = _mongo is not null ? MongoOutput.Create(_mongo.GetConnectionString()) : captured;
        TestContext.Current.TestOutputHelper?.WriteLine(_mongo is null ? $"MongoDB: in-memory capture ({DataGen.Xunit.DataGenContainers.WhyUnavailable(MongoImage)})" : "MongoDB: container");

        GenerationSummary summary;
        await using (var output = new RoutingOutput(
            new Dictionary<string, IDataOutput>
            {
                ["sql"] = PostgresOutput.Create(pg),
                ["docs"] = docs,
                ["events"] = KafkaOutput.Create(events.Get("bootstrapServers")!, KafkaStoreProvider.Instance.OptionsFor(events) with { Embedded = _kafka }),
            },
            defaultOutput: null))
        {
            summary = await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
        }

        var profiles = captured.Rows.TryGetValue("profiles", out var rows)
            ? rows.Select(r => MongoDocuments.ToDocument(captured.Models["profiles"], r)).ToList()
            : [];
        if (_mongo is not null)
        {
            profiles = await new MongoClient(_mongo.GetConnectionString()).GetDatabase("datagen").GetCollection<BsonDocument>("profiles")
                .Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Ct);
        }

        var customers = new Dictionary<Guid, (string Email, string FirstName)>();
        await using (var connection = new NpgsqlConnection(pg))
        {
            await connection.OpenAsync(Ct);
            await using var query = new NpgsqlCommand("SELECT id, email, first_name FROM customers", connection);
            await using var reader = await query.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                customers[reader.GetGuid(0)] = (reader.GetString(1), reader.GetString(2));
            }
        }

        customers.Should().HaveCount(500);
        profiles.Should().HaveCount(500);
        profiles.Should().AllSatisfy(p =>
        {
            var customer = customers[p["customer_id"].AsBsonBinaryData.ToGuid()];
            p["email"].AsString.Should().Be(customer.Email);
            p["display_name"].AsString.Should().Be(customer.FirstName);
        });

        var pageViews = summary.Models.Single(m => m.Model == "page_views").Rows;
        var keys = ReadKeys("page-views", 6, pageViews);
        keys.Should().HaveCount((int)pageViews);
        keys.Should().OnlyContain(k => customers.ContainsKey(Guid.Parse(k)));
    }

    private List<string> ReadKeys(string topic, int partitions, long expected)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = _kafka.BootstrapServers,
            GroupId = "multistore-reader",
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var keys = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (keys.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
            {
                using var json = JsonDocument.Parse(result.Message.Value);
                json.RootElement.GetProperty("customer_id").GetString().Should().Be(result.Message.Key);
                keys.Add(result.Message.Key);
            }
        }

        return keys;
    }
}
