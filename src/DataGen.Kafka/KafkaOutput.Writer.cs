using System.Text;
using System.Threading.Channels;
using Confluent.Kafka;
using DataGen.Outputs;

namespace DataGen.Kafka;

// One model's writer: serialises batches, hands them to the producer on one thread, checks every delivery report and
// what the topic holds afterwards.
public sealed partial class KafkaOutput
{
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
