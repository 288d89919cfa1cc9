using System.Globalization;
using Confluent.SchemaRegistry;

namespace DataGen.Kafka.Avro;

/// <summary>Adds <c>valueFormat: avro</c> to the <c>kafka</c> store kind.</summary>
public static class KafkaStoreProviderExtensions
{
    private static readonly Dictionary<string, string> AvroSettings = new()
    {
        ["schemaRegistry"] = "Schema registry URL (required with valueFormat: avro).",
        ["subjectNameStrategy"] = "Subject names: topic (default, <topic>-value), record (the record's full name) or topicRecord (<topic>-<record>).",
        ["avroKeys"] = "true: keys as Avro too, under the key subject (default false: keys as text).",
        ["avroSchemas"] = "A directory of <model>.avsc files used instead of the derived schemas.",
        ["avroNamespace"] = "The namespace of derived schemas (default datagen).",
    };

    /// <summary>The provider with <c>valueFormat: avro</c> and its settings (<c>schemaRegistry</c>, <c>subjectNameStrategy</c>, <c>avroKeys</c>, <c>avroSchemas</c>, <c>avroNamespace</c>).</summary>
    public static KafkaStoreProvider WithAvro(this KafkaStoreProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return provider.WithValueFormat("avro", FromDatastore, AvroSettings);
    }

    private static AvroValueFormat FromDatastore(Datastore store)
    {
        var url = store.Get("schemaRegistry") ?? throw new ArgumentException($"datastore '{store.Name}' (kafka) needs 'schemaRegistry' with valueFormat: avro");
        if (!Uri.TryCreate(url.Split(',')[0].Trim(), UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"datastore '{store.Name}': schemaRegistry must be an http(s) URL");
        }

        var strategy = store.Get("subjectNameStrategy") switch
        {
            null => SubjectNameStrategy.Topic,
            var s when s.Equals("topic", StringComparison.OrdinalIgnoreCase) => SubjectNameStrategy.Topic,
            var s when s.Equals("record", StringComparison.OrdinalIgnoreCase) => SubjectNameStrategy.Record,
            var s when s.Equals("topicRecord", StringComparison.OrdinalIgnoreCase) => SubjectNameStrategy.TopicRecord,
            var s => throw new ArgumentException($"datastore '{store.Name}': subjectNameStrategy '{s}' is not one of topic, record, topicRecord"),
        };
        var avroKeys = store.Get("avroKeys") switch
        {
            null => false,
            var s when bool.TryParse(s, out var b) => b,
            var s => throw new ArgumentException($"datastore '{store.Name}': avroKeys must be true or false, found '{s}'"),
        };
        var directory = store.Get("avroSchemas");
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new ArgumentException($"datastore '{store.Name}': avroSchemas directory '{Path.GetFullPath(directory)}' does not exist");
        }

        var ns = store.Get("avroNamespace") ?? "datagen";
        if (!System.Text.RegularExpressions.Regex.IsMatch(ns, "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$"))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"datastore '{store.Name}': avroNamespace '{ns}' is not an Avro namespace (names separated by dots)"));
        }

        return new AvroValueFormat(url, new AvroFormatOptions { SubjectNameStrategy = strategy, AvroKeys = avroKeys, SchemaDirectory = directory, Namespace = ns });
    }
}
