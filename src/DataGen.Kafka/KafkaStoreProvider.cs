using System.Globalization;
using DataGen.Outputs;
using DataGen.Stores;

namespace DataGen.Kafka;

/// <summary>
/// The <c>kafka</c> store kind: <c>bootstrapServers</c>, and optionally <c>partitions</c> (default 3), <c>keyField</c>,
/// <c>timestampField</c> and <c>headerFields</c> (comma-separated).
/// </summary>
public sealed class KafkaStoreProvider : StoreProvider
{
    private KafkaStoreProvider()
    {
    }

    /// <summary>The provider.</summary>
    public static KafkaStoreProvider Instance { get; } = new();

    /// <inheritdoc />
    public override string Kind => "kafka";

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["bootstrapServers"] = "Kafka bootstrap servers (host:port, comma-separated).",
        ["partitions"] = "Partitions of topics DataGen creates (default 3).",
        ["keyField"] = "The field that keys messages (default: the model key).",
        ["timestampField"] = "A date-time field used as the message timestamp.",
        ["headerFields"] = "Comma-separated fields whose values are also sent as message headers named like the field.",
    };

    /// <inheritdoc />
    protected override IReadOnlyList<string> RequiredSettings { get; } = ["bootstrapServers"];

    /// <inheritdoc />
    public override IEnumerable<string> Validate(Datastore store)
    {
        var problems = base.Validate(store);
        return TryPartitions(store, out _) ? problems : problems.Append(PartitionsError(store));
    }

    /// <inheritdoc />
    public override IDataOutput CreateOutput(Datastore store, StoreLoadOptions options) =>
        KafkaOutput.Create(Required(store, "bootstrapServers"), OptionsFor(store), options, store.Name);

    /// <summary>The output options a datastore's settings ask for: partitions, keyField, timestampField, headerFields.</summary>
    internal static KafkaOutputOptions OptionsFor(Datastore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return new()
        {
            Partitions = TryPartitions(store, out var partitions) ? partitions : throw new ArgumentException(PartitionsError(store)),
            KeyField = store.Get("keyField"),
            TimestampField = store.Get("timestampField"),
            HeaderFields = store.Get("headerFields")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [],
        };
    }

    private static bool TryPartitions(Datastore store, out int partitions) =>
        int.TryParse(store.Get("partitions") ?? "3", NumberStyles.None, CultureInfo.InvariantCulture, out partitions) && partitions > 0;

    private static string PartitionsError(Datastore store) => $"datastore '{store.Name}': partitions must be a whole number ≥ 1";
}
