using Confluent.Kafka;

namespace DataGen.Xunit;

/// <summary>What a <see cref="KafkaFixture"/> tells the application and consumers under test: real topic names, configuration values, a consumer config.</summary>
public partial class KafkaFixture
{
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
}
