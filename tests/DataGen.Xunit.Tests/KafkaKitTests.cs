using Avro;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;

namespace DataGen.Xunit.Tests;

/// <summary>Chooses the embedded cluster explicitly.</summary>
public sealed class EmbeddedKafka() : KafkaFixture(KafkaBackend.Embedded);

/// <summary>
/// The third example of the issue: a simulation's events in a topic. The backend follows DATAGEN_KAFKA (.ci/run allows
/// the embedded cluster with auto; GitHub Actions runs a broker container).
/// </summary>
[Simulate(typeof(BankingModel), Subjects = 200, Ticks = 1_440, TickLength = "00:01:00", Seed = 11)]
public sealed class LoanConsumerTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private List<ConsumeResult<byte[], byte[]>> ReadAll(string topic, long expected)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(kafka.ConsumerConfig()).Build();
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var messages = new List<ConsumeResult<byte[], byte[]>>();
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

    [Fact]
    public void The_events_of_the_simulation_are_in_the_topic()
    {
        kafka.Backend.Should().Contain("Kafka");
        var events = kafka.Simulation!.Events;
        events.Should().BeGreaterThan(100);
        kafka.Counts["transactions"].Should().Be(events);
        ReadAll(kafka.Topic("transactions"), events).Should().HaveCount((int)events);
        kafka.Simulation.Subjects.Should().HaveCount(200);
    }

    [Fact]
    public void A_test_that_produces_gets_fresh_topics_for_the_next_test()
    {
        var topic = kafka.Topic("transactions");
        ReadAll(topic, kafka.Counts["transactions"]).Should().HaveCount((int)kafka.Counts["transactions"], "every test starts from the seeded messages");
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        producer.Produce(topic, new Message<byte[], byte[]> { Key = [1], Value = [2] });
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    /// <summary>Reads through this test's consumer group (committed offsets count), committing what it read.</summary>
    private int ReadAndCommitInGroup(int atMost)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(kafka.ConsumerConfig()).Build();
        consumer.Subscribe(kafka.Topic("transactions"));
        var read = 0;
        var quiet = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        // Stop once everything expected arrived, or after 5 s without a message once assigned (nothing left to read).
        while (read < atMost && DateTime.UtcNow < deadline && quiet < 25)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false })
            {
                read++;
                quiet = 0;
            }
            else if (consumer.Assignment.Count > 0)
            {
                quiet++;
            }
        }

        if (read > 0)
        {
            // The group's committed offsets now reach the end of every partition it was given.
            var committed = consumer.Commit();
            committed.Sum(c => c.Offset.Value).Should().Be(read);
        }

        consumer.Close();
        return read;
    }

    [Fact]
    public async Task After_a_restore_a_new_consumer_group_reads_from_the_beginning()
    {
        var first = kafka.ConsumerGroup;
        var expected = (int)kafka.Counts["transactions"];
        ReadAndCommitInGroup(expected).Should().Be(expected);

        await kafka.RestoreNowAsync(TestContext.Current.CancellationToken);

        kafka.ConsumerGroup.Should().NotBe(first);
        ReadAndCommitInGroup(expected).Should().Be(expected, "the next test's group starts from the earliest offset");
    }
}

/// <summary>The embedded cluster chosen in code, whatever DATAGEN_KAFKA says.</summary>
[Journey("starfleet", Users = 4, Target = "applications")]
public sealed class EmbeddedKafkaTests(EmbeddedKafka kafka) : IClassFixture<EmbeddedKafka>
{
    [Fact]
    public void Runs_on_the_embedded_cluster_and_renames_the_target()
    {
        kafka.IsEmbedded.Should().BeTrue();
        kafka.Backend.Should().Contain("embedded");
        kafka.Topic("applications").Should().EndWith(".applications");
        kafka.Counts["journey_steps"].Should().Be(kafka.Journeys.Sum(j => j.Steps.Count));
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(kafka.ConsumerConfig()).Build();
        var high = Enumerable.Range(0, 3).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(kafka.Topic("applications"), p), TimeSpan.FromSeconds(10)).High.Value);
        high.Should().Be(kafka.Counts["journey_steps"]);
    }
}

/// <summary>
/// The banking simulation published as Avro: the fixture registers the derived schema in its registry (embedded with
/// the embedded cluster, a registry container beside a broker container) and the test reads the events with
/// Confluent's own AvroDeserializer, as a .NET consumer would.
/// </summary>
[Simulate(typeof(BankingModel), Subjects = 120, Ticks = 720, TickLength = "00:01:00", Seed = 5)]
public sealed class AvroBankingConsumerTests(AvroKafkaFixture kafka) : IClassFixture<AvroKafkaFixture>
{
    [Fact]
    public async Task The_simulation_events_are_avro_records_with_the_registered_schema()
    {
        kafka.Backend.Should().Contain("Avro");
        var expected = kafka.Counts["transactions"];
        expected.Should().Be(kafka.Simulation!.Events).And.BeGreaterThan(100);

        using var registry = new CachedSchemaRegistryClient(kafka.SchemaRegistryConfig());
        using var consumer = new ConsumerBuilder<string, GenericRecord>(kafka.ConsumerConfig())
            .SetValueDeserializer(new AvroDeserializer<GenericRecord>(registry).AsSyncOverAsync())
            .Build();
        var topic = kafka.Topic("transactions");
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var events = new List<GenericRecord>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (events.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } message)
            {
                events.Add(message.Message.Value);
            }
        }

        events.Should().HaveCount((int)expected);
        events.Select(e => (string)e["trigger"]).Distinct().Should().BeSubsetOf(["income", "spend", "login", "logout"]);
        events.Should().AllSatisfy(e =>
        {
            e.Schema.Fullname.Should().Be("datagen.transactions");
            e["at"].Should().BeOfType<DateTime>();
            var amount = e["amount"];
            if ((string)e["trigger"] is "income" or "spend")
            {
                amount.Should().BeOfType<AvroDecimal>();
                var value = decimal.Parse(amount.ToString()!, System.Globalization.CultureInfo.InvariantCulture);
                ((string)e["trigger"] == "income" ? value > 0 : value < 0).Should().BeTrue();
            }
        });
        var subject = await registry.GetLatestSchemaAsync($"{topic}-value");
        subject.Version.Should().Be(1);
    }
}
