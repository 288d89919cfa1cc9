using System.Text.Json.Nodes;
using DataGen.Outputs;
using DataGen.Stores;

namespace DataGen.Elasticsearch.Tests;

/// <summary>
/// The output's requests end to end through the official client, against <see cref="ElasticsearchStub"/> — a test double
/// on 127.0.0.1 that answers the documented endpoints, not Elasticsearch (the container tests run the real server in CI).
/// </summary>
public sealed class OutputRequestTests : IAsyncLifetime
{
    private readonly ElasticsearchStub _stub = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly StoreCatalog Stores = StoreCatalog.FilesOnly.With(ElasticsearchStoreProvider.Instance);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _stub.DisposeAsync();

    private const string People = "models:\n  people:\n    count: {0}\n    key: id\n    {1}\n    fields: {{ id: {{ type: sequence }}, name: name.fullName, bio: lorem.paragraph }}\n";

    private static Manifest PeopleManifest(int rows, string mode = "") => Manifest.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, People, rows, mode), options: new ManifestOptions { Stores = Stores });

    private async Task<GenerationSummary> LoadAsync(Manifest manifest, StoreLoadOptions? options = null, long batchBytes = 4096)
    {
        await using var output = ElasticsearchOutput.Create(_stub.Url, options, settings: new ElasticsearchOutputOptions { BatchBytes = batchBytes });
        return await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
    }

    [Fact]
    public async Task A_load_creates_the_index_sends_bulk_bodies_within_the_budget_refreshes_and_counts()
    {
        var summary = await LoadAsync(PeopleManifest(120));

        summary.TotalRows.Should().Be(120);
        var paths = _stub.Paths.ToList();
        paths[0].Should().Be("GET /people/_count", "conflicts are checked before anything is written");
        paths[1].Should().Be("GET /people/_count");
        paths[2].Should().Be("PUT /people");
        paths.Skip(3).TakeWhile(p => p == "POST /_bulk").Should().HaveCountGreaterThan(1, "120 paragraphs do not fit 4 KiB");
        paths.SkipWhile(p => p != "POST /people/_refresh").Should().Equal("POST /people/_refresh", "GET /people/_count");
        _stub.BulkBodies.Where(b => b.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 2).Should().OnlyContain(b => System.Text.Encoding.UTF8.GetByteCount(b) <= 4096);
        _stub.Requests.Single(r => r.Path == "/_bulk" && r.Body.Contains("\"_id\":\"1\"", StringComparison.Ordinal)).Method.Should().Be("POST");

        var mapping = JsonNode.Parse(_stub.Indexes["people"].Body)!["mappings"]!["properties"]!;
        mapping["id"]!["type"]!.GetValue<string>().Should().Be("long");
        mapping["bio"]!["type"]!.GetValue<string>().Should().Be("text");
        _stub.Indexes["people"].Documents.Keys.Should().BeEquivalentTo(Enumerable.Range(1, 120).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task The_same_manifest_and_seed_send_byte_identical_bodies()
    {
        await LoadAsync(PeopleManifest(50));
        var first = _stub.BulkBodies.ToList();
        await using var again = new ElasticsearchStub();
        await using (var output = ElasticsearchOutput.Create(again.Url, settings: new ElasticsearchOutputOptions { BatchBytes = 4096 }))
        {
            await DataGenerator.GenerateAsync(PeopleManifest(50), output, cancellationToken: Ct);
        }

        again.BulkBodies.Should().Equal(first);
    }

    [Fact]
    public async Task Indexes_holding_documents_are_all_refused_before_anything_is_written()
    {
        var manifest = Manifest.Parse("""
            models:
              a: { count: 2, fields: { x: uuid } }
              b: { count: 2, fields: { x: uuid } }
              c: { count: 2, fields: { x: uuid } }
            """);
        foreach (var (name, docs) in new[] { ("a", 3), ("c", 5) })
        {
            _stub.Indexes[name] = new ElasticsearchStub.Index("{}");
            for (var i = 0; i < docs; i++)
            {
                _stub.Indexes[name].Documents[$"d{i}"] = new JsonObject();
            }
        }

        var act = () => LoadAsync(manifest);

        var conflict = (await act.Should().ThrowAsync<StoreConflictException>()).Which;
        conflict.Conflicts.Should().BeEquivalentTo(new Dictionary<string, long> { ["a"] = 3, ["c"] = 5 });
        conflict.Message.Should().Contain("mode: append").And.Contain("nothing was written");
        _stub.Paths.Should().OnlyContain(p => p.EndsWith("/_count", StringComparison.Ordinal), "only counts were asked");
        _stub.Indexes.Should().NotContainKey("b");
    }

    [Fact]
    public async Task Dropping_conflicting_indexes_recreates_them_with_a_warning()
    {
        _stub.Indexes["people"] = new ElasticsearchStub.Index("{}");
        _stub.Indexes["people"].Documents["old"] = new JsonObject();
        var warnings = new List<string>();

        await LoadAsync(PeopleManifest(10), new StoreLoadOptions { DropConflicting = true, Warning = warnings.Add });

        warnings.Should().ContainSingle().Which.Should().Contain("dropped index 'people' (1 documents)");
        _stub.Indexes["people"].Documents.Should().HaveCount(10).And.NotContainKey("old");
        _stub.Indexes["people"].Body.Should().Contain("mappings");
    }

    [Fact]
    public async Task Append_adds_to_an_existing_index_and_a_repeated_id_is_refused_naming_the_row()
    {
        await LoadAsync(PeopleManifest(10));
        var append = Manifest.Parse("models:\n  people:\n    count: 5\n    key: id\n    mode: append\n    fields: { id: { type: sequence, start: 11 }, name: name.fullName }", options: new ManifestOptions { Stores = Stores });

        await LoadAsync(append);
        _stub.Indexes["people"].Documents.Should().HaveCount(15);

        var again = () => LoadAsync(append);
        var error = (await again.Should().ThrowAsync<GenerationException>()).Which;
        error.Message.Should().Contain("documents were refused by index 'people'").And.Contain("row 1").And.Contain("version_conflict_engine_exception");
        _stub.Indexes["people"].Documents.Should().HaveCount(15, "nothing of the failed append was stored");
    }

    [Fact]
    public async Task Append_and_truncate_refuse_a_missing_index_before_writing()
    {
        var act = () => LoadAsync(PeopleManifest(3, "mode: truncate"));
        (await act.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("index 'people' (mode: truncate) does not exist");
        _stub.Indexes.Should().BeEmpty();
    }

    [Fact]
    public async Task Truncate_empties_the_index_keeping_its_definition()
    {
        _stub.Indexes["people"] = new ElasticsearchStub.Index("""{"mappings":{"dynamic":"strict"}}""");
        _stub.Indexes["people"].Documents["old"] = new JsonObject();

        await LoadAsync(PeopleManifest(4, "mode: truncate"));

        _stub.Paths.Should().Contain(p => p.StartsWith("POST /people/_delete_by_query", StringComparison.Ordinal)).And.NotContain("PUT /people").And.NotContain("DELETE /people");
        _stub.Indexes["people"].Body.Should().Contain("strict");
        _stub.Indexes["people"].Documents.Keys.Should().BeEquivalentTo("1", "2", "3", "4");
    }

    [Fact]
    public async Task Replace_drops_and_recreates_the_index()
    {
        _stub.Indexes["people"] = new ElasticsearchStub.Index("""{"mappings":{"dynamic":"strict"}}""");

        await LoadAsync(PeopleManifest(4, "mode: replace"));

        _stub.Paths.Should().ContainInOrder("DELETE /people", "PUT /people");
        _stub.Indexes["people"].Body.Should().NotContain("strict");
    }

    [Fact]
    public async Task Documents_rejected_as_overloaded_are_sent_again_alone()
    {
        _stub.Overloaded.UnionWith(["3", "7"]);

        await LoadAsync(PeopleManifest(10), batchBytes: 1 << 20);

        var bodies = _stub.BulkBodies.ToList();
        bodies.Should().HaveCount(2);
        bodies[1].Split('\n', StringSplitOptions.RemoveEmptyEntries).Where((_, i) => i % 2 == 0).Select(l => JsonNode.Parse(l)!["create"]!["_id"]!.GetValue<string>())
            .Should().Equal("3", "7");
        _stub.Indexes["people"].Documents.Should().HaveCount(10);
    }

    [Fact]
    public async Task A_refused_document_fails_the_model_at_its_row_and_the_index_made_is_deleted()
    {
        var manifest = Manifest.Parse("models:\n  codes:\n    count: 40\n    key: id\n    fields: { id: { type: sequence }, code: { type: choice, values: [ok, bad] } }");
        _stub.Refuse = ("code", "bad");

        var act = () => LoadAsync(manifest);

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Message.Should().StartWith("model 'codes', row ").And.Contain("elasticsearch 'elasticsearch': ").And.Contain("documents were refused by index 'codes'").And.Contain("document_parsing_exception: failed to parse field [code]");
        error.Row.Should().NotBeNull();
        _stub.Paths.Should().Contain("DELETE /codes");
        _stub.Indexes.Should().BeEmpty("the index this run created was deleted again");
    }

    [Fact]
    public async Task A_later_model_failing_takes_back_the_indexes_of_earlier_ones()
    {
        var manifest = Manifest.Parse("""
            models:
              customers: { count: 5, key: id, fields: { id: { type: sequence } } }
              orders: { count: 20, key: id, fields: { id: { type: sequence }, customer: { type: ref, ref: customers.id }, state: { type: choice, values: [new, bad] } } }
            """);
        _stub.Refuse = ("state", "bad");

        var act = () => LoadAsync(manifest);

        await act.Should().ThrowAsync<GenerationException>();
        _stub.Indexes.Should().BeEmpty();
        _stub.Paths.Should().ContainInOrder("DELETE /orders", "DELETE /customers");
    }

    [Fact]
    public async Task A_count_that_differs_from_what_was_sent_fails_the_model()
    {
        _stub.Lose = 2;
        var act = () => LoadAsync(PeopleManifest(10));
        (await act.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("index 'people' holds 8 documents after adding 10 to 0");
    }

    [Fact]
    public async Task A_request_too_large_says_to_lower_batchBytes()
    {
        _stub.BulkStatus = 413;
        var act = () => LoadAsync(PeopleManifest(3));
        (await act.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("HTTP 413").And.Contain("lower 'batchBytes'");
    }

    [Fact]
    public async Task Models_go_to_an_elasticsearch_datastore_with_refs_into_a_files_store()
    {
        var directory = Directory.CreateTempSubdirectory("dg-es-").FullName;
        try
        {
            var manifest = Manifest.Parse($$"""
                datastores:
                  files: { kind: files, path: "{{directory}}", format: csv }
                  search: { kind: elasticsearch, connection: "{{_stub.Url}}", batchBytes: 2kb }
                models:
                  customers: { count: 8, key: id, store: files, fields: { id: uuid, name: name.fullName } }
                  orders: { count: 30, key: id, store: search, table: shop-orders, fields: { id: { type: sequence }, customer: { type: ref, ref: customers.id } } }
                """, options: new ManifestOptions { Stores = Stores });

            await using (var output = Stores.CreateOutput(manifest, new StoreLoadOptions(), null))
            {
                await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
            }

            var customers = File.ReadAllLines(Path.Combine(directory, "customers.csv")).Skip(1).Select(l => l.Split(',')[0]).ToHashSet();
            var orders = _stub.Indexes["shop-orders"].Documents.Values.ToList();
            orders.Should().HaveCount(30);
            orders.Should().OnlyContain(o => customers.Contains(o["customer"]!.GetValue<string>()));
            JsonNode.Parse(_stub.Indexes["shop-orders"].Body)!["mappings"]!["properties"]!["customer"]!["type"]!.GetValue<string>().Should().Be("keyword");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_manifest_accepts_load_modes_for_elasticsearch_and_refuses_unknown_settings_and_bad_sizes()
    {
        var good = Manifest.Parse("datastores:\n  search: { kind: elasticsearch, connection: 'http://localhost:9200', mode: append }\nmodels:\n  m: { count: 1, store: search, fields: { x: uuid } }", options: new ManifestOptions { Stores = Stores });
        good.Datastores.Should().ContainSingle();

        var act = () => Manifest.Parse("datastores:\n  search: { kind: elasticsearch, connection: 'http://x:9200', batchByte: 5mb, batchBytes: lots }\nmodels:\n  m: { count: 1, store: search, fields: { x: uuid } }", options: new ManifestOptions { Stores = Stores });
        var message = act.Should().Throw<ManifestException>().Which.Message;
        message.Should().Contain("unknown setting 'batchByte' (did you mean 'batchBytes'?)");
    }

    [Fact]
    public void A_bad_size_or_a_missing_mappings_file_is_reported_at_the_datastore()
    {
        var act = () => Manifest.Parse("datastores:\n  search: { kind: elasticsearch, connection: 'http://x:9200', batchBytes: lots, mappings: /nonexistent/m.json }\nmodels:\n  m: { count: 1, store: search, fields: { x: uuid } }", options: new ManifestOptions { Stores = Stores });
        var message = act.Should().Throw<ManifestException>().Which.Message;
        message.Should().Contain("manifest.yaml(2,").And.Contain("batchBytes must be a positive size").And.Contain("mappings:");
    }

    [Fact]
    public async Task An_index_name_Elasticsearch_refuses_fails_before_any_request()
    {
        var act = () => LoadAsync(Manifest.Parse("models:\n  People: { count: 1, fields: { x: uuid } }"));
        (await act.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("'People' cannot be an index name: index names are lower case (try 'people')");
        _stub.Requests.Should().BeEmpty();
    }

    [Fact(Timeout = 120_000)]
    public async Task An_unreachable_server_fails_without_the_password()
    {
        await using var output = ElasticsearchOutput.Create("http://elastic:hunter2@127.0.0.1:1");
        var act = () => DataGenerator.GenerateAsync(Manifest.Parse("models:\n  m:\n    count: 1\n    fields: { id: uuid }"), output, cancellationToken: TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Message.Should().StartWith("model 'm': elasticsearch 'elasticsearch': cannot reach the server").And.NotContain("hunter2");
    }
}
