using DataGen.Outputs;
using DataGen.Stores;

namespace DataGen.Core.Tests.Stores;

/// <summary>A store kind added from outside the core, the way a third-party package would: a provider and a catalog.</summary>
public sealed class StoreCatalogTests
{
    private static readonly StoreCatalog Catalog = new([FileStoreProvider.Instance, new NotebookStore()]);

    [Fact]
    public async Task A_store_kind_from_outside_receives_its_models_from_a_manifest()
    {
        var manifest = TestGeneration.Parse("""
            datastores:
              notes: { kind: notebook, shelf: top }
            models:
              people: { store: notes, count: 5, key: id, fields: { id: uuid, name: name.firstName } }
              pets: { count: { per: people, min: 1, max: 1 }, fields: { owner: { type: ref, ref: people.id } } }
            """, new ManifestOptions { Stores = Catalog });
        var fallback = new MemoryOutput();
        NotebookStore.Last = null;

        await using (var output = Catalog.CreateOutput(manifest, new StoreLoadOptions(), fallback))
        {
            await DataGenerator.GenerateAsync(manifest, output, cancellationToken: TestContext.Current.CancellationToken);
        }

        NotebookStore.Last.Should().NotBeNull();
        NotebookStore.Last!.Shelf.Should().Be("top");
        NotebookStore.Last.Rows.Rows["people"].Should().HaveCount(5);
        NotebookStore.Last.Rows.Completed.Should().BeTrue();
        fallback.Rows["pets"].Should().HaveCount(5);
    }

    [Fact]
    public void Kinds_and_settings_are_checked_against_the_catalog_with_locations()
    {
        var act = () => TestGeneration.Parse("""
            datastores:
              a: { kind: notebok, shelf: top }
              b: { kind: notebook, shelve: top }
              c: { kind: notebook }
              d: { kind: files, path: out, format: xml }
            models:
              m: { count: 1, fields: { id: uuid } }
            """, new ManifestOptions { Stores = Catalog });

        var errors = act.Should().Throw<ManifestException>().Which.Errors;
        errors.Should().Contain(e => e.Line == 2 && e.Message.Contains("datastore 'a': unknown kind 'notebok' (did you mean 'notebook'?); registered kinds: files, notebook"));
        errors.Should().Contain(e => e.Line == 3 && e.Message.Contains("datastore 'b' (notebook): unknown setting 'shelve' (did you mean 'shelf'?); notebook understands: shelf"));
        errors.Should().Contain(e => e.Line == 4 && e.Message.Contains("datastore 'c' (notebook) needs 'shelf'"));
        errors.Should().Contain(e => e.Line == 5 && e.Message.Contains("format must be ndjson, csv or json, found 'xml'"));
    }

    [Fact]
    public void Without_a_catalog_any_kind_loads_and_an_unregistered_one_fails_when_opened()
    {
        var manifest = TestGeneration.Parse("""
            datastores:
              q: { kind: queue, url: "x" }
            models:
              m: { store: q, count: 1, fields: { id: uuid } }
            """);

        var act = () => Catalog.CreateOutput(manifest, new StoreLoadOptions(), null);

        act.Should().Throw<ArgumentException>().WithMessage("datastore 'q': unknown kind 'queue'; registered kinds: files, notebook");
    }

    [Fact]
    public void A_kind_registered_twice_or_badly_named_is_refused()
    {
        var twice = () => new StoreCatalog([new NotebookStore(), new NotebookStore()]);
        var badName = () => new StoreCatalog([new NotebookStore("note book")]);

        twice.Should().Throw<ArgumentException>().WithMessage("*'notebook' is registered twice*");
        badName.Should().Throw<ArgumentException>().WithMessage("*'note book'*letters, digits and underscores*");
    }

    [Fact]
    public void The_schema_offers_the_catalogs_kinds_and_settings()
    {
        var schema = System.Text.Json.Nodes.JsonNode.Parse(ManifestSchema.Json(Catalog))!;
        var store = schema["properties"]!["datastores"]!["additionalProperties"]!;

        store["properties"]!["kind"]!["enum"]!.AsArray().Select(k => k!.GetValue<string>()).Should().Equal("files", "notebook");
        store["properties"]!["shelf"]!["description"]!.GetValue<string>().Should().Be("notebook: Which shelf.");
        store["additionalProperties"]!.GetValue<bool>().Should().BeFalse();
    }

    /// <summary>Keeps rows in memory and remembers its shelf setting.</summary>
    private sealed class NotebookStore(string kind = "notebook") : StoreProvider
    {
        public static Notebook? Last { get; set; }

        public override string Kind => kind;

        public override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["shelf"] = "Which shelf." };

        public override IEnumerable<string> Validate(Datastore store) =>
            store.Get("shelf") is null ? [$"datastore '{store.Name}' (notebook) needs 'shelf'"] : [];

        public override IDataOutput CreateOutput(Datastore store, StoreLoadOptions options) => Last = new Notebook(Required(store, "shelf"));
    }

    private sealed class Notebook(string shelf) : IDataOutput
    {
        public string Shelf { get; } = shelf;

        public MemoryOutput Rows { get; } = new();

        public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default) => Rows.OpenModelAsync(model, cancellationToken);

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => Rows.CompleteAsync(cancellationToken);

        public ValueTask DisposeAsync() => Rows.DisposeAsync();
    }
}
