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
public sealed class KafkaOutput : IDataOutput
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

    private sealed class Writer : IModelWriter
    {
        private readonly KafkaOutput _owner;
        private readonly Task<IProducer<byte[]?, byte[]>> _ready;
        private readonly ModelDescriptor _model;
        private readonly int _keyIndex;
        private readonly int _timestampIndex;
        private readonly (string Name, int Index)[] _headerFields;
        private readonly Action<DeliveryReport<byte[]?, byte[]>> _onDelivery;
        private readonly Dictionary<int, long> _deliveredPerPartition = [];
        private readonly Header _modelHeader;
        private readonly string? _keyField;
        private IKafkaMessageSerializer? _serializer;

        // Serialised batches wait here for the one thread that hands them to the client: producing is serial and
        // the costliest step, so serialising the next batch (and generating the ones after it) overlaps with it.
        private readonly Channel<Message<byte[]?, byte[]>[]> _pending = Channel.CreateBounded<Message<byte[]?, byte[]>[]>(
            new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        private readonly CancellationTokenSource _stop = new();
        private Task? _pump;
        private long _sent;
        private long _bytes;
        private long _delivered;
        private Error? _firstError;

        public Writer(KafkaOutput owner, Task<IProducer<byte[]?, byte[]>> ready, ModelDescriptor model, int keyIndex, int timestampIndex, (string Name, int Index)[] headerFields, string? keyField)
        {
            _keyField = keyField;
            _owner = owner;
            _ready = ready;
            _model = model;
            _keyIndex = keyIndex;
            _timestampIndex = timestampIndex;
            _headerFields = headerFields;
            _modelHeader = new Header("datagen-model", Encoding.UTF8.GetBytes(model.Name));
            _onDelivery = report =>
            {
                lock (_deliveredPerPartition)
                {
                    if (report.Error.IsError)
                    {
                        _firstError ??= report.Error;
                        return;
                    }

                    _delivered++;
                    _deliveredPerPartition[report.Partition.Value] = _deliveredPerPartition.GetValueOrDefault(report.Partition.Value) + 1;
                }
            };
        }

        public async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
        {
            var producer = await _ready.ConfigureAwait(false);
            var serializer = _serializer ??= await CreateSerializerAsync(batch, cancellationToken).ConfigureAwait(false);
            _pump ??= Task.Factory.StartNew(() => Pump(producer), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            var messages = new Message<byte[]?, byte[]>[batch.Rows.Count];
            for (var r = 0; r < messages.Length; r++)
            {
                var row = batch.Rows[r];
                Message<byte[]?, byte[]> message;
                try
                {
                    message = new Message<byte[]?, byte[]>
                    {
                        Key = _keyIndex >= 0 && row[_keyIndex] is { } key ? serializer.SerializeKey(key) : null,
                        Value = serializer.SerializeValue(row),
                        Headers = [_modelHeader],
                    };
                }
                catch (FormatException e)
                {
                    throw new GenerationException($"kafka '{_owner._storeName}': topic '{_model.Target}': {e.Message}", _model.Name, null, batch.FirstRow + r, e);
                }

                foreach (var (name, index) in _headerFields)
                {
                    if (row[index] is { } value)
                    {
                        message.Headers.Add(name, Encoding.UTF8.GetBytes(ValueText.Format(value)));
                    }
                }

                if (_timestampIndex >= 0 && row[_timestampIndex] is DateTime at)
                {
                    message.Timestamp = new Timestamp(DateTime.SpecifyKind(at, DateTimeKind.Utc));
                }

                messages[r] = message;
                _bytes += message.Value.Length + (message.Key?.Length ?? 0);
            }

            try
            {
                await _pending.Writer.WriteAsync(messages, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                // The pump stopped on an error: report that error, not the closed channel.
                await _pump.ConfigureAwait(false);
                throw;
            }
        }

        private async Task<IKafkaMessageSerializer> CreateSerializerAsync(RowBatch first, CancellationToken cancellationToken)
        {
            var format = _owner._kafka.ValueFormat;
            try
            {
                return await format.CreateSerializerAsync(new KafkaSerializationContext(_model, _model.Target, _keyIndex >= 0 ? _keyField : null, first.Rows), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not GenerationException and not OperationCanceledException)
            {
                throw new GenerationException($"kafka '{_owner._storeName}': topic '{_model.Target}': preparing {format.Name} values failed: {e.Message}", _model.Name, null, null, e);
            }
        }

        private void Pump(IProducer<byte[]?, byte[]> producer)
        {
            try
            {
                var reader = _pending.Reader;
                while (reader.WaitToReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult())
                {
                    while (reader.TryRead(out var messages))
                    {
                        foreach (var message in messages)
                        {
                            Produce(producer, message);
                            _sent++;
                        }
                    }
                }
            }
            catch (Exception e)
            {
                _pending.Writer.TryComplete(e);
                throw;
            }
        }

        /// <summary>Hands one message to the client, waiting while its queue is full.</summary>
        private void Produce(IProducer<byte[]?, byte[]> producer, Message<byte[]?, byte[]> message)
        {
            while (true)
            {
                _stop.Token.ThrowIfCancellationRequested();
                try
                {
                    producer.Produce(_model.Target, message, _onDelivery);
                    return;
                }
                catch (ProduceException<byte[]?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
                catch (ProduceException<byte[]?, byte[]> e)
                {
                    throw new GenerationException(
                        $"kafka '{_owner._storeName}': topic '{_model.Target}' refused the message ({message.Value.Length} bytes): {e.Error.Reason}; {_sent} sent before it",
                        _model.Name,
                        null,
                        _sent,
                        e);
                }
            }
        }

        public async ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default)
        {
            var producer = await _ready.ConfigureAwait(false);
            _pending.Writer.TryComplete();
            if (_pump is { } pump)
            {
                await pump.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            await Task.Run(() => producer.Flush(cancellationToken), cancellationToken).ConfigureAwait(false);
            lock (_deliveredPerPartition)
            {
                if (_firstError is { } error || _delivered != _sent)
                {
                    throw new GenerationException(
                        $"kafka '{_owner._storeName}': topic '{_model.Target}' acknowledged {_delivered} of {_sent} messages (difference {_sent - _delivered}){(_firstError is { } e ? $"; first error: {e.Reason}" : string.Empty)}",
                        _model.Name);
                }
            }

            // Acknowledged is not retained: count what the topic holds (it was empty before this model; in a sharded run,
            // what it gained at least, other workers adding theirs meanwhile).
            var held = _owner.CountMessages(_model.Target, _deliveredPerPartition.Keys);
            if (_owner._heldBefore.TryGetValue(_model.Target, out var before))
            {
                var gained = held - _deliveredPerPartition.Keys.Sum(p => before.GetValueOrDefault(p));
                if (gained >= _delivered)
                {
                    return _delivered;
                }

                held = gained;
            }

            if (held != _delivered)
            {
                // Messages of one model are alike in size: a partition's share of the bytes follows its share of the messages.
                var largest = _deliveredPerPartition.MaxBy(p => p.Value);
                var bytes = _delivered == 0 ? 0 : _bytes * largest.Value / _delivered;
                var hint = _owner._kafka.Embedded is not null && bytes > EmbeddedPartitionCap / 2
                    ? $"; partition {largest.Key} received about {bytes / 1048576.0:F1} MiB and the embedded cluster keeps at most 5 MiB per partition, dropping older messages: use more partitions"
                    : string.Empty;
                throw new GenerationException($"kafka '{_owner._storeName}': topic '{_model.Target}' holds {held} of {_delivered} acknowledged messages (difference {_delivered - held}){hint}", _model.Name);
            }

            return _delivered;
        }

        public async ValueTask DisposeAsync()
        {
            // A failed or cancelled run: stop handing messages to the client, and observe every background task.
            _pending.Writer.TryComplete();
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                if (_pump is { } pump)
                {
                    await pump.ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is KafkaException or GenerationException or OperationCanceledException)
            {
                // Already reported by the write or completion that met it.
            }

            try
            {
                await _ready.ConfigureAwait(false);
            }
            catch (Exception e) when (e is KafkaException or GenerationException or StoreConflictException or OperationCanceledException)
            {
            }

            _stop.Dispose();
        }
    }
}
