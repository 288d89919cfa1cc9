using System.Collections.Concurrent;
using Confluent.Kafka;

namespace DataGen.Xunit;

/// <summary>
/// A test class's topic names and consumer groups: the manifest's targets behind a prefix of the class's own and a
/// generation (a test that wrote gets the data again under the next generation), or the targets as they are
/// (<c>UnprefixedTopics</c>: the class has a cluster of its own). Tells whether a test wrote into the seeded topics by
/// their high watermarks.
/// </summary>
internal sealed class KafkaTopics
{
    /// <summary>Partitions of a topic whose datastore does not say.</summary>
    public const int DefaultPartitions = 3;

    private readonly ConcurrentDictionary<string, int> _partitions = new(StringComparer.Ordinal);
    private readonly bool _unprefixed;
    private string _prefix = "dg";
    private int _generation;
    private int _groups;

    /// <summary>Topics for a class; <paramref name="unprefixed"/> keeps the targets' own names.</summary>
    public KafkaTopics(bool unprefixed) => _unprefixed = unprefixed;

    /// <summary>This test's consumer group (new for every test).</summary>
    public string ConsumerGroup { get; private set; } = string.Empty;

    /// <summary>Starts the class's names: <paramref name="prefix"/> (the class's store name) and its first group.</summary>
    public void Start(string prefix)
    {
        _prefix = prefix.Replace('_', '-');
        NextGroup();
    }

    /// <summary>The real topic of target <paramref name="target"/> in the current generation.</summary>
    public string Of(string target) => _unprefixed ? target : $"{_prefix}.{_generation}.{target}";

    /// <summary>The real topic of <paramref name="target"/>, remembering how many partitions its datastore gives it.</summary>
    public string Written(string target, int partitions)
    {
        var topic = Of(target);
        _partitions[topic] = partitions;
        return topic;
    }

    /// <summary>A new consumer group for the next test.</summary>
    public void NextGroup() => ConsumerGroup = $"{_prefix}-group-{Interlocked.Increment(ref _groups)}";

    /// <summary>Moves to the next generation of topic names (the seeded ones were written to).</summary>
    public void NextGeneration() => _generation++;

    /// <summary>The messages in <paramref name="targets"/>' topics now, by their high watermarks on <paramref name="bootstrapServers"/>.</summary>
    public long Messages(string bootstrapServers, IEnumerable<string> targets)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = ConsumerGroup }).Build();
        long total = 0;
        foreach (var topic in targets.Select(Of))
        {
            for (var p = 0; p < _partitions.GetValueOrDefault(topic, DefaultPartitions); p++)
            {
                total += consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value;
            }
        }

        return total;
    }
}
