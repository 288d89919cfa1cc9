using System.Text.Json;
using Confluent.Kafka;
using DataGen.Outputs;
using DataGen.Simulations;

namespace DataGen.Xunit.Tests;

/// <summary>Reads every message of a topic from the beginning, polling until the expected count or a deadline.</summary>
internal static class TopicReader
{
    public static List<ConsumeResult<string, string>> ReadAll(ConsumerConfig config, string topic, int partitions, long expected)
    {
        using var consumer = new ConsumerBuilder<string, string>(config).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var messages = new List<ConsumeResult<string, string>>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (messages.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } message)
            {
                messages.Add(message);
            }
        }

        return messages;
    }
}

/// <summary>Issue 30: simulation events keyed by subject, so each subject's events stay in order in one partition.</summary>
[Simulate(typeof(BankingModel), Subjects = 60, Ticks = 1_440, TickLength = "1m", Seed = 30)]
public sealed class Issue30KeysAndOrderTests(EmbeddedKafka kafka) : IClassFixture<EmbeddedKafka>
{
    [Fact]
    public async Task Every_subjects_events_arrive_in_order_in_one_partition_stamped_with_the_simulated_time()
    {
        var topic = kafka.Topic("transactions");
        var messages = TopicReader.ReadAll(kafka.ConsumerConfig(), topic, 3, kafka.Counts["transactions"]);
        messages.Should().HaveCount((int)kafka.Counts["transactions"]);

        // What the simulation says each subject did, in order (the same run, without an output).
        var expected = new Dictionary<string, List<(DateTime At, string Trigger)>>();
        await foreach (var e in Simulation.FromModel(typeof(BankingModel)).EventsAsync(new SimulationOptions { Seed = kafka.Seed, Subjects = 60, Ticks = 1_440, TickLength = TimeSpan.FromMinutes(1) }, TestContext.Current.CancellationToken))
        {
            var key = Convert.ToString(e.Subject, System.Globalization.CultureInfo.InvariantCulture)!;
            (expected.TryGetValue(key, out var list) ? list : expected[key] = []).Add((e.At, e.Trigger));
        }

        expected.Should().HaveCountGreaterThan(10);
        var bySubject = messages.GroupBy(m => m.Message.Key).ToDictionary(g => g.Key, g => g.ToList());
        bySubject.Keys.Should().BeEquivalentTo(expected.Keys, "every message is keyed by its subject");
        foreach (var (subject, received) in bySubject)
        {
            received.Select(m => m.Partition.Value).Distinct().Should().ContainSingle($"subject {subject}'s events share one partition");
            var inOrder = received.OrderBy(m => m.Offset.Value).Select(m =>
            {
                using var json = JsonDocument.Parse(m.Message.Value);
                var at = json.RootElement.GetProperty("at").GetDateTime().ToUniversalTime();
                m.Message.Timestamp.UtcDateTime.Should().Be(at, "the message timestamp is the simulated time");
                json.RootElement.GetProperty("subject").ToString().Should().Be(subject);
                return (at, json.RootElement.GetProperty("trigger").GetString()!);
            }).ToList();
            inOrder.Should().Equal(expected[subject], $"subject {subject}'s events arrive in the order they happened");
        }
    }

    [Fact]
    public void Topic_accepts_stream_and_real_names_and_refuses_an_unknown_one_listing_the_topics()
    {
        var topic = kafka.Topic("transactions");
        kafka.Topic(topic).Should().Be(topic, "a real topic name is returned as it is");
        var act = () => kafka.Topic("transaction");
        act.Should().Throw<ArgumentException>().WithMessage($"*Topic(\"transaction\")*transactions → {topic}*");
    }

    [Fact]
    public void Configuration_values_give_the_application_the_real_names()
    {
        var values = kafka.ConfigurationValues();
        values["Kafka:BootstrapServers"].Should().Be(kafka.BootstrapServers);
        values["Kafka:GroupId"].Should().Be(kafka.ConsumerGroup);
        values["Kafka:Topics:transactions"].Should().Be(kafka.Topic("transactions"));
        values["Kafka:GroupProtocol"].Should().Be("Consumer");
        kafka.ConfigurationValues("Payments").Keys.Should().OnlyContain(k => k.StartsWith("Payments:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_fixed_consumer_group_that_stops_and_starts_gets_its_partitions_back_within_5_seconds()
    {
        var config = new ConsumerConfig(kafka.ConsumerConfig()) { GroupId = $"{kafka.ConsumerGroup}-payments-service" };
        var total = (int)kafka.Counts["transactions"];
        var first = ConsumeSome(config, atMost: total / 2);
        first.Read.Should().BeGreaterThan(0);

        var second = ConsumeSome(config, atMost: total - first.Read);
        second.FirstMessage.Should().BeLessThan(TimeSpan.FromSeconds(5), "the group rejoins fast on the embedded cluster");
        (first.Read + second.Read).Should().Be(total, "the second consumer resumes at the group's committed offsets");
    }

    /// <summary>Consumes up to <paramref name="atMost"/> messages in a group, commits and closes; how long the first message took.</summary>
    private (int Read, TimeSpan FirstMessage) ConsumeSome(ConsumerConfig config, int atMost)
    {
        using var consumer = new ConsumerBuilder<string, string>(config).Build();
        var started = System.Diagnostics.Stopwatch.StartNew();
        consumer.Subscribe(kafka.Topic("transactions"));
        var read = 0;
        TimeSpan? first = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (read < atMost && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false })
            {
                first ??= started.Elapsed;
                read++;
            }
        }

        if (read > 0)
        {
            consumer.Commit();
        }

        consumer.Close();
        return (read, first ?? TimeSpan.MaxValue);
    }
}

/// <summary>A manifest's simulation published by the kit: [Simulate("banking.yaml")] loads its models, then its events.</summary>
[Simulate("banking.yaml", Subjects = 40, Ticks = 1_440, Seed = 8)]
public sealed class Issue30ManifestSimulationTests(EmbeddedKafka kafka) : IClassFixture<EmbeddedKafka>
{
    [Fact]
    public void The_manifests_simulation_and_models_are_published()
    {
        kafka.Counts["users"].Should().Be(40);
        kafka.Simulation!.Subjects.Should().HaveCount(40);
        kafka.Counts["transactions"].Should().Be(kafka.Simulation.Events).And.BeGreaterThan(0);
        kafka.Data.Should().Be("simulation of banking.yaml");
        var messages = TopicReader.ReadAll(kafka.ConsumerConfig(), kafka.Topic("transactions"), 3, kafka.Counts["transactions"]);
        messages.Should().HaveCount((int)kafka.Counts["transactions"]);
        messages.Should().OnlyContain(m => m.Message.Key != null, "events are keyed by subject by default");
    }

    [Fact]
    [SeededWith("banking.yaml", Scale = 0.02)]
    public void SeededWith_on_a_manifest_with_a_simulation_runs_the_simulation()
    {
        kafka.Counts["users"].Should().Be(20);
        kafka.Simulation.Should().NotBeNull();
        kafka.Counts["transactions"].Should().Be(kafka.Simulation!.Events).And.BeGreaterThan(0);
    }

    [Fact]
    public async Task A_section_the_attribute_does_not_run_is_an_error_at_its_line()
    {
        var events = () => DataLoader.LoadAsync(new SeededWithAttribute("events.yaml"), new MemoryOutput(), 1, null, TestContext.Current.CancellationToken);
        var error = (await events.Should().ThrowAsync<ManifestException>()).Which;
        error.Errors.Should().ContainSingle().Which.Message.Should().Contain("[SeededWith(\"events.yaml\")] does not run the 'events:' section");
        error.Errors[0].Line.Should().Be(File.ReadLines(DataLoader.Locate("events.yaml")).TakeWhile(l => !l.StartsWith("events:", StringComparison.Ordinal)).Count() + 1);

        var none = () => DataLoader.LoadAsync(new SimulateAttribute("customers.yaml"), new MemoryOutput(), 1, null, TestContext.Current.CancellationToken);
        (await none.Should().ThrowAsync<ManifestException>()).WithMessage("*[Simulate(\"customers.yaml\")]: the manifest has no simulation: section*");
    }

    [Fact]
    public async Task A_key_that_is_not_an_event_field_is_an_error_naming_the_fields()
    {
        var act = () => DataLoader.LoadAsync(new SimulateAttribute(typeof(BankingModel)) { Key = "acount", Subjects = 2, Ticks = 10 }, new MemoryOutput(), 1, null, TestContext.Current.CancellationToken);
        (await act.Should().ThrowAsync<ArgumentException>()).WithMessage("*Key = \"acount\" is not a field of stream 'transactions'*subject*");
    }
}

/// <summary>A manifest's Kafka datastore settings honoured under the fixture: partitions, key field, timestamp field.</summary>
[SeededWith("kafka-settings.yaml")]
public sealed class Issue30DatastoreSettingsTests(EmbeddedKafka kafka) : IClassFixture<EmbeddedKafka>
{
    [Fact]
    public void Partitions_key_and_timestamp_come_from_the_datastore()
    {
        var messages = TopicReader.ReadAll(kafka.ConsumerConfig(), kafka.Topic("payments"), 6, kafka.Counts["payments"]);
        messages.Should().HaveCount(240);
        messages.Select(m => m.Partition.Value).Distinct().Should().HaveCountGreaterThan(3, "the datastore asks for 6 partitions");
        foreach (var m in messages)
        {
            using var json = JsonDocument.Parse(m.Message.Value);
            m.Message.Key.Should().Be(json.RootElement.GetProperty("account").ToString());
            m.Message.Timestamp.UtcDateTime.Should().Be(json.RootElement.GetProperty("booked_at").GetDateTime().ToUniversalTime());
        }
    }

    [Fact]
    public async Task A_value_format_the_fixture_does_not_write_is_refused_naming_the_datastore()
    {
        await using var other = new EmbeddedKafka();
        var act = () => other.InitializeForAsync(typeof(AvroDatastoreClass), TestContext.Current.CancellationToken);
        (await act.Should().ThrowAsync<ManifestException>()).WithMessage("*kafka-avro-datastore.yaml*datastore 'bus': valueFormat 'avro' but EmbeddedKafka writes json (use AvroKafkaFixture*");
    }

    [Fact]
    public async Task A_setting_the_fixture_cannot_honour_is_refused_naming_it()
    {
        await using var other = new EmbeddedKafka();
        var act = () => other.InitializeForAsync(typeof(AvroKeysClass), TestContext.Current.CancellationToken);
        (await act.Should().ThrowAsync<ManifestException>()).WithMessage("*datastore 'bus': avroKeys not honoured under EmbeddedKafka*");
    }

    [SeededWith("kafka-avro-datastore.yaml")]
    public sealed class AvroDatastoreClass;

    [SeededWith("kafka-avro-keys.yaml")]
    public sealed class AvroKeysClass;
}

/// <summary>A fixture that owns its cluster: topics keep the manifest's names.</summary>
public sealed class OwnClusterKafka : KafkaFixture
{
    protected override bool UnprefixedTopics => true;
}

/// <summary>Unprefixed topic names on a cluster of the class's own; a test that wrote gets a new cluster with the data again.</summary>
[Journey("starfleet", Users = 3, Target = "applications")]
public sealed class Issue30UnprefixedTopicsTests(OwnClusterKafka kafka) : IClassFixture<OwnClusterKafka>
{
    [Fact]
    public async Task Topics_keep_their_names_and_a_write_is_undone_by_a_new_cluster()
    {
        kafka.Topic("applications").Should().Be("applications");
        kafka.Topic("journey_steps").Should().Be("applications");
        var steps = kafka.Counts["journey_steps"];
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            await producer.ProduceAsync("applications", new Message<string, string> { Key = "x", Value = "{}" }, TestContext.Current.CancellationToken);
        }

        var before = kafka.BootstrapServers;
        await kafka.RestoreNowAsync(TestContext.Current.CancellationToken);

        kafka.BootstrapServers.Should().NotBe(before);
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(kafka.ConsumerConfig()).Build();
        Enumerable.Range(0, 3).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition("applications", p), TimeSpan.FromSeconds(10)).High.Value)
            .Should().Be(steps, "the new cluster holds the seeded steps only");
    }
}
