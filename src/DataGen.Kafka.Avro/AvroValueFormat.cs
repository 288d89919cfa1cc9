using System.Text.Json;
using System.Text.Json.Nodes;
using Avro;
using Confluent.SchemaRegistry;
using DataGen.Outputs;
using AvroSchema = Avro.Schema;
using RegistrySchema = Confluent.SchemaRegistry.Schema;

namespace DataGen.Kafka.Avro;

/// <summary>
/// Message values (and optionally keys) as Avro in the Confluent wire format: a magic byte, the schema id from the
/// registry, the Avro binary. Each model's schema is derived from the model (see the package README) unless
/// <see cref="AvroFormatOptions.Schemas"/> or <see cref="AvroFormatOptions.SchemaDirectory"/> gives one, and is
/// registered under the subject <see cref="AvroFormatOptions.SubjectNameStrategy"/> names before the first message;
/// a registry that refuses it (incompatible with the subject's versions) fails the model before anything is sent.
/// </summary>
public sealed class AvroValueFormat : KafkaValueFormat, IDisposable
{
    private readonly ISchemaRegistryClient _registry;
    private readonly bool _ownsRegistry;
    private readonly AvroFormatOptions _options;

    /// <summary>Avro through the registry at <paramref name="schemaRegistryUrl"/> with default options (a client this format owns).</summary>
    public AvroValueFormat(string schemaRegistryUrl)
        : this(schemaRegistryUrl, new AvroFormatOptions())
    {
    }

    /// <summary>Avro through the registry at <paramref name="schemaRegistryUrl"/> (a client this format owns).</summary>
    public AvroValueFormat(string schemaRegistryUrl, AvroFormatOptions options)
        : this(new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = Check(schemaRegistryUrl) }), options) =>
        _ownsRegistry = true;

    /// <summary>Avro through a registry client the caller owns (authentication, TLS and caching as it is configured).</summary>
    public AvroValueFormat(ISchemaRegistryClient registry, AvroFormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public override string Name => "avro";

    private static string Check(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        return url;
    }

    /// <inheritdoc />
    public override async ValueTask<IKafkaMessageSerializer> CreateSerializerAsync(KafkaSerializationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = context.Model;
        var (text, origin) = SchemaText(model, context.FirstRows);
        var schema = Parse(text, origin) as RecordSchema
            ?? throw new FormatException($"{origin}: the schema of a model's values must be an Avro record");
        var write = AvroWriters.ForRow(schema, model);
        var valueId = await RegisterAsync(Subject(context.Topic, schema.Fullname, isKey: false), schema, origin, cancellationToken).ConfigureAwait(false);

        ValueWriter? writeKey = null;
        var keyId = 0;
        if (_options.AvroKeys && context.KeyField is { } keyField)
        {
            var index = model.Fields.ToList().FindIndex(f => f.Name == keyField);
            var keyText = AvroSchemaBuilder.ForKey(model.Fields[index], context.FirstRows.Select(r => r[index])).ToJsonString();
            var keySchema = Parse(keyText, $"the key schema of model '{model.Name}'");
            writeKey = AvroWriters.ForKey(keySchema, keyField);
            keyId = await RegisterAsync(Subject(context.Topic, keySchema.Fullname, isKey: true), keySchema, $"the key schema of model '{model.Name}'", cancellationToken).ConfigureAwait(false);
        }

        return new Serializer(write, valueId, writeKey, keyId);
    }

    /// <summary>The schema a model's values are written with: given in code, an .avsc in the directory, or derived.</summary>
    internal (string Text, string Origin) SchemaText(ModelDescriptor model, IReadOnlyList<object?[]> firstRows)
    {
        if (_options.Schemas.TryGetValue(model.Name, out var given))
        {
            return (given, $"the Avro schema given for model '{model.Name}'");
        }

        if (_options.SchemaDirectory is { } directory && Path.Combine(directory, model.Name + ".avsc") is var file && File.Exists(file))
        {
            return (File.ReadAllText(file), file);
        }

        return (AvroSchemaBuilder.ForModel(model, _options.Namespace, firstRows).ToJsonString(), $"the Avro schema derived from model '{model.Name}'");
    }

    /// <summary>The schema derived from a model (what <see cref="CreateSerializerAsync"/> registers when none is given).</summary>
    public static string DeriveSchema(ModelDescriptor model, string avroNamespace = "datagen")
    {
        ArgumentNullException.ThrowIfNull(model);
        return AvroSchemaBuilder.ForModel(model, avroNamespace, []).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static AvroSchema Parse(string text, string origin)
    {
        try
        {
            return AvroSchema.Parse(text);
        }
        catch (Exception e) when (e is AvroException or Newtonsoft.Json.JsonException)
        {
            throw new FormatException($"{origin}: not a valid Avro schema: {e.Message}", e);
        }
    }

    private string Subject(string topic, string recordName, bool isKey) => _options.SubjectNameStrategy switch
    {
        SubjectNameStrategy.Record => recordName,
        SubjectNameStrategy.TopicRecord => $"{topic}-{recordName}",
        _ => $"{topic}-{(isKey ? "key" : "value")}",
    };

    private async Task<int> RegisterAsync(string subject, AvroSchema schema, string origin, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await _registry.RegisterSchemaAsync(subject, new RegistrySchema(schema.ToString(), SchemaType.Avro), normalize: false).ConfigureAwait(false);
        }
        catch (SchemaRegistryException e)
        {
            throw new FormatException($"{origin}: the schema registry refused it under subject '{subject}' ({(int)e.Status} {e.ErrorCode}): {e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw new FormatException($"{origin}: cannot reach the schema registry to register subject '{subject}': {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsRegistry)
        {
            _registry.Dispose();
        }
    }

    private sealed class Serializer(Action<AvroBuffer, object?[]> write, int valueId, ValueWriter? writeKey, int keyId) : IKafkaMessageSerializer
    {
        private readonly AvroBuffer _buffer = new();

        public byte[] SerializeKey(object key)
        {
            if (writeKey is null)
            {
                return TextKeyOf(key);
            }

            _buffer.Reset();
            _buffer.WriteHeader(keyId);
            writeKey(_buffer, key);
            return _buffer.ToArray();
        }

        public byte[] SerializeValue(object?[] row)
        {
            _buffer.Reset();
            _buffer.WriteHeader(valueId);
            write(_buffer, row);
            return _buffer.ToArray();
        }
    }
}

/// <summary>Settings of an <see cref="AvroValueFormat"/>.</summary>
public sealed record AvroFormatOptions
{
    /// <summary>How subjects are named (default <see cref="SubjectNameStrategy.Topic"/>: <c>&lt;topic&gt;-value</c>, <c>&lt;topic&gt;-key</c>).</summary>
    public SubjectNameStrategy SubjectNameStrategy { get; init; } = SubjectNameStrategy.Topic;

    /// <summary>Keys as Avro too (the key field's type, registered under the key subject); default: keys as UTF-8 text.</summary>
    public bool AvroKeys { get; init; }

    /// <summary>The namespace of derived schemas (default <c>datagen</c>).</summary>
    public string Namespace { get; init; } = "datagen";

    /// <summary>Schemas (Avro JSON) for models by name; a model not named here uses the directory or a derived schema.</summary>
    public IReadOnlyDictionary<string, string> Schemas { get; init; } = new Dictionary<string, string>();

    /// <summary>A directory of <c>&lt;model&gt;.avsc</c> files; a model without one gets a derived schema.</summary>
    public string? SchemaDirectory { get; init; }
}
