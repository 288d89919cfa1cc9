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
/// parallel (or, with <see cref="UnprefixedTopics"/>, an embedded cluster of the class's own and the manifest's topic
/// names). Every test gets a fresh <see cref="ConsumerGroup"/> (so it reads from the beginning); a test that wrote
/// into the seeded topics gets them reloaded under a new prefix before the next test (<see cref="Topic"/> follows).
/// A manifest's Kafka datastore settings (<c>partitions</c>, <c>keyField</c>, <c>timestampField</c>,
/// <c>headerFields</c>) are honoured; a <c>valueFormat</c> other than the fixture's is an error. A subclass changes the
/// broker container in <see cref="ConfigureContainer"/>.
/// </summary>
public class KafkaFixture : DataGenFixture
{
    /// <summary>The image started unless <c>DATAGEN_KAFKA_IMAGE</c> names another.</summary>
    public const string DefaultImage = "confluentinc/cp-kafka:7.5.12";

    private const int DefaultPartitions = 3;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Type, KafkaBackend), Lazy<Task<(string?, EmbeddedKafkaCluster?, string, string?)>>> Servers = new();
    private readonly KafkaBackend _requested;
    private EmbeddedKafkaCluster? _embedded;
    private string _prefix = "dg";
    private int _generation;
    private int _groups;
    private string _backend = "Kafka";
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _partitions = new(StringComparer.Ordinal);

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
    public string ConsumerGroup { get; private set; } = string.Empty;

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

    /// <summary>
    /// The real topic of a loaded model, event stream or target, by any of those names (a real topic name is
    /// returned as it is).
    /// </summary>
    /// <param name="name">A model name (<c>payment_events</c>), a stream name (<c>events</c>) or a target (<c>payment-events</c>).</param>
    /// <exception cref="ArgumentException">The class loaded nothing under that name; the message lists what it loaded.</exception>
    public string Topic(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var loaded = Loaded;
        if ((loaded.FirstOrDefault(m => m.Target == name) ?? loaded.FirstOrDefault(m => m.Name == name)) is { } model)
        {
            return TopicOf(model.Target);
        }

        if (loaded.Any(m => TopicOf(m.Target) == name))
        {
            return name;
        }

        throw new ArgumentException(
            loaded.Count == 0
                ? $"Topic(\"{name}\"): {TestClass?.Name ?? "this class"} loaded no topics (a [SeededWith], [Simulate] or [Journey] attribute on the class or test loads them)"
                : $"Topic(\"{name}\"): no model, stream or target of that name; {TestClass?.Name ?? "this class"} has: {string.Join(", ", loaded.Select(m => m.Name == m.Target ? $"{m.Name} → {TopicOf(m.Target)}" : $"{m.Name} / {m.Target} → {TopicOf(m.Target)}"))}",
            nameof(name));
    }

    /// <summary>
    /// The connection and real topic names as configuration values for the application under test
    /// (<c>AddInMemoryCollection</c> in a <c>WebApplicationFactory</c> or host builder): <c>{section}:BootstrapServers</c>,
    /// <c>{section}:GroupId</c> (this test's group), <c>{section}:AutoOffsetReset</c>, <c>{section}:GroupProtocol</c>
    /// (embedded cluster), and <c>{section}:Topics:{name}</c> for every loaded model, stream and target name. The
    /// names match Confluent's <c>ConsumerConfig</c> properties, so <c>GetSection(section).Bind(config)</c> works.
    /// </summary>
    /// <param name="section">The configuration section (default <c>Kafka</c>).</param>
    public virtual IReadOnlyDictionary<string, string?> ConfigurationValues(string section = "Kafka")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        var consumer = ConsumerConfig();
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [$"{section}:BootstrapServers"] = consumer.BootstrapServers,
            [$"{section}:GroupId"] = consumer.GroupId,
            [$"{section}:AutoOffsetReset"] = consumer.AutoOffsetReset?.ToString(),
        };
        if (consumer.GroupProtocol is { } protocol)
        {
            values[$"{section}:GroupProtocol"] = protocol.ToString();
        }

        foreach (var model in Loaded)
        {
            values[$"{section}:Topics:{model.Name}"] = TopicOf(model.Target);
            values[$"{section}:Topics:{model.Target}"] = TopicOf(model.Target);
        }

        return values;
    }

    /// <summary>
    /// A consumer config for this test: its bootstrap servers, its own group, reading from the earliest offset, no
    /// auto-commit. On the embedded cluster it uses the consumer group protocol (KIP-848), with which a group that
    /// stops and starts again within a test gets its partitions back in well under a second (the classic protocol
    /// stalls up to the session timeout there).
    /// </summary>
    public ConsumerConfig ConsumerConfig() => new()
    {
        BootstrapServers = BootstrapServers,
        GroupId = ConsumerGroup,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = false,
        GroupProtocol = IsEmbedded ? GroupProtocol.Consumer : null,
    };

    private string TopicOf(string target) => UnprefixedTopics ? target : $"{_prefix}.{_generation}.{target}";

    /// <inheritdoc />
    protected override async Task<string?> StartAsync(CancellationToken cancellationToken)
    {
        if (UnprefixedTopics)
        {
            // A cluster of the class's own: the manifest's topic names cannot meet another class's.
            _embedded = EmbeddedKafkaCluster.Start();
            (BootstrapServers, _backend, _prefix) = (_embedded.BootstrapServers, "embedded Kafka (librdkafka mock cluster, 3 brokers, this class's own)", NewStoreName().Replace('_', '-'));
            NextGroup();
            return null;
        }

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
    protected override Task StopAsync()
    {
        if (UnprefixedTopics)
        {
            _embedded?.Dispose();
            _embedded = null;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <exception cref="ManifestException">A Kafka datastore of the manifest asks for what the fixture cannot honour (another value format, a bad setting).</exception>
    protected override IDataOutput CreateOutput()
    {
        var defaults = new KafkaOutputOptions { Partitions = DefaultPartitions, Embedded = _embedded, ValueFormat = ValueFormat };
        var partitions = new Dictionary<string, int>(StringComparer.Ordinal);
        var stores = new Dictionary<string, IDataOutput>(StringComparer.Ordinal);
        var fallback = KafkaOutput.Create(BootstrapServers, defaults, new StoreLoadOptions(), "kafka");
        var errors = new List<ManifestError>();
        foreach (var store in Datastores)
        {
            if (!store.Kind.Equals("kafka", StringComparison.OrdinalIgnoreCase))
            {
                stores[store.Name] = fallback;
                continue;
            }

            // Where to connect is the fixture's business (bootstrapServers give way); how to write is the manifest's.
            var format = store.Get("valueFormat") ?? "json";
            if (!format.Equals(ValueFormat.Name, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new ManifestError(Data ?? "the manifest", 0, 0, $"datastore '{store.Name}': valueFormat '{format}' but {GetType().Name} writes {ValueFormat.Name} (use {(format.Equals("avro", StringComparison.OrdinalIgnoreCase) ? "AvroKafkaFixture" : "KafkaFixture")}, or remove the setting)"));
                continue;
            }

            // Connection settings give way to the fixture's broker and registry; any other setting the fixture cannot
            // honour (an Avro format's own, such as avroKeys) is refused rather than ignored.
            var unknown = store.Settings.Keys.Where(k => k != "schemaRegistry" && !KafkaStoreProvider.Instance.Settings.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
            {
                errors.Add(new ManifestError(Data ?? "the manifest", 0, 0, $"datastore '{store.Name}': {string.Join(", ", unknown)} not honoured under {GetType().Name} (it honours {string.Join(", ", KafkaStoreProvider.Instance.Settings.Keys.Where(k => k is not "bootstrapServers" and not "valueFormat"))}; Avro options come from the fixture's AvroOptions)"));
                continue;
            }

            try
            {
                var settings = store.Settings.Where(s => s.Key is not "valueFormat" and not "bootstrapServers").ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
                settings["bootstrapServers"] = BootstrapServers;
                var options = KafkaStoreProvider.Instance.OptionsFor(new Datastore(store.Name, store.Kind, settings)) with { Embedded = _embedded, ValueFormat = ValueFormat };
                partitions[store.Name] = options.Partitions;
                stores[store.Name] = KafkaOutput.Create(BootstrapServers, options, new StoreLoadOptions(), store.Name);
            }
            catch (ArgumentException e)
            {
                errors.Add(new ManifestError(Data ?? "the manifest", 0, 0, e.Message));
            }
        }

        if (errors.Count > 0)
        {
            throw new ManifestException(errors);
        }

        return new RetargetingOutput(new RoutingOutput(stores, fallback), m =>
        {
            _partitions[TopicOf(m.Target)] = m.Store is { } name && partitions.TryGetValue(name, out var n) ? n : DefaultPartitions;
            return TopicOf(m.Target);
        });
    }

    /// <summary>How the class's messages are written (default JSON values, text keys); <c>AvroKafkaFixture</c> (DataGen.Xunit.Kafka.Avro) writes Avro.</summary>
    protected virtual KafkaValueFormat ValueFormat => KafkaValueFormat.Json;

    /// <inheritdoc />
    protected override Task CaptureBaselineAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    protected override async Task RestoreBaselineAsync(CancellationToken cancellationToken)
    {
        NextGroup();
        if (Loaded.Sum(m => HighWatermarks(TopicOf(m.Target))) != Counts.Values.Sum())
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
        _generation++;
        if (UnprefixedTopics)
        {
            _embedded?.Dispose();
            _embedded = EmbeddedKafkaCluster.Start();
            BootstrapServers = _embedded.BootstrapServers;
        }
    }

    private void NextGroup() => ConsumerGroup = $"{_prefix}-group-{Interlocked.Increment(ref _groups)}";

    private long HighWatermarks(string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = ConsumerGroup }).Build();
        long total = 0;
        for (var p = 0; p < _partitions.GetValueOrDefault(topic, DefaultPartitions); p++)
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

        var (container, unavailable) = await DataGenContainers.StartAsync(() => ConfigureContainer(new KafkaBuilder(image).WithReuse(DataGenContainers.Reuse).WithLabel(DataGenContainers.Labels)).Build(), description, cancellationToken).ConfigureAwait(false);
        return (container?.GetBootstrapAddress(), null, description, unavailable);
    }
}
