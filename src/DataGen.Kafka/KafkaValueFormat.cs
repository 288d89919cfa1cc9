using System.Text;
using DataGen.Outputs;

namespace DataGen.Kafka;

/// <summary>
/// How a <see cref="KafkaOutput"/> turns a model's rows into message keys and values. <see cref="Json"/> is the default;
/// the <c>DataGen.Kafka.Avro</c> package adds Avro with a schema registry. Derive to add another format.
/// </summary>
public abstract class KafkaValueFormat
{
    /// <summary>Values as UTF-8 JSON objects (field order as in the model), keys as UTF-8 text.</summary>
    public static KafkaValueFormat Json { get; } = new JsonFormat();

    /// <summary>The format's name in messages and errors (<c>json</c>, <c>avro</c>).</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Prepares the serializer of one model's messages in one topic, once, before its first message is produced:
    /// derive or load schemas and register them here. An exception fails the model before anything is sent.
    /// </summary>
    public abstract ValueTask<IKafkaMessageSerializer> CreateSerializerAsync(KafkaSerializationContext context, CancellationToken cancellationToken = default);

    /// <summary>Keys as UTF-8 text, values as UTF-8 JSON.</summary>
    private sealed class JsonFormat : KafkaValueFormat
    {
        public override string Name => "json";

        public override ValueTask<IKafkaMessageSerializer> CreateSerializerAsync(KafkaSerializationContext context, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(context);
            return ValueTask.FromResult<IKafkaMessageSerializer>(new Serializer(context.Model));
        }

        private sealed class Serializer(ModelDescriptor model) : IKafkaMessageSerializer
        {
            public byte[] SerializeKey(object key) => TextKeyOf(key);

            public byte[] SerializeValue(object?[] row) => ValueText.RowToJsonUtf8(model, row);
        }
    }

    /// <summary>A key as UTF-8 text (the invariant form DataGen writes everywhere): what formats without their own keys send.</summary>
    protected static byte[] TextKeyOf(object key) => Encoding.UTF8.GetBytes(ValueText.Format(key));
}

/// <summary>What a <see cref="KafkaValueFormat"/> needs to prepare one model's serializer.</summary>
/// <param name="Model">The model (fields, with nested shapes where the manifest declares them).</param>
/// <param name="Topic">The topic the messages go to (after any renaming, e.g. per test class).</param>
/// <param name="KeyField">The field that keys the messages, or null for none.</param>
/// <param name="FirstRows">The model's first rows (at least one unless the model is empty): for shapes the model does not declare.</param>
public sealed record KafkaSerializationContext(ModelDescriptor Model, string Topic, string? KeyField, IReadOnlyList<object?[]> FirstRows);

/// <summary>Serialises one model's messages. Called from one thread at a time; throw a <see cref="FormatException"/> naming the field for a value the format cannot hold.</summary>
public interface IKafkaMessageSerializer
{
    /// <summary>A message key from the key field's value (never null: a null key is sent as no key).</summary>
    byte[] SerializeKey(object key);

    /// <summary>A message value from a row (one value per model field).</summary>
    byte[] SerializeValue(object?[] row);
}
