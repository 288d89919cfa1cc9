using System.Text.Json;
using DataGen.Outputs;
using DataGen.Xunit;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using HttpMethod = Elastic.Transport.HttpMethod;

namespace DataGen.Elasticsearch.Tests;

/// <summary>
/// The fixture and the store against a real Elasticsearch: a container of the official image. Where Docker or the image is
/// unavailable (this development machine) every test skips with the reason; CI runs them with <c>DATAGEN_REQUIRE=elasticsearch</c>,
/// which turns that skip into a failure.
/// </summary>
[SeededWith("search.yaml")]
public sealed class ElasticsearchFixtureTests(ElasticsearchFixture search) : IClassFixture<ElasticsearchFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<long> CountAsync(string model) =>
        (await search.Client.CountAsync(c => c.Indices(search.IndexOf(model)), Ct)).Count;

    private async Task<JsonDocument> GetAsync(string path)
    {
        var response = await search.Client.Transport.RequestAsync<BytesResponse>(HttpMethod.GET, path, Ct);
        response.ApiCallDetails.HasSuccessfulStatusCode.Should().BeTrue(response.ApiCallDetails.DebugInformation);
        return JsonDocument.Parse(response.Body);
    }

    [Fact]
    public async Task Every_model_is_an_index_with_its_documents_and_derived_mapping()
    {
        (await CountAsync("products")).Should().Be(40).And.Be(search.Counts["products"]);
        (await CountAsync("sellers")).Should().Be(5);

        using var mapping = await GetAsync($"/{search.IndexOf("products")}/_mapping");
        var properties = mapping.RootElement.GetProperty(search.IndexOf("products")).GetProperty("mappings").GetProperty("properties");
        properties.GetProperty("sku").GetProperty("type").GetString().Should().Be("keyword");
        properties.GetProperty("description").GetProperty("type").GetString().Should().Be("text");
        properties.GetProperty("added").GetProperty("type").GetString().Should().Be("date");
        properties.GetProperty("reviews").GetProperty("type").GetString().Should().Be("nested");
    }

    [Fact]
    public async Task A_nested_query_finds_reviews_of_one_element()
    {
        var response = await search.Client.SearchAsync<JsonElement>(s => s
            .Indices(search.IndexOf("products"))
            .Query(q => q.Nested(n => n.Path("reviews").Query(i => i.Range(r => r.Number(t => t.Field("reviews.stars").Gte(5)))))), Ct);
        response.IsValidResponse.Should().BeTrue(response.DebugInformation);
        response.Total.Should().BeGreaterThan(0).And.BeLessThan(40);
    }

    // Each of these two changes the data after checking it is the baseline: whichever runs second proves the restore.
    [Fact]
    public async Task Deleted_documents_are_back_for_the_next_test_1() => await DeleteAfterCheckingAsync();

    [Fact]
    public async Task Deleted_documents_are_back_for_the_next_test_2() => await DeleteAfterCheckingAsync();

    private async Task DeleteAfterCheckingAsync()
    {
        (await CountAsync("products")).Should().Be(40);
        (await search.Client.Indices.ExistsAsync(search.IndexOf("scratch"), Ct)).Exists.Should().BeFalse("an index a test made is deleted after it");
        await search.Client.DeleteByQueryAsync<JsonElement>(search.IndexOf("products"), d => d.Query(q => q.MatchAll()).Refresh(true), Ct);
        await search.Client.IndexAsync(new { x = 1 }, i => i.Index(search.IndexOf("scratch")), Ct);
        (await CountAsync("products")).Should().Be(0);
    }

    [Fact]
    public async Task The_store_refuses_a_second_load_then_appends_when_told()
    {
        var manifest = Manifest.Parse("models:\n  extra:\n    count: 25\n    key: id\n    fields: { id: { type: sequence }, name: name.fullName }");
        var index = search.IndexOf("extra_store");
        await using (var output = new RetargetingOutput(ElasticsearchOutput.Create(search.ConnectionString, settings: new ElasticsearchOutputOptions { BatchBytes = 1024 }), "extra", index))
        {
            await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
        }

        (await search.Client.CountAsync(c => c.Indices(index), Ct)).Count.Should().Be(25);

        await using (var again = new RetargetingOutput(ElasticsearchOutput.Create(search.ConnectionString), "extra", index))
        {
            var act = () => DataGenerator.GenerateAsync(manifest, again, cancellationToken: Ct);
            (await act.Should().ThrowAsync<StoreConflictException>()).Which.Conflicts.Should().ContainKey(index);
        }

        var append = Manifest.Parse("datastores:\n  es: { kind: elasticsearch, connection: x, mode: append }\nmodels:\n  extra:\n    count: 5\n    store: es\n    key: id\n    fields: { id: { type: sequence, start: 26 } }", options: new ManifestOptions { Stores = DataGen.Stores.StoreCatalog.FilesOnly.With(ElasticsearchStoreProvider.Instance) });
        await using (var appended = new RetargetingOutput(ElasticsearchOutput.Create(search.ConnectionString), "extra", index))
        {
            await DataGenerator.GenerateAsync(append, appended, cancellationToken: Ct);
        }

        (await search.Client.CountAsync(c => c.Indices(index), Ct)).Count.Should().Be(30);
    }
}
