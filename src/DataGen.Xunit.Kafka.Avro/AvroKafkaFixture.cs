using System.Collections.Concurrent;
using Confluent.SchemaRegistry;
using DataGen.Kafka;
using DataGen.Kafka.Avro;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Networks;
using Testcontainers.Kafka;

namespace DataGen.Xunit;

/// <summary>
/// A <see cref="KafkaFixture"/> whose topics hold Avro values (Confluent wire format) registered in a schema registry:
/// the one in <c>DATAGEN_SCHEMA_REGISTRY_URL</c>; else, with the embedded cluster or an external broker, the embedded
/// registry (<see cref="EmbeddedSchemaRegistry"/>); else a registry container (<c>DATAGEN_SCHEMA_REGISTRY_IMAGE</c>,
/// default <see cref="DefaultRegistryImage"/>) on a network with the broker container. Subjects follow the topics
/// (<c>&lt;topic&gt;-value</c>), so classes never share one. Consumers use <see cref="SchemaRegistryConfig"/> with
/// Confluent's <c>AvroDeserializer</c>. Override <see cref="AvroOptions"/> for other subject names, Avro keys or .avsc files.
/// </summary>
public class AvroKafkaFixture : KafkaFixture
{
    /// <summary>The registry image started beside a broker container unless <c>DATAGEN_SCHEMA_REGISTRY_IMAGE</c> names another.</summary>
    public const string DefaultRegistryImage = "confluentinc/cp-schema-registry:7.5.12";

    private const string BrokerAlias = "datagen-kafka";
    private static readonly ConcurrentDictionary<Type, Lazy<INetwork>> Networks = new();
    private static readonly ConcurrentDictionary<Type, Lazy<Task<(string Url, string Description)>>> Registries = new();
    private string _registry = "schema registry";
    private AvroValueFormat? _format;

    /// <summary>Uses the backend named by <c>DATAGEN_KAFKA</c>.</summary>
    public AvroKafkaFixture()
    {
    }

    /// <summary>Uses <paramref name="backend"/> (subclass to choose it in code).</summary>
    protected AvroKafkaFixture(KafkaBackend backend)
        : base(backend)
    {
    }

    /// <summary>The schema registry's URL.</summary>
    public string SchemaRegistryUrl { get; private set; } = string.Empty;

    /// <summary>A registry client config for this class's registry (for Confluent's Avro serializers and deserializers).</summary>
    public SchemaRegistryConfig SchemaRegistryConfig() => new() { Url = SchemaRegistryUrl };

    /// <inheritdoc />
    /// <remarks>Adds <c>{section}:SchemaRegistryUrl</c>.</remarks>
    public override IReadOnlyDictionary<string, string?> ConfigurationValues(string section = "Kafka") =>
        new Dictionary<string, string?>(base.ConfigurationValues(section), StringComparer.OrdinalIgnoreCase) { [$"{section}:SchemaRegistryUrl"] = SchemaRegistryUrl };

    /// <summary>How values are written: subject names, Avro keys, .avsc files (default: derived schemas, topic subjects, text keys).</summary>
    protected virtual AvroFormatOptions AvroOptions => new();

    /// <inheritdoc />
    protected override KafkaValueFormat ValueFormat => _format ??= new AvroValueFormat(SchemaRegistryUrl, AvroOptions);

    /// <inheritdoc />
    public override string Backend => $"{base.Backend} with Avro values ({_registry})";

    private INetwork Network => Networks.GetOrAdd(GetType(), _ => new(KafkaNetwork.Create)).Value;

    /// <inheritdoc />
    protected override KafkaBuilder ConfigureContainer(KafkaBuilder builder) =>
        base.ConfigureContainer(builder).WithNetwork(Network).WithListener($"{BrokerAlias}:19092");

    /// <inheritdoc />
    protected override async Task<string?> StartAsync(CancellationToken cancellationToken)
    {
        if (await base.StartAsync(cancellationToken).ConfigureAwait(false) is { } unavailable)
        {
            return unavailable;
        }

        (SchemaRegistryUrl, _registry) = await Registries.GetOrAdd(GetType(), _ => new(() => StartRegistryAsync(cancellationToken))).Value.ConfigureAwait(false);
        return null;
    }

    /// <inheritdoc />
    protected override async Task StopAsync()
    {
        _format?.Dispose();
        _format = null;
        await base.StopAsync().ConfigureAwait(false);
    }

    private async Task<(string Url, string Description)> StartRegistryAsync(CancellationToken cancellationToken)
    {
        if (DataGenContainers.Variable("DATAGEN_SCHEMA_REGISTRY_URL") is { } external)
        {
            return (external, "schema registry from DATAGEN_SCHEMA_REGISTRY_URL");
        }

        if (IsEmbedded || DataGenContainers.Variable("DATAGEN_KAFKA_BOOTSTRAP") is not null || DataGenContainers.Variable("DATAGEN_SCHEMA_REGISTRY") == "embedded")
        {
            return (Embedded(), "embedded schema registry");
        }

        var image = DataGenContainers.Image("DATAGEN_SCHEMA_REGISTRY_IMAGE", DefaultRegistryImage);
        string why;
        try
        {
            var url = await StartRegistryContainerAsync(image, cancellationToken).ConfigureAwait(false);
            return (url, $"schema registry container {image}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            why = e.GetBaseException().Message.Split('\n')[0].Trim();
        }

        // The broker runs; only the registry image could not: the embedded registry serves the same REST API, and the
        // backend description says so (set DATAGEN_SCHEMA_REGISTRY_URL to use a registry of your own).
        return (Embedded(), $"embedded schema registry: the container {image} did not start: {why}");
    }

    private static string Embedded()
    {
        var registry = EmbeddedSchemaRegistry.Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => registry.Dispose();
        return registry.Url;
    }

    private async Task<string> StartRegistryContainerAsync(string image, CancellationToken cancellationToken)
    {
        var (container, unavailable) = await DataGenContainers.StartAsync<IContainer>(
            () => new ContainerBuilder(image)
                .WithLabel(DataGenContainers.Labels)
                .WithNetwork(Network)
                .WithEnvironment("SCHEMA_REGISTRY_HOST_NAME", "datagen-schema-registry")
                .WithEnvironment("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                .WithEnvironment("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", $"PLAINTEXT://{BrokerAlias}:19092")
                .WithPortBinding(8081, assignRandomHostPort: true)
                .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPath("/subjects").ForPort(8081)))
                .Build(),
            $"schema registry container {image}",
            cancellationToken).ConfigureAwait(false);
        return container is null
            ? throw new InvalidOperationException(unavailable)
            : $"http://{container.Hostname}:{container.GetMappedPublicPort(8081)}";
    }
}
