using System.Numerics;
using Avro;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using DataGen.Kafka.Avro;
using DataGen.Outputs;
using Schema = Confluent.SchemaRegistry.Schema;

namespace DataGen.Kafka.Tests;

/// <summary>
/// Avro values through the embedded cluster and the embedded schema registry, read back with Confluent's own
/// <see cref="AvroDeserializer{T}"/> (the standard consumer side): the registry's REST API is exercised by the real
/// registry client, not by DataGen's.
/// </summary>
public sealed class AvroTests : IAsyncDisposable
{
    private readonly EmbeddedKafkaCluster _cluster = EmbeddedKafkaCluster.Start(brokers: 1);
    private readonly EmbeddedSchemaRegistry _registry = EmbeddedSchemaRegistry.Start();
    private readonly CachedSchemaRegistryClient _client;

    public AvroTests() => _client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = _registry.Url });

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _registry.DisposeAsync();
        _cluster.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Manifest Parse(string yaml) => Manifest.Parse(yaml, "test.yaml", new ManifestOptions { Environment = _ => null });

    private const string Everything = """
        seed: 7
        models:
          accounts:
            count: 300
            key: id
            fields:
              id: { type: sequence, start: 1 }
              owner: name.fullName
              balance: { type: decimal, min: -500, max: 5000, scale: 2 }
              rate: random.double
              active: bool
              opened: { type: date, min: 2020-01-01, max: 2024-12-31 }
              updated_at: { type: datetime, min: -30d }
              public_id: uuid
              nickname: { type: lorem.word, nullRate: 0.4 }
              address:
                type: object
                fields:
                  city: address.city
                  zip: { type: mask, mask: "#####" }
              cards:
                type: array
                count: [0, 3]
                items:
                  type: object
                  fields:
                    last4: { type: mask, mask: "####" }
                    limit: { type: int, min: 100, max: 1000 }
              tags: { type: array, count: [1, 2], items: lorem.word }
        """;

    private async Task<GenerationSummary> LoadAsync(string yaml, KafkaValueFormat format, string? keyField = null)
    {
        await using var output = KafkaOutput.Create(_cluster.BootstrapServers, new KafkaOutputOptions { Partitions = 1, Embedded = _cluster, ValueFormat = format, KeyField = keyField });
        return await DataGenerator.GenerateAsync(Parse(yaml), output, cancellationToken: Ct);
    }

    private List<ConsumeResult<TKey, GenericRecord>> ReadAll<TKey>(string topic, long expected, IDeserializer<TKey>? keys = null)
    {
        var builder = new ConsumerBuilder<TKey, GenericRecord>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
        }).SetValueDeserializer(new AvroDeserializer<GenericRecord>(_client).AsSyncOverAsync()).SetLogHandler((_, _) => { });
        if (keys is not null)
        {
            builder.SetKeyDeserializer(keys);
        }

        using var consumer = builder.Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var results = new List<ConsumeResult<TKey, GenericRecord>>();
        var deadline = DateTime.UtcNow.AddSeconds(120); // a bound, not a wait: a loaded CI machine consumes thousands of Avro messages slowly
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
            {
                results.Add(result);
            }
        }

        return results;
    }

    private static async Task<MemoryOutput> RowsOfAsync(string yaml)
    {
        var memory = new MemoryOutput();
        await DataGenerator.GenerateAsync(Parse(yaml), memory, cancellationToken: Ct);
        return memory;
    }

    /// <summary>What the standard deserializer gives, in the CLR form DataGen generated.</summary>
    private static object? Plain(object? value) => value switch
    {
        AvroDecimal d => decimal.Parse(d.ToString(), System.Globalization.CultureInfo.InvariantCulture),
        GenericRecord r => r.Schema.Fields.ToDictionary(f => f.Name, f => Plain(r[f.Name])),
        object[] a => a.Select(Plain).ToArray(),
        System.Collections.IList l => l.Cast<object?>().Select(Plain).ToArray(),
        _ => value,
    };

    private static object? Generated(object? value) => value switch
    {
        DateOnly d => d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        IReadOnlyDictionary<string, object?> o => o.ToDictionary(kv => kv.Key, kv => Generated(kv.Value)),
        object?[] a => a.Select(Generated).ToArray(),
        _ => value,
    };

    [Fact]
    public async Task The_standard_deserializer_reads_back_exactly_the_generated_values()
    {
        var summary = await LoadAsync(Everything, new AvroValueFormat(_registry.Url));
        summary.TotalRows.Should().Be(300);
        var expected = (await RowsOfAsync(Everything)).Records("accounts").ToList();

        var messages = ReadAll<string>("accounts", 300, Deserializers.Utf8);
        messages.Should().HaveCount(300);
        for (var i = 0; i < messages.Count; i++)
        {
            var record = messages[i].Message.Value;
            var row = expected[i];
            messages[i].Message.Key.Should().Be(row["id"]!.ToString(), "keys stay text unless AvroKeys");
            foreach (var field in record.Schema.Fields)
            {
                var actual = Plain(record[field.Name]);
                var want = Generated(row[field.Name]);
                actual.Should().BeEquivalentTo(want, o => o.WithStrictOrdering(), $"row {i}, field {field.Name}");
            }
        }

        // The derived schema is in the registry under the topic's subject, with the logical types.
        var latest = await _client.GetLatestSchemaAsync("accounts-value");
        latest.Version.Should().Be(1);
        var schema = (RecordSchema)global::Avro.Schema.Parse(latest.SchemaString);
        schema.Fullname.Should().Be("datagen.accounts");
        ((LogicalSchema)schema["balance"].Schema).LogicalTypeName.Should().Be("decimal");
        ((LogicalSchema)schema["opened"].Schema).LogicalTypeName.Should().Be("date");
        ((LogicalSchema)schema["updated_at"].Schema).LogicalTypeName.Should().Be("timestamp-micros");
        ((LogicalSchema)schema["public_id"].Schema).LogicalTypeName.Should().Be("uuid");
        schema["nickname"].Schema.Should().BeOfType<UnionSchema>();
        schema["nickname"].DefaultValue!.Type.Should().Be(Newtonsoft.Json.Linq.JTokenType.Null);
        schema["address"].Schema.Should().BeOfType<RecordSchema>();
        ((ArraySchema)schema["cards"].Schema).ItemSchema.Should().BeOfType<RecordSchema>();
    }

    [Fact]
    public async Task Keys_as_avro_are_read_by_the_standard_deserializer()
    {
        await LoadAsync(Everything, new AvroValueFormat(_registry.Url, new AvroFormatOptions { AvroKeys = true }));
        var messages = ReadAll("accounts", 300, new AvroDeserializer<long>(_client).AsSyncOverAsync());
        messages.Select(m => m.Message.Key).Should().Equal(Enumerable.Range(1, 300).Select(i => (long)i));
        messages.Should().AllSatisfy(m => m.Message.Value["id"].Should().Be(m.Message.Key));
        (await _client.GetLatestSchemaAsync("accounts-key")).SchemaString.Should().Be("\"long\"");
    }

    private const string V1 = """
        models:
          payments:
            count: 50
            fields:
              id: { type: sequence }
              amount: { type: decimal, min: 1, max: 100, scale: 2 }
        """;

    [Fact]
    public async Task A_model_that_evolves_registers_new_versions_only_when_the_compatibility_rules_allow()
    {
        var byRecordName = new AvroFormatOptions { SubjectNameStrategy = SubjectNameStrategy.Record };
        await LoadAsync(V1, new AvroValueFormat(_registry.Url, byRecordName));

        // v2 adds a nullable field (default null): backward compatible, so version 2 under the same subject.
        const string v2 = """
            models:
              payments:
                count: 50
                table: payments_v2
                fields:
                  id: { type: sequence }
                  amount: { type: decimal, min: 1, max: 100, scale: 2 }
                  note: { type: lorem.word, nullRate: 0.5 }
            """;
        await LoadAsync(v2, new AvroValueFormat(_registry.Url, byRecordName));
        (await _client.GetSubjectVersionsAsync("datagen.payments")).Should().Equal(1, 2);

        // v3 adds a field without a default: new readers could not read the old data; refused before a message is sent.
        const string v3 = """
            models:
              payments:
                count: 50
                table: payments_v3
                fields:
                  id: { type: sequence }
                  amount: { type: decimal, min: 1, max: 100, scale: 2 }
                  currency: { type: choice, values: [EUR, USD] }
            """;
        var refused = async () => await LoadAsync(v3, new AvroValueFormat(_registry.Url, byRecordName));
        var error = (await refused.Should().ThrowAsync<GenerationException>()).Which;
        error.Message.Should().Contain("datagen.payments").And.Contain("currency").And.Contain("no default");
        error.Model.Should().Be("payments");
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = _cluster.BootstrapServers, GroupId = "w" }).Build();
        consumer.QueryWatermarkOffsets(new TopicPartition("payments_v3", 0), TimeSpan.FromSeconds(10)).High.Value.Should().Be(0, "nothing is sent when the schema is refused");

        // Old data and new data are both read by the standard deserializer (each with its writer's schema).
        (await _client.GetSubjectVersionsAsync("datagen.payments")).Should().Equal(1, 2);
        ReadAll<Ignore>("payments_v2", 50).Should().AllSatisfy(m => m.Message.Value.Schema.Fields.Should().HaveCount(3));
        ReadAll<Ignore>("payments", 50).Should().AllSatisfy(m => m.Message.Value.Schema.Fields.Should().HaveCount(2));
    }

    [Fact]
    public async Task The_registry_serves_what_the_confluent_client_calls()
    {
        const string v1 = """{"type":"record","name":"User","namespace":"app","fields":[{"name":"id","type":"long"}]}""";
        const string v2 = """{"type":"record","name":"User","namespace":"app","fields":[{"name":"id","type":"long"},{"name":"email","type":["null","string"],"default":null}]}""";
        const string bad = """{"type":"record","name":"User","namespace":"app","fields":[{"name":"id","type":"string"}]}""";

        var id1 = await _client.RegisterSchemaAsync("users-value", new Schema(v1, SchemaType.Avro));
        (await _client.RegisterSchemaAsync("users-value", new Schema(v1, SchemaType.Avro))).Should().Be(id1, "the same schema again keeps its id");
        (await _client.RegisterSchemaAsync("copy-value", new Schema(v1, SchemaType.Avro))).Should().Be(id1, "ids are global per schema");
        var id2 = await _client.RegisterSchemaAsync("users-value", new Schema(v2, SchemaType.Avro));
        id2.Should().NotBe(id1);

        (await _client.GetAllSubjectsAsync()).Should().BeEquivalentTo("users-value", "copy-value");
        (await _client.GetSubjectVersionsAsync("users-value")).Should().Equal(1, 2);
        (await _client.GetLatestSchemaAsync("users-value")).Id.Should().Be(id2);
        (await _client.GetRegisteredSchemaAsync("users-value", 1)).Id.Should().Be(id1);
        using (var fresh = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = _registry.Url }))
        {
            global::Avro.Schema.Parse((await fresh.GetSchemaAsync(id2)).SchemaString).Should().BeOfType<RecordSchema>().Which.Fields.Should().HaveCount(2);
            (await fresh.LookupSchemaAsync("users-value", new Schema(v1, SchemaType.Avro), ignoreDeletedSchemas: true, normalize: false)).Version.Should().Be(1);
        }

        (await _client.IsCompatibleAsync("users-value", new Schema(bad, SchemaType.Avro))).Should().BeFalse("long → string is no promotion");
        var refused = async () => await _client.RegisterSchemaAsync("users-value", new Schema(bad, SchemaType.Avro));
        (await refused.Should().ThrowAsync<SchemaRegistryException>()).Which.Status.Should().Be(System.Net.HttpStatusCode.Conflict);

        await _client.UpdateCompatibilityAsync(Compatibility.None, "users-value");
        (await _client.GetCompatibilityAsync("users-value")).Should().Be(Compatibility.None);
        (await _client.RegisterSchemaAsync("users-value", new Schema(bad, SchemaType.Avro))).Should().BeGreaterThan(id2, "NONE checks nothing");

        var invalid = async () => await _client.RegisterSchemaAsync("users-value", new Schema("""{"type":"record","name":"X"}""", SchemaType.Avro));
        (await invalid.Should().ThrowAsync<SchemaRegistryException>()).Which.ErrorCode.Should().Be(42201);
        var missing = async () => await _client.GetLatestSchemaAsync("nobody-value");
        (await missing.Should().ThrowAsync<SchemaRegistryException>()).Which.ErrorCode.Should().Be(40401);
    }

    [Theory]
    [InlineData("BACKWARD", """{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}""", """{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""", true)]
    [InlineData("BACKWARD", """{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""", """{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}""", false)]
    [InlineData("BACKWARD", """{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string","default":"x"}]}""", """{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""", true)]
    [InlineData("BACKWARD", """{"type":"record","name":"R","fields":[]}""", """{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""", true)]
    [InlineData("FORWARD", """{"type":"record","name":"R","fields":[]}""", """{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""", false)]
    [InlineData("FORWARD", """{"type":"record","name":"R","fields":[]}""", """{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":0}]}""", true)]
    [InlineData("BACKWARD", """{"type":"enum","name":"E","symbols":["A","B"]}""", """{"type":"enum","name":"E","symbols":["A","B","C"]}""", false)]
    [InlineData("BACKWARD", """{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}""", """{"type":"enum","name":"E","symbols":["A","B","C"]}""", true)]
    [InlineData("BACKWARD", """["null","string"]""", """"string"""", true)]
    [InlineData("BACKWARD", """"string"""", """["null","string"]""", false)]
    [InlineData("BACKWARD", """{"type":"record","name":"S","aliases":["R"],"fields":[]}""", """{"type":"record","name":"R","fields":[]}""", true)]
    [InlineData("BACKWARD", """{"type":"record","name":"S","fields":[]}""", """{"type":"record","name":"R","fields":[]}""", false)]
    [InlineData("BACKWARD", """{"type":"array","items":"double"}""", """{"type":"array","items":"float"}""", true)]
    [InlineData("BACKWARD", """{"type":"map","values":"bytes"}""", """{"type":"map","values":"string"}""", true)]
    [InlineData("BACKWARD", """{"type":"fixed","name":"F","size":4}""", """{"type":"fixed","name":"F","size":8}""", false)]
    [InlineData("FULL", """{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":1}]}""", """{"type":"record","name":"R","fields":[]}""", true)]
    [InlineData("FULL", """{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""", """{"type":"record","name":"R","fields":[]}""", false)]
    [InlineData("BACKWARD", """{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"],"default":null},{"name":"v","type":"long"}]}""", """{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"],"default":null},{"name":"v","type":"int"}]}""", true)]
    public async Task Compatibility_follows_the_avro_resolution_rules(string level, string candidate, string existing, bool compatible)
    {
        var subject = $"s-{Guid.NewGuid():N}";
        await _client.UpdateCompatibilityAsync(Enum.Parse<Compatibility>(level.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true), subject);
        await _client.RegisterSchemaAsync(subject, new Schema(existing, SchemaType.Avro));
        (await _client.IsCompatibleAsync(subject, new Schema(candidate, SchemaType.Avro))).Should().Be(compatible);
    }

    [Fact]
    public async Task A_given_avsc_decides_names_enums_and_defaults_and_a_value_it_cannot_hold_fails_naming_the_field_and_row()
    {
        var directory = Directory.CreateTempSubdirectory("datagen-avsc").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "orders.avsc"), """
            {"type":"record","name":"Order","namespace":"shop.events","fields":[
              {"name":"id","type":"long"},
              {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}},
              {"name":"total","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
              {"name":"source","type":"string","default":"datagen"}
            ]}
            """, Ct);
        const string yaml = """
            models:
              orders:
                count: 40
                fields:
                  id: sequence
                  status: { type: choice, values: [NEW, PAID] }
                  total: { type: decimal, min: 1, max: 999, scale: 2 }
            """;
        var format = new AvroValueFormat(_registry.Url, new AvroFormatOptions { SchemaDirectory = directory });
        await LoadAsync(yaml, format);
        var messages = ReadAll<Ignore>("orders", 40);
        messages.Should().HaveCount(40);
        messages.Should().AllSatisfy(m =>
        {
            m.Message.Value.Schema.Fullname.Should().Be("shop.events.Order");
            m.Message.Value["source"].Should().Be("datagen", "a field the model lacks gets its default");
            ((GenericEnum)m.Message.Value["status"]).Value.Should().BeOneOf("NEW", "PAID");
        });

        var unknownSymbol = async () => await LoadAsync(yaml.Replace("[NEW, PAID]", "[NEW, SHIPPED]", StringComparison.Ordinal).Replace("orders:", "orders:\n    table: orders2", StringComparison.Ordinal), format);
        var error = (await unknownSymbol.Should().ThrowAsync<GenerationException>()).Which;
        error.Message.Should().Contain("'SHIPPED' is not a symbol of enum shop.events.Status").And.Contain("status");
        error.Row.Should().NotBeNull();

        await File.WriteAllTextAsync(Path.Combine(directory, "orders.avsc"), """{"type":"record","name":"Order","fields":[{"name":"id","type":"lng"}]}""", Ct);
        var invalid = async () => await LoadAsync(yaml.Replace("orders:", "orders:\n    table: orders3", StringComparison.Ordinal), format);
        (await invalid.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain(Path.Combine(directory, "orders.avsc")).And.Contain("not a valid Avro schema");
    }

    [Fact]
    public async Task Event_flows_go_to_avro_with_each_events_fields_in_a_map()
    {
        var manifest = await Manifest.LoadAsync(Path.Combine(AppContext.BaseDirectory, "events.yaml"), cancellationToken: Ct);
        var scenario = manifest.Events!;
        var run = scenario.CreateRun(await scenario.ProfilesAsync(Ct));
        var end = scenario.Start.AddDays(1);
        var expected = run.Events(scenario.Start, end).ToList();
        long written;
        await using (var output = KafkaOutput.Create(_cluster.BootstrapServers, new KafkaOutputOptions { Partitions = 1, Embedded = _cluster, ValueFormat = new AvroValueFormat(_registry.Url) }))
        {
            written = await run.WriteAsync(output, scenario.Start, end, Ct);
        }

        written.Should().Be(expected.Count).And.BeGreaterThan(50);
        var messages = ReadAll<Ignore>("events", written);
        messages.Should().HaveCount(expected.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var record = messages[i].Message.Value;
            record["event"].Should().Be(expected[i].Event);
            // timestamp-micros: Avro's finest standard time; .NET's 100 ns ticks below a microsecond are dropped.
            record["at"].Should().Be(new DateTime(expected[i].At.Ticks / 10 * 10, DateTimeKind.Utc));
            var data = (IDictionary<string, object>)record["data"];
            data.Keys.Should().BeEquivalentTo(expected[i].Data.Keys);
            foreach (var (name, value) in expected[i].Data)
            {
                // Text, whole numbers, reals, decimals and booleans keep their type; anything else (dates, UUIDs) travels as its text.
                var want = value switch { null or string or long or double or bool or decimal => value, _ => ValueText.Format(value) };
                Plain(data[name]).Should().Be(want, $"event {i} ({expected[i].Event}), field {name}");
            }
        }
    }

    [Fact]
    public async Task A_recursive_avsc_is_written_without_compiling_forever()
    {
        const string schema = """
            {"type":"record","name":"Node","namespace":"tree","fields":[
              {"name":"id","type":"long"},
              {"name":"child","type":["null","Node"],"default":null}
            ]}
            """;
        const string yaml = """
            models:
              nodes:
                count: 20
                fields:
                  id: sequence
                  child:
                    type: object
                    nullRate: 0.5
                    fields:
                      id: { type: int, min: 1, max: 9 }
            """;
        await LoadAsync(yaml, new AvroValueFormat(_registry.Url, new AvroFormatOptions { Schemas = new Dictionary<string, string> { ["nodes"] = schema } }));
        var messages = ReadAll<Ignore>("nodes", 20);
        messages.Should().HaveCount(20);
        messages.Select(m => m.Message.Value["child"]).Should().Contain(c => c is GenericRecord).And.Contain(c => c == null);
        messages.Select(m => m.Message.Value["child"]).OfType<GenericRecord>().Should().AllSatisfy(c => c["child"].Should().BeNull("the nested object has no child field: the default"));
    }

    [Fact]
    public async Task The_registry_survives_requests_that_are_not_http_or_too_large()
    {
        var uri = new Uri(_registry.Url);
        foreach (var request in new[] { "GARBAGE\r\n\r\n", "POST /subjects/x/versions HTTP/1.1\r\nContent-Length: -5\r\n\r\n", "POST /subjects/x/versions HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n{" })
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(uri.Host, uri.Port, Ct);
            var stream = client.GetStream();
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request), Ct);
            var buffer = new byte[256];
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            (await stream.ReadAsync(buffer, timeout.Token)).Should().Be(0, "the registry closes a connection it cannot read");
        }

        (await _client.GetAllSubjectsAsync()).Should().NotBeNull("and keeps serving");
    }

    [Fact]
    public async Task An_unreachable_registry_fails_the_model_naming_the_subject_before_anything_is_sent()
    {
        var format = new AvroValueFormat("http://127.0.0.1:1");
        var load = async () => await LoadAsync(V1, format);
        (await load.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("payments-value").And.Contain("schema registry");
    }
}

/// <summary><c>valueFormat: avro</c> in a manifest's kafka datastore, through the store catalog as the CLI builds it.</summary>
public sealed class AvroDatastoreTests : IAsyncDisposable
{
    private static readonly DataGen.Stores.StoreCatalog Catalog = new([KafkaStoreProvider.Instance.WithAvro()]);
    private readonly EmbeddedKafkaCluster _cluster = EmbeddedKafkaCluster.Start(brokers: 1);
    private readonly EmbeddedSchemaRegistry _registry = EmbeddedSchemaRegistry.Start();

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
        _cluster.Dispose();
    }

    private static Manifest Parse(string settings) => Manifest.Parse($$"""
        datastores:
          events: { kind: kafka, bootstrapServers: "{{"${BOOTSTRAP}"}}", partitions: 1{{settings}} }
        models:
          signups: { count: 25, store: events, key: id, fields: { id: sequence, email: internet.email } }
        """, "events.yaml", new ManifestOptions { Stores = Catalog, Environment = name => name == "BOOTSTRAP" ? "127.0.0.1:9" : null });

    [Theory]
    [InlineData(", valueFormat: avro", "events.yaml(2,11)", "needs 'schemaRegistry' with valueFormat: avro")]
    [InlineData(", valueFormat: protobuf", "events.yaml(2,11)", "valueFormat 'protobuf' is not known; known: avro, json")]
    [InlineData(", valueFormat: avro, schemaRegistry: \"http://127.0.0.1:1\", subjectNameStrategy: byTopic", "events.yaml(2,11)", "subjectNameStrategy 'byTopic' is not one of topic, record, topicRecord")]
    [InlineData(", valueFormat: avro, schemaRegistry: \"http://127.0.0.1:1\", avroSchemas: ./no/such/dir", "events.yaml(2,11)", "avroSchemas directory")]
    [InlineData(", valueFormat: avro, schemaRegistry: \"http://127.0.0.1:1\", avroKeys: yes", "events.yaml(2,11)", "avroKeys must be true or false")]
    public void Settings_are_checked_when_the_manifest_loads(string settings, string at, string message)
    {
        var act = () => Parse(settings);
        act.Should().Throw<ManifestException>().Which.Message.Should().Contain(at).And.Contain(message)
            .And.NotContain("is not declared", "a datastore with errors is still declared: its models get no second error");
    }

    [Fact]
    public async Task A_manifest_datastore_with_value_format_avro_registers_and_writes_avro()
    {
        var manifest = Manifest.Parse($$"""
            datastores:
              events: { kind: kafka, bootstrapServers: "{{_cluster.BootstrapServers}}", partitions: 1, valueFormat: avro, schemaRegistry: "{{_registry.Url}}", avroKeys: true, subjectNameStrategy: topicRecord, avroNamespace: acme.signups }
            models:
              signups: { count: 25, store: events, key: id, fields: { id: sequence, email: internet.email } }
            """, "events.yaml", new ManifestOptions { Stores = Catalog, Environment = _ => null });
        // The embedded cluster has no admin API: the topic is made the embedded way first (the output finds it empty).
        _cluster.CreateTopic("signups", 1);
        await using (var output = Catalog.CreateOutput(manifest, new DataGen.Outputs.StoreLoadOptions(), null))
        {
            (await DataGenerator.GenerateAsync(manifest, output, cancellationToken: TestContext.Current.CancellationToken)).TotalRows.Should().Be(25);
        }

        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = _registry.Url });
        (await client.GetAllSubjectsAsync()).Should().BeEquivalentTo("signups-acme.signups.signups", "signups-long");
        using var consumer = new ConsumerBuilder<long, GenericRecord>(new ConsumerConfig { BootstrapServers = _cluster.BootstrapServers, GroupId = "g" })
            .SetKeyDeserializer(new AvroDeserializer<long>(client).AsSyncOverAsync())
            .SetValueDeserializer(new AvroDeserializer<GenericRecord>(client).AsSyncOverAsync())
            .Build();
        consumer.Assign(new TopicPartitionOffset("signups", 0, Offset.Beginning));
        var keys = new List<long>();
        var deadline = DateTime.UtcNow.AddSeconds(120); // a bound, not a wait: a loaded CI machine consumes thousands of Avro messages slowly
        while (keys.Count < 25 && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } m)
            {
                m.Message.Value.Schema.Fullname.Should().Be("acme.signups.signups");
                ((string)m.Message.Value["email"]).Should().Contain("@");
                keys.Add(m.Message.Key);
            }
        }

        keys.Should().Equal(Enumerable.Range(1, 25).Select(i => (long)i));
    }
}
