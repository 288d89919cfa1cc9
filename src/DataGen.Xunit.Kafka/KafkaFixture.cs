using DataGen.Kafka;
using Testcontainers.Kafka;

namespace DataGen.Xunit;

/// <summary>
/// Kafka topics per test class: a broker for the test assembly (a container, or the embedded cluster when chosen
/// with <see cref="KafkaBackend"/> or <c>DATAGEN_KAFKA=embedded|auto</c>), topics prefixed per class so classes run in
/// parallel (or, with <see cref="UnprefixedTopics"/>, an embedded cluster of the class's own and the manifest's topic
/// names). Every test gets a fresh <see cref="ConsumerGroup"/> (so it reads from the beginning); a test that wrote
/// into the seeded topics gets them reloaded under a new prefix before the next test (<see cref="Topic"/> follows).
/// A manifest's Kafka datastore settings (<c>partitions</c>, <c>keyField</c>, <c>timestampField</c>,
/// <c>headerFields</c>) are honoured; a <c>valueFormat</c> other than the fixture's is an error. A subclass changes the
/// broker container in <see cref="ConfigureContainer"/>.
/// </summary>
public partial class KafkaFixture : DataGenFixture
{
    /// <summary>The image started unless <c>DATAGEN_KAFKA_IMAGE</c> names another.</summary>
    public const string DefaultImage = "confluentinc/cp-kafka:7.5.12";

    private readonly KafkaBackend _requested;
    private KafkaTopics? _topicNames;
    private EmbeddedKafkaCluster? _embedded;
    private string _backend = "Kafka";

    /// <summary>Uses the backend named by <c>DATAGEN_KAFKA</c> (container, embedded or auto; default container).</summary>
    public KafkaFixture()
        : this(Enum.TryParse<KafkaBackend>(DataGenContainers.Variable("DATAGEN_KAFKA"), ignoreCase: true, out var backend) ? backend : KafkaBackend.Container)
    {
    }

    /// <summary>Uses <paramref name="backend"/> (subclass to choose it in code).</summary>
    protected KafkaFixture(KafkaBackend backend) => _requested = backend;

    /// <summary>The bootstrap servers.</summary>
    public string BootstrapServers { get; private set; } = string.Empty;

    /// <summary>What an application connects to: the bootstrap servers (topics come from <see cref="Topic"/> or <see cref="ConfigurationValues"/>).</summary>
    public override string? AppConnectionString => BootstrapServers;

    /// <summary>A consumer group of this test's own: new for every test.</summary>
    public string ConsumerGroup => Names.ConsumerGroup;

    /// <summary>Whether the embedded cluster is in use.</summary>
    public bool IsEmbedded => _embedded is not null;

    /// <inheritdoc />
    public override string Store => "kafka";

    /// <inheritdoc />
    public override string Backend => _backend;

    /// <summary>
    /// Whether topics keep the manifest's names (no class prefix): the class then gets an embedded cluster of its own
    /// (whatever <c>DATAGEN_KAFKA</c> says), for applications whose topic names are fixed. A test that wrote into the
    /// seeded topics gets a new cluster with the data reloaded: read <see cref="BootstrapServers"/> in every test.
    /// Default false.
    /// </summary>
    protected virtual bool UnprefixedTopics => false;

    /// <summary>The class's topic names and groups (made on first use: <see cref="UnprefixedTopics"/> is a subclass's answer).</summary>
    private KafkaTopics Names => _topicNames ??= new KafkaTopics(UnprefixedTopics);

    private string TopicOf(string target) => Names.Of(target);

    /// <inheritdoc />
    protected override async Task<string?> StartAsync(CancellationToken cancellationToken)
    {
        // With unprefixed topics, a cluster of the class's own: the manifest's topic names cannot meet another class's.
        var broker = UnprefixedTopics
            ? KafkaBroker.Own()
            : await KafkaBroker.SharedAsync(GetType(), _requested, ConfigureContainer, cancellationToken).ConfigureAwait(false);
        _backend = broker.Backend;
        if (broker.Unavailable is not null)
        {
            return broker.Unavailable;
        }

        (BootstrapServers, _embedded) = (broker.Bootstrap!, broker.Embedded);
        Names.Start(NewStoreName());
        return null;
    }

    /// <summary>Changes the broker container before it is built (image, environment, listeners). Default: unchanged.</summary>
    /// <param name="builder">A builder for the image in <c>DATAGEN_KAFKA_IMAGE</c> or <see cref="DefaultImage"/>, with reuse as <c>DATAGEN_REUSE</c> says.</param>
    protected virtual KafkaBuilder ConfigureContainer(KafkaBuilder builder) => builder;

    /// <inheritdoc />
    protected override Task StopAsync()
    {
        if (UnprefixedTopics)
        {
            _embedded?.Dispose();
            _embedded = null;
        }

        return Task.CompletedTask;
    }

    /// <summary>How the class's messages are written (default JSON values, text keys); <c>AvroKafkaFixture</c> (DataGen.Xunit.Kafka.Avro) writes Avro.</summary>
    protected virtual KafkaValueFormat ValueFormat => KafkaValueFormat.Json;

    /// <inheritdoc />
    protected override Task CaptureBaselineAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    protected override async Task RestoreBaselineAsync(CancellationToken cancellationToken)
    {
        Names.NextGroup();
        if (Names.Messages(BootstrapServers, Loaded.Select(m => m.Target)) != Counts.Values.Sum())
        {
            // Messages cannot be taken back: the next test gets the data again in new topics (or a new cluster).
            NewTopics();
            await ReloadBaselineAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override Task ClearAsync(CancellationToken cancellationToken)
    {
        NewTopics();
        return Task.CompletedTask;
    }

    private void NewTopics()
    {
        Names.NextGeneration();
        if (UnprefixedTopics)
        {
            _embedded?.Dispose();
            _embedded = EmbeddedKafkaCluster.Start();
            BootstrapServers = _embedded.BootstrapServers;
        }
    }
}
