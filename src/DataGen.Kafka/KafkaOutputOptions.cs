namespace DataGen.Kafka;

/// <summary>Kafka-specific settings of a <see cref="KafkaOutput"/>.</summary>
public sealed record KafkaOutputOptions
{
    /// <summary>Partitions of each created topic (default 3).</summary>
    public int Partitions { get; init; } = 3;

    /// <summary>The field whose value keys each message (default: the model's key; none: no key).</summary>
    public string? KeyField { get; init; }

    /// <summary>A date-time field used as the message timestamp (default: none, the producer's time).</summary>
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
