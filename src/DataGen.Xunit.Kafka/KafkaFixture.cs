using Confluent.Kafka;
using DataGen.Kafka;
using DataGen.Outputs;
using Testcontainers.Kafka;

namespace DataGen.Xunit;

/// <summary>Which Kafka a <see cref="KafkaFixture"/> uses.</summary>
public enum KafkaBackend
{
    /// <summary>A Testcontainers broker (one per test assembly); without Docker the tests skip.</summary>
    Container,

    /// <summary>The embedded cluster (librdkafka's mock brokers in this process): no Docker, fast, not a full broker.</summary>
    Embedded,

    /// <summary>A container when Docker and the image are there, else the embedded cluster.</summary>
    Auto,
}

/// <summary>
/// Kafka topics per test class: a broker for the test assembly (a container, or the embedded cluster when chosen
/// with <see cref="KafkaBackend"/> or <c>DATAGEN_KAFKA=embedded|auto</c>), topics prefixed per class so classes run in
/// parallel. Every test gets a fresh <see cref="ConsumerGroup"/> (so it reads from the beginning); a test that wrote
/// into the seeded topics gets them reloaded under a new prefix before the next test (<see cref="Topic"/> follows).
/// A subclass changes the broker container in <see cref="ConfigureContainer"/>.
/// </summary>
public class KafkaFixture : DataGenFixture
{
    /// <summary>The image started unless <c>DATAGEN_KAFKA_IMAGE</c> names another.</summary>
    public const string DefaultImage = "confluentinc/cp-kafka:7.5.12";

    private const int Partitions = 3;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Type, KafkaBackend), Lazy<Task<(string?, EmbeddedKafkaCluster?, string, string?)>>> Servers = new();
    private readonly KafkaBackend _requested;
    private EmbeddedKafkaCluster? _embedded;
    private string _prefix = "dg";
    private int _generation;
    private int _groups;
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

    /// <summary>A consumer group of this test's own: new for every test.</summary>
    public string ConsumerGroup { get; private set; } = string.Empty;

    /// <summary>Whether the embedded cluster is in use.</summary>
    public bool IsEmbedded => _embedded is not null;

    /// <inheritdoc />
    public override string Store => "kafka";

    /// <inheritdoc />
    public override string Backend => _backend;

    /// <summary>The topic a model (or a manifest/stream target) was loaded into for this class.</summary>
    public string Topic(string target) => $"{_prefix}.{_generation}.{target}";

    /// <summary>A consumer config for this test: its bootstrap servers, its own group, reading from the earliest offset.</summary>
    public ConsumerConfig ConsumerConfig() => new()
    {
        BootstrapServers = BootstrapServers,
        GroupId = ConsumerGroup,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = false,
    };

    /// <inheritdoc />
    protected override async Task<string?> StartAsync(CancellationToken cancellationToken)
    {
        var (bootstrap, embedded, backend, unavailable) = await Servers.GetOrAdd((GetType(), _requested), key => new(() => StartServerAsync(key.Item2, cancellationToken))).Value.ConfigureAwait(false);
        _backend = backend;
        if (unavailable is not null)
        {
            return unavailable;
        }

        (BootstrapServers, _embedded) = (bootstrap!, embedded);
        _prefix = NewStoreName().Replace('_', '-');
        NextGroup();
        return null;
    }

    /// <summary>Changes the broker container before it is built (image, environment, listeners). Default: unchanged.</summary>
    /// <param name="builder">A builder for the image in <c>DATAGEN_KAFKA_IMAGE</c> or <see cref="DefaultImage"/>, with reuse as <c>DATAGEN_REUSE</c> says.</param>
    protected virtual KafkaBuilder ConfigureContainer(KafkaBuilder builder) => builder;

    /// <inheritdoc />
    protected override Task StopAsync() => Task.CompletedTask;

    /// <inheritdoc />
    protected override IDataOutput CreateOutput() =>
        new RetargetingOutput(KafkaOutput.Create(BootstrapServers, new KafkaOutputOptions { Partitions = Partitions, Embedded = _embedded, ValueFormat = ValueFormat }, new StoreLoadOptions(), "kafka"), m => Topic(m.Target));

    /// <summary>How the class's messages are written (default JSON values, text keys); <see cref="AvroKafkaFixture"/> writes Avro.</summary>
    protected virtual KafkaValueFormat ValueFormat => KafkaValueFormat.Json;

    /// <inheritdoc />
    protected override Task CaptureBaselineAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    protected override async Task RestoreBaselineAsync(CancellationToken cancellationToken)
    {
        NextGroup();
        if (Loaded.Sum(m => HighWatermarks(Topic(m.Target))) != Counts.Values.Sum())
        {
            // Messages cannot be taken back: the next test gets the data again in new topics.
            _generation++;
            await ReloadBaselineAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override Task ClearAsync(CancellationToken cancellationToken)
    {
        _generation++;
        return Task.CompletedTask;
    }

    private void NextGroup() => ConsumerGroup = $"{_prefix}-group-{Interlocked.Increment(ref _groups)}";

    private long HighWatermarks(string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = ConsumerGroup }).Build();
        long total = 0;
        for (var p = 0; p < Partitions; p++)
        {
            total += consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value;
        }

        return total;
    }

    /// <summary>The broker for every fixture of this type (per backend): started once, on first use.</summary>
    private async Task<(string?, EmbeddedKafkaCluster?, string, string?)> StartServerAsync(KafkaBackend backend, CancellationToken cancellationToken)
    {
        if (DataGenContainers.Variable("DATAGEN_KAFKA_BOOTSTRAP") is { } external)
        {
            return (external, null, $"Kafka at {KafkaBootstrap.Redact(external)} (DATAGEN_KAFKA_BOOTSTRAP)", null);
        }

        var image = DataGenContainers.Image("DATAGEN_KAFKA_IMAGE", DefaultImage);
        var why = backend == KafkaBackend.Embedded ? "embedded requested" : DataGenContainers.WhyUnavailable(image);
        if (why is not null && backend != KafkaBackend.Container)
        {
            var cluster = EmbeddedKafkaCluster.Start();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Dispose();
            return (cluster.BootstrapServers, cluster, "embedded Kafka (librdkafka mock cluster, 3 brokers)", null);
        }

        var description = $"Kafka container {image}";
        if (why is not null)
        {
            return (null, null, description, why + "; or allow the embedded cluster with DATAGEN_KAFKA=auto (or embedded), or set DATAGEN_KAFKA_BOOTSTRAP to a broker");
        }

        var (container, unavailable) = await DataGenContainers.StartAsync(() => ConfigureContainer(new KafkaBuilder(image).WithReuse(DataGenContainers.Reuse)).Build(), description, cancellationToken).ConfigureAwait(false);
        return (container?.GetBootstrapAddress(), null, description, unavailable);
    }
}
