namespace DataGen.Kafka;

/// <summary>Kafka-specific settings of a <see cref="KafkaOutput"/>.</summary>
public sealed record KafkaOutputOptions
{
    /// <summary>Partitions of each created topic (default 3).</summary>
    public int Partitions { get; init; } = 3;

    /// <summary>The setting value that turns keys or record timestamps off: <c>none</c>.</summary>
    public const string None = "none";

    /// <summary>
    /// The field whose value keys each message. Default (null): the model's order key (a simulation's <c>subject</c>,
    /// an event flow's <c>profile</c>, a journey's <c>journey</c>: one subject's messages in one partition, in order),
    /// else the model's key. <see cref="None"/>: no key (messages spread over partitions).
    /// </summary>
    public string? KeyField { get; init; }

    /// <summary>
    /// A date-time field used as the message timestamp. Default (null): the model's time field (the simulated time
    /// <c>at</c> of simulation, event-flow and journey messages), else none. <see cref="None"/>: the producer's clock.
    /// </summary>
    public string? TimestampField { get; init; }

    /// <summary>
    /// Fields whose values also travel as message headers, named like the field (UTF-8 text; a null value is left
    /// out). Every message also carries <c>datagen-model</c>, the model's name.
    /// </summary>
    public IReadOnlyList<string> HeaderFields { get; init; } = [];

    /// <summary>How rows become message keys and values (default <see cref="KafkaValueFormat.Json"/>).</summary>
    public KafkaValueFormat ValueFormat { get; init; } = KafkaValueFormat.Json;

    /// <summary>Create topics through this embedded cluster instead of the admin API.</summary>
    public EmbeddedKafkaCluster? Embedded { get; init; }
}
