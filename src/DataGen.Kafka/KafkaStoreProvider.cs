using System.Globalization;
using DataGen.Outputs;
using DataGen.Stores;

namespace DataGen.Kafka;

/// <summary>
/// The <c>kafka</c> store kind: <c>bootstrapServers</c>, and optionally <c>partitions</c> (default 3), <c>keyField</c>,
/// <c>timestampField</c>, <c>headerFields</c> (comma-separated) and <c>valueFormat</c> (<c>json</c>, or a format
/// registered with <see cref="WithValueFormat"/>, which adds its own settings).
/// </summary>
public sealed class KafkaStoreProvider : StoreProvider
{
    private static readonly Dictionary<string, string> CommonSettings = new()
    {
        ["bootstrapServers"] = "Kafka bootstrap servers (host:port, comma-separated).",
        ["partitions"] = "Partitions of topics DataGen creates (default 3).",
        ["keyField"] = "The field that keys messages (default: a simulation's subject, an event flow's profile, a journey; else the model key; none: no key).",
        ["timestampField"] = "A date-time field used as the message timestamp (default: the simulated time of events; none: the producer's clock).",
        ["headerFields"] = "Comma-separated fields whose values are also sent as message headers named like the field.",
        ["valueFormat"] = "How values are written: json (default) or a registered format such as avro.",
    };

    private readonly IReadOnlyDictionary<string, Func<Datastore, KafkaValueFormat>> _formats;

    private KafkaStoreProvider(IReadOnlyDictionary<string, Func<Datastore, KafkaValueFormat>> formats, IReadOnlyDictionary<string, string> settings)
    {
        _formats = formats;
        Settings = settings;
    }

    /// <summary>The provider, with JSON values only.</summary>
    public static KafkaStoreProvider Instance { get; } = new(new Dictionary<string, Func<Datastore, KafkaValueFormat>>(StringComparer.OrdinalIgnoreCase) { ["json"] = _ => KafkaValueFormat.Json }, CommonSettings);

    /// <inheritdoc />
    public override string Kind => "kafka";

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> Settings { get; }

    /// <inheritdoc />
    protected override IReadOnlyList<string> RequiredSettings { get; } = ["bootstrapServers"];

    /// <summary>
    /// A provider that also understands <c>valueFormat: <paramref name="name"/></c>, made from a datastore's settings
    /// by <paramref name="create"/> (which throws an <see cref="ArgumentException"/> naming a bad setting).
    /// </summary>
    /// <param name="name">The format's name in manifests (<c>avro</c>).</param>
    /// <param name="create">Makes the format for a datastore.</param>
    /// <param name="settings">The settings the format adds, with a one-line description each.</param>
    public KafkaStoreProvider WithValueFormat(string name, Func<Datastore, KafkaValueFormat> create, IReadOnlyDictionary<string, string> settings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(settings);
        var formats = new Dictionary<string, Func<Datastore, KafkaValueFormat>>(_formats, StringComparer.OrdinalIgnoreCase) { [name] = create };
        var all = new Dictionary<string, string>(Settings);
        foreach (var (key, description) in settings)
        {
            all[key] = $"({name}) {description}";
        }

        return new KafkaStoreProvider(formats, all);
    }

    /// <inheritdoc />
    public override IEnumerable<string> Validate(Datastore store)
    {
        var problems = base.Validate(store).ToList();
        if (!TryPartitions(store, out _))
        {
            problems.Add(PartitionsError(store));
        }

        var format = store.Get("valueFormat") ?? "json";
        if (_formats.TryGetValue(format, out var create))
        {
            try
            {
                // Made once to check its settings (formats connect nowhere until a model is written).
                (create(store) as IDisposable)?.Dispose();
            }
            catch (ArgumentException e)
            {
                problems.Add(e.Message);
            }
        }
        else
        {
            problems.Add($"datastore '{store.Name}': valueFormat '{format}' is not known; known: {string.Join(", ", _formats.Keys.Order(StringComparer.Ordinal))}{(format.Equals("avro", StringComparison.OrdinalIgnoreCase) ? " (avro comes with the DataGen.Kafka.Avro package)" : string.Empty)}");
        }

        return problems;
    }

    /// <inheritdoc />
    public override IDataOutput CreateOutput(Datastore store, StoreLoadOptions options) =>
        KafkaOutput.Create(Required(store, "bootstrapServers"), OptionsFor(store), options, store.Name);

    /// <summary>The output options a datastore's settings ask for: partitions, keyField, timestampField, headerFields, valueFormat.</summary>
    /// <exception cref="ArgumentException">A setting is not valid (the message names the datastore and the setting).</exception>
    public KafkaOutputOptions OptionsFor(Datastore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var format = store.Get("valueFormat") ?? "json";
        return new()
        {
            Partitions = TryPartitions(store, out var partitions) ? partitions : throw new ArgumentException(PartitionsError(store)),
            KeyField = store.Get("keyField"),
            TimestampField = store.Get("timestampField"),
            HeaderFields = store.Get("headerFields")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [],
            ValueFormat = _formats.TryGetValue(format, out var create) ? create(store) : throw new ArgumentException($"datastore '{store.Name}': valueFormat '{format}' is not known"),
        };
    }

    private static bool TryPartitions(Datastore store, out int partitions) =>
        int.TryParse(store.Get("partitions") ?? "3", NumberStyles.None, CultureInfo.InvariantCulture, out partitions) && partitions > 0;

    private static string PartitionsError(Datastore store) => $"datastore '{store.Name}': partitions must be a whole number ≥ 1";
}
