using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using DataGen.Outputs;

namespace DataGen.Kafka.Tests;

public sealed class EmbeddedKafkaTests : IDisposable
{
    private readonly EmbeddedKafkaCluster _cluster = EmbeddedKafkaCluster.Start(brokers: 3);

    public void Dispose() => _cluster.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Manifest Parse(string yaml) => Manifest.Parse(yaml, "test.yaml", new ManifestOptions { Environment = _ => null });

    private async Task<GenerationSummary> Load(string yaml, KafkaOutputOptions? kafka = null, StoreLoadOptions? options = null)
    {
        await using var output = KafkaOutput.Create(_cluster.BootstrapServers, (kafka ?? new KafkaOutputOptions()) with { Embedded = _cluster }, options);
        return await DataGenerator.GenerateAsync(Parse(yaml), output, cancellationToken: Ct);
    }

    /// <summary>Reads every message of a topic by assigning its partitions (no consumer group, so no rebalance stalls on the mock).</summary>
    private List<ConsumeResult<string?, string>> ReadAll(string topic, int partitions, long expected) =>
        ReadAll(_cluster.BootstrapServers, topic, partitions, expected);

    /// <summary>
    /// Sharded into one store: each worker appends its slice to the same topics (the others' messages already there are
    /// expected, not a conflict), and together they publish exactly the unsharded run's messages, each to the same
    /// partition (keys decide it), references included.
    /// </summary>
    [Fact]
    public async Task Shards_publish_together_exactly_the_messages_of_one_run()
    {
        const string yaml = """
            seed: 5
            models:
              customers:
                count: 700
                key: id
                fields:
                  id: uuid
                  email: { type: internet.email, unique: true }
              orders:
                count: { per: customers, min: 0, max: 3 }
                key: id
                fields:
                  id: sequence
                  customer_id: { type: ref, ref: customers.id }
                  customer_email: { type: lookup, from: customer_id, field: email }
            """;
        var kafka = new KafkaOutputOptions { Partitions = 3 };
        using var whole = EmbeddedKafkaCluster.Start(brokers: 1);
        await using (var output = KafkaOutput.Create(whole.BootstrapServers, kafka with { Embedded = whole }))
        {
            await DataGenerator.GenerateAsync(Parse(yaml), output, cancellationToken: Ct);
        }

        long written = 0;
        for (var i = 0; i < 3; i++)
        {
            var shard = new GenerationShard(i, 3);
            await using var output = KafkaOutput.Create(_cluster.BootstrapServers, kafka with { Embedded = _cluster }, new StoreLoadOptions { Shard = shard });
            written += (await DataGenerator.GenerateAsync(Parse(yaml), output, new GenerationOptions { Shard = shard }, Ct)).TotalRows;
        }

        foreach (var topic in new[] { "customers", "orders" })
        {
            var expected = ReadAll(whole.BootstrapServers, topic, 3);
            var sharded = ReadAll(_cluster.BootstrapServers, topic, 3);
            expected.Should().NotBeEmpty();
            sharded.Select(m => (m.Partition.Value, m.Message.Key, m.Message.Value)).Should().BeEquivalentTo(expected.Select(m => (m.Partition.Value, m.Message.Key, m.Message.Value)), topic);
        }

        written.Should().Be(ReadAll(whole.BootstrapServers, "customers", 3).Count + ReadAll(whole.BootstrapServers, "orders", 3).Count);
    }

    /// <summary>Every message a topic of any cluster holds: <paramref name="expected"/> of them, or as many as its watermarks count.</summary>
    private static List<ConsumeResult<string?, string>> ReadAll(string bootstrapServers, string topic, int partitions, long? expected = null)
    {
        using var consumer = new ConsumerBuilder<string?, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetLogHandler((_, _) => { }).Build();
        expected ??= Enumerable.Range(0, partitions).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(5)) is var w ? w.High.Value - w.Low.Value : 0);
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var results = new List<ConsumeResult<string?, string>>();
        var deadline = DateTime.UtcNow.AddSeconds(120); // a bound, not a wait: a loaded CI machine consumes thousands of Avro messages slowly
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
            {
                results.Add(result);
            }
        }

        return results;
    }

    /// <summary>A two-state machine over 20 subjects, its events in one stream.</summary>
    private static DataGen.Simulations.Simulation Toggles(string stream) => DataGen.Simulations.Simulation.Create("toggles")
        .States("off", "on")
        .Subjects(20, ctx => new Dictionary<string, object?> { ["id"] = $"s{ctx.Index}" })
        .Ticks(200)
        .Stream(stream)
        .Transition("switch_on", "off", "on", 20)
        .Transition("switch_off", "on", "off", 20)
        .Build();

    [Fact]
    public async Task Simulation_events_are_keyed_by_subject_and_stamped_with_the_simulated_time_unless_told_none()
    {
        var options = new DataGen.Simulations.SimulationOptions { Seed = 4 };
        await using (var output = KafkaOutput.Create(_cluster.BootstrapServers, new KafkaOutputOptions { Embedded = _cluster }))
        {
            await Toggles("keyed").RunAsync(output, options, Ct);
        }

        await using (var output = KafkaOutput.Create(_cluster.BootstrapServers, new KafkaOutputOptions { Embedded = _cluster, KeyField = KafkaOutputOptions.None, TimestampField = KafkaOutputOptions.None }))
        {
            await Toggles("unkeyed").RunAsync(output, options, Ct);
        }

        var expected = new List<DataGen.Simulations.SimulationEvent>();
        await foreach (var e in Toggles("keyed").EventsAsync(options, Ct))
        {
            expected.Add(e);
        }

        var keyed = ReadAll("keyed", 3, expected.Count);
        keyed.Should().HaveCount(expected.Count);
        keyed.Should().AllSatisfy(m =>
        {
            using var json = JsonDocument.Parse(m.Message.Value);
            m.Message.Key.Should().Be(json.RootElement.GetProperty("subject").GetString());
            m.Message.Timestamp.UtcDateTime.Should().Be(json.RootElement.GetProperty("at").GetDateTime().ToUniversalTime());
        });
        keyed.GroupBy(m => m.Message.Key).Should().OnlyContain(g => g.Select(m => m.Partition.Value).Distinct().Count() == 1);

        var unkeyed = ReadAll("unkeyed", 3, expected.Count);
        unkeyed.Should().HaveCount(expected.Count).And.OnlyContain(m => m.Message.Key == null, "keyField none: no key");
        var simulatedTimes = expected.Select(e => e.At).ToHashSet();
        unkeyed.Should().OnlyContain(m => !simulatedTimes.Contains(m.Message.Timestamp.UtcDateTime), "timestampField none: the producer's clock");
    }

    [Fact]
    public async Task Every_row_arrives_as_json_keyed_by_the_model_key()
    {
        var summary = await Load("""
            models:
              customers:
                count: 2000
                key: id
                fields:
                  id: uuid
                  email: internet.email
                  at: { type: datetime, min: -30d }
                  nickname: { type: lorem.word, nullRate: 0.5 }
            """, new KafkaOutputOptions { Partitions = 4, TimestampField = "at", HeaderFields = ["email", "nickname"] });

        summary.TotalRows.Should().Be(2000);
        var messages = ReadAll("customers", 4, 2000);
        messages.Should().HaveCount(2000);
        messages.Select(m => m.Partition.Value).Distinct().Should().HaveCount(4);
        messages.Should().AllSatisfy(m =>
        {
            using var json = JsonDocument.Parse(m.Message.Value);
            json.RootElement.GetProperty("id").GetString().Should().Be(m.Message.Key);
            m.Message.Timestamp.UtcDateTime.Should().Be(json.RootElement.GetProperty("at").GetDateTime().ToUniversalTime());
            m.Message.Headers.GetLastBytes("datagen-model").Should().Equal("customers"u8.ToArray());
            Encoding.UTF8.GetString(m.Message.Headers.GetLastBytes("email")).Should().Be(json.RootElement.GetProperty("email").GetString());
            var nickname = json.RootElement.GetProperty("nickname");
            m.Message.Headers.TryGetLastBytes("nickname", out var header).Should().Be(nickname.ValueKind != JsonValueKind.Null, "a null field is left out of the headers");
            if (header is not null)
            {
                Encoding.UTF8.GetString(header).Should().Be(nickname.GetString());
            }
        });
        messages.Select(m => m.Message.Key).Should().OnlyHaveUniqueItems();
        messages.Where(m => !m.Message.Headers.TryGetLastBytes("nickname", out _)).Should().NotBeEmpty("some nicknames are null");
    }

    [Fact]
    public async Task A_topic_that_already_holds_messages_is_a_conflict()
    {
        const string yaml = "models:\n  events:\n    count: 10\n    fields: { id: uuid }";
        await Load(yaml);

        var act = () => Load(yaml);
        (await act.Should().ThrowAsync<StoreConflictException>()).Which.Message.Should().Contain("'events' already exists and holds 10 row(s)");
    }

    [Fact]
    public async Task Exceeding_the_embedded_partition_cap_fails_loudly()
    {
        var act = () => Load("""
            models:
              big:
                count: 20000
                fields:
                  text: { type: lorem.paragraphs, args: [6] }
            """, new KafkaOutputOptions { Partitions = 1 });

        (await act.Should().ThrowAsync<GenerationException>()).Which.Message
            .Should().Contain("holds").And.Contain("of 20000 acknowledged messages").And.Contain("5 MiB per partition").And.Contain("use more partitions");
    }

    [Fact]
    public async Task A_message_the_client_refuses_fails_naming_the_model_and_row()
    {
        // Three generated rows, then a tracer row over the client's 1 MB message limit: the error names that row
        // and says how many went out before it.
        var tracers = Path.Combine(Path.GetTempPath(), $"tracers-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(tracers, $"text\n{new string('x', 1_100_000)}\n", Ct);
        try
        {
            var act = () => Load($"""
                models:
                  notes:
                    count: 3
                    tracers: {tracers}
                    fields:
                      text: lorem.word
                """);

            var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
            error.Model.Should().Be("notes");
            error.Row.Should().Be(3);
            error.Message.Should().Contain("topic 'notes' refused the message (1100").And.Contain("3 sent before it");
        }
        finally
        {
            File.Delete(tracers);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task A_cancelled_load_stops_producing_and_says_so()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var options = new GenerationOptions { Progress = new SynchronousProgress(p => { if (p.Rows >= 2048) cancel.Cancel(); }) };
        await using var output = KafkaOutput.Create(_cluster.BootstrapServers, new KafkaOutputOptions { Embedded = _cluster, Partitions = 8 });
        var act = () => DataGenerator.GenerateAsync(Parse("models:\n  many:\n    count: 5000000\n    fields: { id: uuid, name: name.fullName }"), output, options, cancel.Token);

        // Stopping means the producing thread let go too: what reached the topic is a few batches, not five million rows.
        await act.Should().ThrowAsync<OperationCanceledException>();
        output.CountMessages("many", Enumerable.Range(0, 8)).Should().BeLessThan(100_000);
    }

    private sealed class SynchronousProgress(Action<GenerationProgress> report) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => report(value);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_unreachable_cluster_fails_without_hanging()
    {
        await using var output = KafkaOutput.Create("127.0.0.1:1");
        var act = () => DataGenerator.GenerateAsync(Parse("models:\n  m:\n    count: 1\n    fields: { id: uuid }"), output, cancellationToken: TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("kafka 'kafka': cannot reach 127.0.0.1:1");
    }

    [Theory]
    [InlineData("key")]
    [InlineData("header")]
    public async Task A_key_or_header_field_that_does_not_exist_is_named(string role)
    {
        var options = role == "key" ? new KafkaOutputOptions { KeyField = "customer_id" } : new KafkaOutputOptions { HeaderFields = ["id", "customer_id"] };
        var act = () => Load("models:\n  m:\n    count: 1\n    fields: { id: uuid }", options);
        await act.Should().ThrowAsync<GenerationException>().WithMessage($"model 'm': the {role} field 'customer_id' is not a field of the model");
    }
}
