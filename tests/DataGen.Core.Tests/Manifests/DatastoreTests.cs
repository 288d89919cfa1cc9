using DataGen.Outputs;
using DataGen.Stores;

namespace DataGen.Core.Tests.Manifests;

public sealed class DatastoreTests
{
    private const string Yaml = """
        variables:
          pg_password: null
        datastores:
          main:
            kind: postgres
            connection: "Host=localhost;Username=app;Password={{pg_password}}"
          events:
            kind: kafka
            bootstrapServers: "127.0.0.1:9092"
            partitions: 6
        models:
          customers:
            store: main
            table: shop_customers
            count: 3
            key: id
            fields: { id: uuid, email: internet.email }
          orders:
            store: main
            count: { per: customers, min: 1, max: 1 }
            fields:
              customer_id: { type: ref, ref: customers.id }
              email: { type: lookup, from: customer_id, field: email }
          clicks:
            store: events
            count: 2
            fields: { customer_id: { type: ref, ref: customers.id } }
        """;

    [Fact]
    public void Datastores_are_read_with_variables_substituted_and_never_printed()
    {
        var manifest = TestGeneration.Parse(Yaml, new ManifestOptions { Variables = new Dictionary<string, string> { ["pg_password"] = "s3cret" }, Environment = _ => null });

        manifest.Datastores.Select(d => (d.Name, d.Kind)).Should().Equal(("main", "postgres"), ("events", "kafka"));
        manifest.Datastores[0].Get("connection").Should().Be("Host=localhost;Username=app;Password=s3cret");
        manifest.Datastores[1].Get("partitions").Should().Be("6");
        manifest.Datastores[0].ToString().Should().Be("main (postgres)").And.NotContain("s3cret");
    }

    [Fact]
    public async Task Models_carry_their_store_target_and_references()
    {
        var manifest = TestGeneration.Parse(Yaml, new ManifestOptions { Variables = new Dictionary<string, string> { ["pg_password"] = "x" }, Environment = _ => null });
        var output = new MemoryOutput();
        await DataGenerator.GenerateAsync(manifest, output, cancellationToken: TestContext.Current.CancellationToken);

        output.Models["customers"].Should().Match<ModelDescriptor>(m => m.Store == "main" && m.Target == "shop_customers");
        var orders = output.Models["orders"];
        orders.Target.Should().Be("orders");
        orders.Fields.Select(f => f.Kind).Should().Equal(ValueKind.Uuid, ValueKind.String);
        orders.References.Should().ContainSingle().Which.Should().Be(new ReferenceDescriptor("customer_id", "customers", "id", "shop_customers", "main"));
    }

    [Fact]
    public void Unknown_store_kind_and_conflicting_targets_are_reported()
    {
        var act = () => TestGeneration.Parse("""
            datastores:
              db: { kind: postgress, connection: x }
              files: { kind: files, path: out }
            models:
              a: { store: dbb, count: 1, fields: { id: uuid } }
              b: { store: files, table: c, count: 1, fields: { id: uuid } }
              c: { store: files, count: 1, fields: { id: uuid } }
              d: { table: "x; drop table y", count: 1, fields: { id: uuid } }
              e: { count: 1, indexes: [id, [id, nope]], fields: { id: uuid } }
            """, new ManifestOptions { Stores = new StoreCatalog([FileStoreProvider.Instance, new NamedStore("postgres")]) });

        var messages = act.Should().Throw<ManifestException>().Which.Errors.Select(e => e.Message).ToList();
        messages.Should().Contain(m => m.Contains("datastore 'db': unknown kind 'postgress' (did you mean 'postgres'?)"));
        messages.Should().Contain(m => m.Contains("store 'dbb' is not declared under 'datastores:'"));
        messages.Should().Contain(m => m.Contains("models 'b' and 'c' would both write to 'c'"));
        messages.Should().Contain(m => m.Contains("table 'x; drop table y' must be 1 to 128 characters without"));
        messages.Should().Contain(m => m.Contains("index field 'nope' is not a field of model 'e'"));
    }

    [Fact]
    public async Task Routing_output_sends_each_model_to_its_store()
    {
        var manifest = TestGeneration.Parse(Yaml, new ManifestOptions { Variables = new Dictionary<string, string> { ["pg_password"] = "x" }, Environment = _ => null });
        var main = new MemoryOutput();
        var events = new MemoryOutput();
        await using var routing = new RoutingOutput(new Dictionary<string, IDataOutput> { ["main"] = main, ["events"] = events }, defaultOutput: null);
        await DataGenerator.GenerateAsync(manifest, routing, cancellationToken: TestContext.Current.CancellationToken);

        main.Rows.Keys.Should().BeEquivalentTo("customers", "orders");
        events.Rows.Keys.Should().BeEquivalentTo("clicks");
        main.Completed.Should().BeTrue();
        events.Completed.Should().BeTrue();
    }

    /// <summary>A store kind that only has a name and a connection setting.</summary>
    private sealed class NamedStore(string kind) : StoreProvider
    {
        public override string Kind => kind;

        public override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["connection"] = "A connection string." };

        public override IDataOutput CreateOutput(Datastore store, StoreLoadOptions options) => new MemoryOutput();
    }
}
