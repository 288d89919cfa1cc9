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
