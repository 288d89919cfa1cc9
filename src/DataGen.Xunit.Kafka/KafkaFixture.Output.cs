using DataGen.Kafka;
using DataGen.Outputs;

namespace DataGen.Xunit;

/// <summary>How a <see cref="KafkaFixture"/> writes: the manifest's Kafka datastores, checked against what the fixture can honour.</summary>
public partial class KafkaFixture
{
    /// <inheritdoc />
    /// <exception cref="ManifestException">A Kafka datastore of the manifest asks for what the fixture cannot honour (another value format, a bad setting).</exception>
    protected override IDataOutput CreateOutput()
    {
        var defaults = new KafkaOutputOptions { Partitions = KafkaTopics.DefaultPartitions, Embedded = _embedded, ValueFormat = ValueFormat };
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

            if (Refusal(store) is { } refused)
            {
                errors.Add(new ManifestError(Data ?? "the manifest", 0, 0, refused));
                continue;
            }

            try
            {
                // Where to connect is the fixture's business (bootstrapServers give way); how to write is the manifest's.
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
            Names.Written(m.Target, m.Store is { } name && partitions.TryGetValue(name, out var n) ? n : KafkaTopics.DefaultPartitions));
    }

    /// <summary>Why the fixture cannot write as Kafka datastore <paramref name="store"/> asks (another value format, a setting it would ignore), or null.</summary>
    private string? Refusal(Datastore store)
    {
        var format = store.Get("valueFormat") ?? "json";
        if (!format.Equals(ValueFormat.Name, StringComparison.OrdinalIgnoreCase))
        {
            return $"datastore '{store.Name}': valueFormat '{format}' but {GetType().Name} writes {ValueFormat.Name} (use {(format.Equals("avro", StringComparison.OrdinalIgnoreCase) ? "AvroKafkaFixture" : "KafkaFixture")}, or remove the setting)";
        }

        // Connection settings give way to the fixture's broker and registry; any other setting the fixture cannot
        // honour (an Avro format's own, such as avroKeys) is refused rather than ignored.
        var unknown = store.Settings.Keys.Where(k => k != "schemaRegistry" && !KafkaStoreProvider.Instance.Settings.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        return unknown.Count == 0
            ? null
            : $"datastore '{store.Name}': {string.Join(", ", unknown)} not honoured under {GetType().Name} (it honours {string.Join(", ", KafkaStoreProvider.Instance.Settings.Keys.Where(k => k is not "bootstrapServers" and not "valueFormat"))}; Avro options come from the fixture's AvroOptions)";
    }
}
