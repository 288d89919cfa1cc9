using System.Collections.Concurrent;
using DataGen.Kafka;
using Testcontainers.Kafka;

namespace DataGen.Xunit;

/// <summary>
/// The broker every <see cref="KafkaFixture"/> of one type and backend shares, started once on first use: the one in
/// <c>DATAGEN_KAFKA_BOOTSTRAP</c>, else a container, else (when the backend allows it) the embedded cluster. Kafka has no
/// databases to create per class (a class gets a topic prefix instead), so this is Kafka's counterpart of
/// <see cref="DataGenContainers.StartServerAsync{TContainer}"/>, not a use of the server fixture base.
/// </summary>
/// <param name="Bootstrap">The bootstrap servers; null when unavailable.</param>
/// <param name="Embedded">The embedded cluster, when that is the broker.</param>
/// <param name="Backend">What the broker is, for messages.</param>
/// <param name="Unavailable">Why there is no broker (the tests skip), or null.</param>
internal sealed record KafkaBroker(string? Bootstrap, EmbeddedKafkaCluster? Embedded, string Backend, string? Unavailable)
{
    private static readonly ConcurrentDictionary<(Type, KafkaBackend), Lazy<Task<KafkaBroker>>> Brokers = new();

    /// <summary>The broker of fixture type <paramref name="fixture"/> and <paramref name="backend"/>: started by the first caller.</summary>
    /// <param name="fixture">The fixture type (a subclass that configures its container differently gets its own broker).</param>
    /// <param name="backend">The backend the fixture asks for.</param>
    /// <param name="configure">The fixture's <c>ConfigureContainer</c> hook.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static Task<KafkaBroker> SharedAsync(Type fixture, KafkaBackend backend, Func<KafkaBuilder, KafkaBuilder> configure, CancellationToken cancellationToken) =>
        Brokers.GetOrAdd((fixture, backend), key => new(() => StartAsync(key.Item2, configure, cancellationToken))).Value;

    /// <summary>A cluster of a class's own (for manifest topic names that must not meet another class's).</summary>
    public static KafkaBroker Own()
    {
        var cluster = EmbeddedKafkaCluster.Start();
        return new(cluster.BootstrapServers, cluster, "embedded Kafka (librdkafka mock cluster, 3 brokers, this class's own)", null);
    }

    private static async Task<KafkaBroker> StartAsync(KafkaBackend backend, Func<KafkaBuilder, KafkaBuilder> configure, CancellationToken cancellationToken)
    {
        if (DataGenContainers.Variable("DATAGEN_KAFKA_BOOTSTRAP") is { } external)
        {
            return new(external, null, $"Kafka at {KafkaBootstrap.Redact(external)} (DATAGEN_KAFKA_BOOTSTRAP)", null);
        }

        var image = DataGenContainers.Image("DATAGEN_KAFKA_IMAGE", KafkaFixture.DefaultImage);
        var why = backend == KafkaBackend.Embedded ? "embedded requested" : DataGenContainers.WhyUnavailable(image);
        if (why is not null && backend != KafkaBackend.Container)
        {
            var cluster = EmbeddedKafkaCluster.Start();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Dispose();
            return new(cluster.BootstrapServers, cluster, "embedded Kafka (librdkafka mock cluster, 3 brokers)", null);
        }

        var description = $"Kafka container {image}";
        if (why is not null)
        {
            return new(null, null, description, why + "; or allow the embedded cluster with DATAGEN_KAFKA=auto (or embedded), or set DATAGEN_KAFKA_BOOTSTRAP to a broker");
        }

        // Owner-labelled (a later run removes it if this process is killed), or reused as DATAGEN_REUSE says.
        var (container, unavailable) = await DataGenContainers.StartAsync(
            () => configure(new KafkaBuilder(image).WithReuse(DataGenContainers.Reuse).WithLabel(DataGenContainers.Labels)).Build(),
            description,
            cancellationToken).ConfigureAwait(false);
        return new(container?.GetBootstrapAddress(), null, description, unavailable);
    }
}
