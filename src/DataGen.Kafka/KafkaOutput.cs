using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using DataGen.Outputs;

namespace DataGen.Kafka;

/// <summary>
/// Produces each model's rows to a topic (default: the model name) as JSON values (or another
/// <see cref="KafkaValueFormat"/>) with an idempotent producer
/// (acks=all). Every delivery report is checked: the run fails, naming the model and the difference, unless
/// the brokers acknowledged every message. Kafka has no transactions here: a failed model may leave messages.
/// </summary>
public sealed partial class KafkaOutput : IDataOutput
{
    /// <summary>librdkafka's mock keeps at most this much per partition and silently drops older batches.</summary>
    internal const long EmbeddedPartitionCap = 5L * 1024 * 1024;

    private readonly string _bootstrapServers;
    private readonly KafkaOutputOptions _kafka;
    private readonly StoreLoadOptions _options;
    private readonly string _storeName;
    private IProducer<byte[]?, byte[]>? _producer;
    private IAdminClient? _admin;
    private Task<IConsumer<Ignore, Ignore>>? _watermarks;

    private KafkaOutput(string bootstrapServers, KafkaOutputOptions kafka, StoreLoadOptions options, string storeName)
    {
        _bootstrapServers = bootstrapServers;
        _kafka = kafka;
        _options = options;
        _storeName = storeName;
    }

    /// <summary>Creates an output for a cluster.</summary>
    public static KafkaOutput Create(string bootstrapServers, KafkaOutputOptions? kafka = null, StoreLoadOptions? options = null, string storeName = "kafka")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        kafka ??= new KafkaOutputOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(kafka.Partitions, 1);
        return new KafkaOutput(bootstrapServers, kafka, options ?? new StoreLoadOptions(), storeName);
    }

    /// <inheritdoc />
    public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var keyField = Setting(_kafka.KeyField) ?? (_kafka.KeyField is null ? model.OrderKey ?? model.Key : null);
        var keyIndex = FieldIndex(model, keyField, "key");
        var timestampIndex = FieldIndex(model, Setting(_kafka.TimestampField) ?? (_kafka.TimestampField is null ? model.TimeField : null), "timestamp");
        var headers = _kafka.HeaderFields.Select(field => (Name: field, Index: FieldIndex(model, field, "header"))).ToArray();

        // Client handles (~100 ms each), metadata and the topic are prepared in the background while the first rows
        // are generated; the first write waits for them, so a conflict still fails before anything is sent.
        _watermarks ??= Task.Run(CreateWatermarkConsumer, CancellationToken.None);
        var ready = Task.Run(() => PrepareAsync(model, cancellationToken), cancellationToken);
        return ValueTask.FromResult<IModelWriter>(new Writer(this, ready, model, keyIndex, timestampIndex, headers, keyField));
    }

    private async Task<IProducer<byte[]?, byte[]>> PrepareAsync(ModelDescriptor model, CancellationToken cancellationToken)
    {
        // One client handle for the whole run: admin calls share the producer's.
        _producer ??= new ProducerBuilder<byte[]?, byte[]>(ProducerSettings(_bootstrapServers)).SetLogHandler((_, _) => { }).Build();
        _admin ??= new DependentAdminClientBuilder(_producer.Handle).Build();
        await PrepareTopicAsync(_admin, model, cancellationToken).ConfigureAwait(false);
        return _producer;
    }

    /// <summary>The producer's settings (the store benchmark's raw baseline uses the same).</summary>
    internal static ProducerConfig ProducerSettings(string bootstrapServers) =>
        new()
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
            MessageTimeoutMs = 60_000,
            SocketTimeoutMs = 5000,
            LogConnectionClose = false,

            // Delivery reports are checked by status and counted by partition. Without key and value in them, a
            // message's bytes are garbage once the client has copied them, instead of surviving (and being copied by
            // the garbage collector) until the broker acknowledges; without headers and timestamp, the client's poll
            // thread allocates nothing per report.
            DeliveryReportFields = "status",
        };

    private IConsumer<Ignore, Ignore> CreateWatermarkConsumer() =>
        new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = _bootstrapServers,
            GroupId = "datagen-watermarks",
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();

    /// <inheritdoc />
    public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_watermarks is { } watermarks)
        {
            try
            {
                (await watermarks.ConfigureAwait(false)).Dispose();
            }
            catch (KafkaException)
            {
                // It never connected: nothing to release.
            }
        }

        _watermarks = null;
        _admin?.Dispose();
        _admin = null;
        _producer?.Dispose();
        _producer = null;
    }

    /// <summary>A key or timestamp field setting: null when unset or <see cref="KafkaOutputOptions.None"/>.</summary>
    private static string? Setting(string? field) => field is null || field.Equals(KafkaOutputOptions.None, StringComparison.OrdinalIgnoreCase) ? null : field;

    private static int FieldIndex(ModelDescriptor model, string? field, string role)
    {
        if (field is null)
        {
            return -1;
        }

        var index = model.Fields.ToList().FindIndex(f => f.Name == field);
        return index >= 0 ? index : throw new GenerationException($"the {role} field '{field}' is not a field of the model", model.Name);
    }

    /// <summary>Metadata within 5 s (so a dead cluster fails fast), the conflict check, then topic creation.</summary>
    private async Task PrepareTopicAsync(IAdminClient admin, ModelDescriptor model, CancellationToken cancellationToken)
    {
        Metadata metadata;
        try
        {
            // All topics: a metadata request naming an unknown topic would auto-create it on some clusters.
            metadata = admin.GetMetadata(TimeSpan.FromSeconds(5));
        }
        catch (KafkaException e)
        {
            throw new GenerationException($"kafka '{_storeName}': cannot reach {KafkaBootstrap.Redact(_bootstrapServers)}: {KafkaBootstrap.Redact(e.Error.Reason)}", model.Name, null, null, e);
        }

        var existing = metadata.Topics.FirstOrDefault(t => t.Topic == model.Target && t.Error.Code == ErrorCode.NoError);
        if (model.Mode == LoadMode.Truncate)
        {
            throw new GenerationException($"kafka '{_storeName}': topic '{model.Target}': Kafka cannot empty a topic in place (mode 'truncate'); use mode 'append' (add to it) or 'replace' (delete and create it)", model.Name);
        }

        if (_options.Shard is not null || model.Mode == LoadMode.Append)
        {
            // One of several workers, or a stream added to a topic: the topic may hold messages already. What it holds
            // now per partition is the base this run's messages are counted on.
            _heldBefore[model.Target] = existing is null
                ? new Dictionary<int, long>()
                : existing.Partitions.Select(p => p.PartitionId).ToDictionary(p => p, p => CountMessages(model.Target, [p]));
        }
        else if (existing is not null)
        {
            var messages = CountMessages(model.Target, existing.Partitions.Select(p => p.PartitionId));
            if (messages > 0)
            {
                if (!_options.DropConflicting && model.Mode != LoadMode.Replace)
                {
                    throw new StoreConflictException($"kafka '{_storeName}'", model.Target, messages);
                }

                if (_kafka.Embedded is not null)
                {
                    throw new GenerationException($"kafka '{_storeName}': topic '{model.Target}' holds {messages} messages and the embedded cluster cannot delete topics", model.Name);
                }

                await admin.DeleteTopicsAsync([model.Target]).ConfigureAwait(false);
                _options.Warning?.Invoke($"kafka '{_storeName}': deleted topic '{model.Target}' ({messages} messages) to load model '{model.Name}'");
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                existing = null;
            }
        }

        if (existing is null)
        {
            if (_kafka.Embedded is { } embedded)
            {
                embedded.CreateTopic(model.Target, _kafka.Partitions);
            }
            else
            {
                try
                {
                    await admin.CreateTopicsAsync([new TopicSpecification { Name = model.Target, NumPartitions = _kafka.Partitions, ReplicationFactor = -1 }]).ConfigureAwait(false);
                }
                catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code == ErrorCode.TopicAlreadyExists))
                {
                    // Created concurrently (another run, or another worker of a sharded one): fine.
                }
            }
        }
    }

    /// <summary>Messages in a topic (high − low watermark over its partitions).</summary>
    internal long CountMessages(string topic, IEnumerable<int> partitions)
    {
        // Never joins a group: watermark queries only.
        var consumer = (_watermarks ??= Task.Run(CreateWatermarkConsumer)).GetAwaiter().GetResult();
        // One round trip per partition: run them together.
        return partitions.AsParallel().WithDegreeOfParallelism(8).Sum(p =>
        {
            var w = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(5));
            return w.High.Value - w.Low.Value;
        });
    }

    /// <summary>In a sharded run: what each topic held per partition before this slice (other workers' messages).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Dictionary<int, long>> _heldBefore = new(StringComparer.Ordinal);
}
