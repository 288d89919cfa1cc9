using System.Text.Json;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using DataGen.Kafka;
using DataGen.Kafka.Avro;
using DataGen.MySql.Tests;
using MySqlConnector;
using static DataGen.Cli.Tests.CliRun;

namespace DataGen.Cli.Tests;

/// <summary>
/// Issue 28: targets that share the tested code path, now run from the command line too — events as Avro to the
/// embedded Kafka cluster through the embedded schema registry (read back with the standard <c>AvroDeserializer</c>), and
/// events and a simulation into MySQL (<c>DATAGEN_MYSQL_CONNECTION</c>, else a container; skipped with the reason without
/// either, failed instead under DATAGEN_REQUIRE_DOCKER=1).
/// </summary>
public sealed class AvroAndMySqlTargetTests(MySqlServer server) : IClassFixture<MySqlServer>, IDisposable
{
    private readonly EmbeddedKafkaCluster _kafka = EmbeddedKafkaCluster.Start(brokers: 1);
    private readonly EmbeddedSchemaRegistry _registry = EmbeddedSchemaRegistry.Start();
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-targets-");

    public void Dispose()
    {
        _registry.Dispose();
        _kafka.Dispose();
        _directory.Delete(recursive: true);
    }

    private string Bootstrap => $"bootstrapServers={_kafka.BootstrapServers}";

    [Fact]
    public async Task Events_go_to_kafka_as_avro_through_the_schema_registry_and_read_back_as_the_json_run_of_the_same_seed()
    {
        _kafka.CreateTopic("clicks-avro", 1);
        _kafka.CreateTopic("clicks-json", 1);

        var avro = await Run("events", "-n", "20", "--seed", "5", "--to", "kafka/clicks-avro", "--setting", Bootstrap, "--setting", "valueFormat=avro", "--setting", $"schemaRegistry={_registry.Url}");
        var json = await Run("events", "-n", "20", "--seed", "5", "--to", "kafka/clicks-json", "--setting", Bootstrap);

        avro.Exit.Should().Be(0, avro.Err);
        json.Exit.Should().Be(0, json.Err);
        var records = ReadAvro("clicks-avro", 20);
        records.Should().HaveCount(20);
        var expected = ReadJson("clicks-json", 20);
        records.Select(r => (string)r["event"]).Should().Equal(expected.Select(e => e.GetProperty("event").GetString()), "the same seed gives the same events in either format");
        records.Select(r => r["profile"]?.ToString()).Should().Equal(expected.Select(e => e.GetProperty("profile").ToString()));
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = _registry.Url });
        (await client.GetAllSubjectsAsync()).Should().Contain("clicks-avro-value", "the value schema was registered under the topic's subject");
    }

    [Fact]
    public async Task Events_and_a_simulation_load_into_mysql_tables()
    {
        var connection = await server.NewDatabaseAsync();

        var events = await Run("events", "--batch", "--profiles", "5", "--end", "2025-01-02", "--to", "mysql/clicks", "--setting", $"connection={connection}");
        events.Exit.Should().Be(0, events.Err);
        var clicks = Convert.ToInt64(await Scalar(connection, "SELECT count(*) FROM clicks"), System.Globalization.CultureInfo.InvariantCulture);
        clicks.Should().BeGreaterThan(0);
        Flat(events.Out).Should().Contain($"{clicks:N0} events of 5 profiles");
        Convert.ToInt64(await Scalar(connection, "SELECT count(DISTINCT profile) FROM clicks"), System.Globalization.CultureInfo.InvariantCulture).Should().Be(5);

        // The simulation's models go to the manifest's MySQL datastore, its stream to a MySQL table given on the command line.
        var manifest = Path.Combine(_directory.FullName, "banking.yaml");
        var yaml = File.ReadAllText(Sample("banking.yaml")).Replace("models:\n  users:\n", $"datastores:\n  db: {{ kind: mysql, connection: \"{connection}\" }}\nmodels:\n  users:\n    store: db\n", StringComparison.Ordinal);
        await File.WriteAllTextAsync(manifest, yaml, TestContext.Current.CancellationToken);
        var simulate = await Run("simulate", manifest, "--subjects", "50", "--ticks", "2000", "--to", "db/transactions");
        simulate.Exit.Should().Be(0, simulate.Err);

        var files = Path.Combine(_directory.FullName, "files");
        (await Run("simulate", Sample("banking.yaml"), "--subjects", "50", "--ticks", "2000", "--format", "ndjson", "-o", files, "-q")).Exit.Should().Be(0);
        var expected = File.ReadAllLines(Path.Combine(files, "transactions.ndjson")).Length;
        expected.Should().BeGreaterThan(0);
        Convert.ToInt64(await Scalar(connection, "SELECT count(*) FROM transactions"), System.Globalization.CultureInfo.InvariantCulture).Should().Be(expected, "the table holds the events the files of the same seed hold");
        Convert.ToInt64(await Scalar(connection, "SELECT count(*) FROM users"), System.Globalization.CultureInfo.InvariantCulture).Should().Be(50);
    }

    private List<GenericRecord> ReadAvro(string topic, int expected)
    {
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = _registry.Url });
        using var consumer = new ConsumerBuilder<Ignore, GenericRecord>(Config())
            .SetValueDeserializer(new AvroDeserializer<GenericRecord>(client).AsSyncOverAsync()).SetLogHandler((_, _) => { }).Build();
        return Consume(consumer, topic, expected).Select(r => r.Message.Value).ToList();
    }

    private List<JsonElement> ReadJson(string topic, int expected)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(Config()).SetLogHandler((_, _) => { }).Build();
        return Consume(consumer, topic, expected).Select(r => JsonDocument.Parse(r.Message.Value).RootElement).ToList();
    }

    private ConsumerConfig Config() => new()
    {
        BootstrapServers = _kafka.BootstrapServers,
        GroupId = $"reader-{Guid.NewGuid():N}",
        EnableAutoCommit = false,
    };

    private static List<ConsumeResult<Ignore, T>> Consume<T>(IConsumer<Ignore, T> consumer, string topic, int expected)
    {
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var results = new List<ConsumeResult<Ignore, T>>();
        var deadline = DateTime.UtcNow.AddSeconds(60); // a bound, not a wait
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
            {
                results.Add(result);
            }
        }

        return results;
    }

    private static async Task<object?> Scalar(string connection, string sql)
    {
        await using var db = new MySqlConnection(connection);
        await db.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new MySqlCommand(sql, db);
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }
}
