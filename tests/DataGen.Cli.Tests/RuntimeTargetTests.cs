using System.Text.Json;
using Confluent.Kafka;
using DataGen.Kafka;
using Npgsql;
using static DataGen.Cli.Tests.CliRun;

namespace DataGen.Cli.Tests;

/// <summary>
/// Issue 28 item 2: events, simulate, journey and replay write to datastores from the command line — Kafka on the
/// embedded cluster (librdkafka's mock, real protocol; topics are created up front as it has no admin API) and a
/// real PostgreSQL server (the shared test server: DATAGEN_POSTGRES_CONNECTION or a container; skipped with the reason
/// without either, and failed instead under DATAGEN_REQUIRE_DOCKER=1, as in CI).
/// </summary>
public sealed class RuntimeTargetTests(DataGen.Tests.Shared.PostgresServer server) : IClassFixture<DataGen.Tests.Shared.PostgresServer>, IDisposable
{
    private readonly EmbeddedKafkaCluster _kafka = EmbeddedKafkaCluster.Start(brokers: 1);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-runtime-");

    public void Dispose()
    {
        _kafka.Dispose();
        _directory.Delete(recursive: true);
    }

    private string Bootstrap => $"bootstrapServers={_kafka.BootstrapServers}";

    [Fact]
    public async Task Events_stream_live_to_a_kafka_topic_paced_to_the_rate_and_a_consumer_reads_them_back()
    {
        _kafka.CreateTopic("clicks", 3);

        // 1,200 a minute: 20 a second, so 12 events take at least 550 ms whatever the machine.
        var (exit, _, error) = await Run("events", "-n", "12", "--rate", "1200", "--to", "kafka/clicks", "--setting", Bootstrap);

        exit.Should().Be(0, error);
        Flat(error).Should().Contain("12 events sent to kafka (kafka) clicks");
        var messages = ReadAll("clicks", 3, 12);
        messages.Should().HaveCount(12);
        var values = messages.Select(m => JsonDocument.Parse(m.Message.Value).RootElement).ToList();
        values.Should().OnlyContain(v => v.GetProperty("event").GetString()!.Length > 0 && v.GetProperty("data").ValueKind == JsonValueKind.Object);
        messages.Should().OnlyContain(m => m.Message.Key == JsonDocument.Parse(m.Message.Value).RootElement.GetProperty("profile").GetRawText(), "events are keyed by profile");
        var stamps = messages.Select(m => m.Message.Timestamp.UtcDateTime).Order().ToList();
        (stamps[^1] - stamps[0]).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(500), "live events are paced to --rate, stamped with the time they are sent");
    }

    [Fact]
    public async Task Events_batch_to_kafka_appends_with_mode_append_and_a_topic_holding_messages_is_refused_otherwise()
    {
        _kafka.CreateTopic("batch", 3);
        string[] args = ["events", "--batch", "--profiles", "5", "--end", "2025-01-02", "--to", "kafka/batch", "--setting", Bootstrap];

        var first = await Run(args);
        first.Exit.Should().Be(0, first.Err);
        var written = ReadAll("batch", 3).Count;
        written.Should().BeGreaterThan(0);
        Flat(first.Out).Should().Contain($"{written:N0} events of 5 profiles");

        var refused = await Run(args);
        refused.Exit.Should().Be(1);
        Flat(refused.Err).Should().Contain("'batch' already exists and holds").And.Contain("mode: append");

        var appended = await Run([.. args, "--mode", "append"]);
        appended.Exit.Should().Be(0, appended.Err);
        ReadAll("batch", 3).Should().HaveCount(2 * written, "the same seed appends the same events again");
    }

    [Fact]
    public async Task Simulate_sends_its_streams_to_kafka_and_its_models_to_postgresql()
    {
        var connection = await NewDatabaseAsync();
        _kafka.CreateTopic("transactions", 3);
        var manifest = Path.Combine(_directory.FullName, "banking.yaml");
        await File.WriteAllTextAsync(manifest, File.ReadAllText(Sample("banking.yaml")).Replace("models:\n  users:\n", $"datastores:\n  db: {{ kind: postgres, connection: \"{connection}\" }}\nmodels:\n  users:\n    store: db\n", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var (exit, output, error) = await Run("simulate", manifest, "--subjects", "50", "--ticks", "2000", "--to", "kafka", "--setting", Bootstrap);

        exit.Should().Be(0, error);
        Flat(output).Should().Contain("streams to kafka (kafka) transactions");
        var files = Path.Combine(_directory.FullName, "files");
        (await Run("simulate", Sample("banking.yaml"), "--subjects", "50", "--ticks", "2000", "--format", "ndjson", "-o", files, "-q")).Exit.Should().Be(0);
        var expected = File.ReadAllLines(Path.Combine(files, "transactions.ndjson")).Select(l => JsonDocument.Parse(l).RootElement.GetRawText()).ToList();
        expected.Should().NotBeEmpty();
        ReadAll("transactions", 3).Select(m => JsonDocument.Parse(m.Message.Value).RootElement.GetRawText()).Should().BeEquivalentTo(expected, "the topic holds the same events as the files of the same seed");
        (await Scalar(connection, "SELECT count(*) FROM users")).Should().Be(50L);
    }

    [Fact]
    public async Task Events_journeys_and_replays_load_into_postgresql_tables()
    {
        var connection = await NewDatabaseAsync();

        var events = await Run("events", "--batch", "--profiles", "5", "--end", "2025-01-02", "--to", "postgres/clicks", "--setting", $"connection={connection}");
        events.Exit.Should().Be(0, events.Err);
        var clicks = (long)(await Scalar(connection, "SELECT count(*) FROM clicks"))!;
        clicks.Should().BeGreaterThan(0);
        Flat(events.Out).Should().Contain($"{clicks:N0} events of 5 profiles");
        (await Scalar(connection, "SELECT count(DISTINCT profile) FROM clicks")).Should().Be(5L);

        var exported = Path.Combine(_directory.FullName, "journeys");
        var journey = await Run("journey", "-p", "starfleet", "-n", "3", "-o", exported, "--to", "postgres/steps", "--setting", $"connection={connection}");
        journey.Exit.Should().Be(0, journey.Err);
        var steps = (long)(await Scalar(connection, "SELECT count(*) FROM steps"))!;
        Flat(journey.Out).Should().Contain($"{steps} steps of 3 journeys written to postgres (postgres) steps");
        (await Scalar(connection, "SELECT count(DISTINCT journey) FROM steps")).Should().Be(3L);

        var replay = await Run("replay", exported, "--to", "postgres/steps", "--setting", $"connection={connection}", "--mode", "append");
        replay.Exit.Should().Be(0, replay.Err);
        (await Scalar(connection, "SELECT count(*) FROM steps")).Should().Be(2 * steps, "the replay of the export adds the same steps again");
    }

    [Theory]
    [InlineData("nowhere", "--to 'nowhere' is neither a datastore of the manifest (it has none) nor a store kind (")]
    [InlineData("kafka/", "--to expects <datastore or kind>[/<table or topic>], found 'kafka/'")]
    [InlineData("kafka", "datastore 'kafka' (kafka) needs 'bootstrapServers' (give settings with --setting key=value)")]
    public async Task A_bad_target_is_a_usage_error_naming_what_is_wrong(string to, string message)
    {
        var (exit, _, error) = await Run("events", "-n", "1", "--to", to);

        exit.Should().Be(2);
        Flat(error).Should().Contain(message);
    }

    [Fact]
    public async Task Unknown_settings_and_settings_without_a_target_are_refused()
    {
        Flat((await Run("events", "-n", "1", "--to", "kafka", "--setting", "bootstrap=x")).Err).Should().Contain("--setting 'bootstrap' is not a setting of kafka stores; known: ").And.Contain("bootstrapServers");
        Flat((await Run("events", "-n", "1", "--setting", "bootstrapServers=x")).Err).Should().Contain("--setting and --mode need --to");
    }

    private List<ConsumeResult<string?, string>> ReadAll(string topic, int partitions, long? expected = null)
    {
        using var consumer = new ConsumerBuilder<string?, string>(new ConsumerConfig
        {
            BootstrapServers = _kafka.BootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetLogHandler((_, _) => { }).Build();
        expected ??= Enumerable.Range(0, partitions).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(5)) is var w ? w.High.Value - w.Low.Value : 0);
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var results = new List<ConsumeResult<string?, string>>();
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

    /// <summary>A database of this test's own on the shared server (dropped when the assembly ends).</summary>
    private Task<string> NewDatabaseAsync() => server.NewDatabaseAsync();

    private static async Task<object?> Scalar(string connection, string sql)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, db);
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }
}

/// <summary>Issue 28 item 4: <c>--print</c> templates over events and simulation streams.</summary>
public sealed class PrintTargetTests
{
    [Fact]
    public async Task Simulate_prints_a_line_per_transition_from_the_template_and_its_models_still_load()
    {
        var directory = Directory.CreateTempSubdirectory("datagen-print-");
        try
        {
            var (exit, output, error) = await Run("simulate", Sample("banking.yaml"), "--subjects", "20", "--ticks", "3000", "--print", "{{subject}} {{from}} → {{to}} ({{trigger}})", "-o", directory.FullName);

            exit.Should().Be(0, error);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines.Should().NotBeEmpty().And.OnlyContain(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d+ (offline|online|loan_screen) → (offline|online|loan_screen) \(\w+\)$"));
            lines.Should().Contain(l => l.EndsWith("(login)", StringComparison.Ordinal));
            Flat(error).Should().Contain("streams printed", "the summary goes to standard error when standard output holds the lines");
            File.Exists(Path.Combine(directory.FullName, "banking.db")).Should().BeTrue("the subjects' model still goes to its store");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Events_print_nested_fields_by_path()
    {
        var (exit, output, error) = await Run("events", "-n", "5", "--rate", "60000", "--print", "{{event}}|{{data}}|{{profile}}");

        exit.Should().Be(0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(5).And.OnlyContain(l => l.Split('|').Length == 3 && l.Split('|')[1].StartsWith('{'));
    }

    [Theory]
    [InlineData("events", "{{evnt}} at {{at}}", "--print: '{{evnt}}' at column 1 is not a field of stream 'events' (did you mean 'event'?); its fields: at, profile, flow, event, data")]
    [InlineData("events", "{{event}} {{}}", "--print: a placeholder at column")]
    public async Task An_unknown_placeholder_is_a_usage_error_naming_its_column_and_the_fields(string command, string template, string message)
    {
        var (exit, output, error) = await Run(command, "-n", "1", "--print", template);

        exit.Should().Be(2);
        Flat(error).Should().Contain(message);
        output.Should().BeEmpty();
    }

    [Fact]
    public async Task A_simulation_placeholder_that_names_no_field_fails_before_any_line_is_printed()
    {
        var (exit, output, error) = await Run("simulate", Sample("banking.yaml"), "--subjects", "5", "--ticks", "100", "--format", "ndjson", "-o", Path.Combine(Path.GetTempPath(), $"datagen-print-{Guid.NewGuid():N}"), "--print", "{{subject}} {{form}}");

        exit.Should().Be(1);
        Flat(error).Should().Contain("'{{form}}' at column 13 is not a field of stream 'transactions' (did you mean 'from'?)");
        output.Should().BeEmpty();
    }
}
