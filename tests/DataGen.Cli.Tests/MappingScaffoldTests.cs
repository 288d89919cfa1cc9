using System.Text.Json;
using static DataGen.Cli.Tests.CliRun;

namespace DataGen.Cli.Tests;

/// <summary>Issue 28: <c>datagen scaffold --from-mapping</c> writes a manifest from an Elasticsearch index mapping, offline.</summary>
public sealed class MappingScaffoldTests : IDisposable
{
    // What GET /products/_mapping answers (an alias, a nested object, a keyword with ignore_above, a strict date).
    private const string Mapping = """
        {
          "products": {
            "mappings": {
              "properties": {
                "sku": { "type": "keyword", "ignore_above": 32 },
                "title": { "type": "text", "fields": { "keyword": { "type": "keyword", "ignore_above": 256 } } },
                "stock": { "type": "integer" },
                "price": { "type": "scaled_float", "scaling_factor": 100 },
                "launched": { "type": "date", "format": "strict_date" },
                "updated_at": { "type": "date" },
                "active": { "type": "boolean" },
                "variants": { "type": "nested", "properties": { "color": { "type": "keyword" } } },
                "name": { "type": "alias", "path": "title" }
              }
            }
          }
        }
        """;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-mapping-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task A_mapping_scaffolds_a_model_whose_documents_have_every_field_in_its_mapped_type()
    {
        var mapping = Path.Combine(_directory.FullName, "mapping.json");
        await File.WriteAllTextAsync(mapping, Mapping, TestContext.Current.CancellationToken);
        var manifest = Path.Combine(_directory.FullName, "products.yaml");

        var scaffold = await Run("scaffold", "--from-mapping", mapping, "--rows", "20", "-o", manifest);
        scaffold.Exit.Should().Be(0, scaffold.Err);
        var files = Path.Combine(_directory.FullName, "out");
        var generate = await Run("generate", manifest, "--var", "connection=http://localhost:9200", "--format", "ndjson", "-o", files, "-q");
        generate.Exit.Should().Be(0, generate.Err + File.ReadAllText(manifest));

        var documents = File.ReadAllLines(Path.Combine(files, "products.ndjson")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        documents.Should().HaveCount(20);
        foreach (var d in documents)
        {
            d.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["sku", "title", "stock", "price", "launched", "updated_at", "active", "variants"], "the alias stores nothing");
            d.GetProperty("sku").GetString()!.Length.Should().BeInRange(1, 32);
            d.GetProperty("title").ValueKind.Should().Be(JsonValueKind.String);
            d.GetProperty("stock").TryGetInt64(out _).Should().BeTrue();
            d.GetProperty("price").ValueKind.Should().Be(JsonValueKind.Number);
            DateOnly.TryParseExact(d.GetProperty("launched").GetString(), "yyyy-MM-dd", out _).Should().BeTrue("strict_date is a date without time");
            d.GetProperty("updated_at").TryGetDateTime(out _).Should().BeTrue();
            d.GetProperty("active").ValueKind.Should().BeOneOf(JsonValueKind.True, JsonValueKind.False);
            d.GetProperty("variants").ValueKind.Should().Be(JsonValueKind.Object);
        }
    }

    [Theory]
    [InlineData("{\n  \"products\": {\n    \"mappings\": { \"properties\": { \"a\": { \"type\": \"keyword\" } \n}", "mapping.json:4:")]
    [InlineData("{ \"products\": { \"mappings\": { \"properties\": { \"v\": { \"type\": \"dense_vector\" } } } } }", "products.v has type 'dense_vector', which DataGen does not generate")]
    [InlineData("[1, 2]", "a mapping is a JSON object")]
    public async Task A_bad_mapping_fails_naming_where_and_writes_nothing(string json, string message)
    {
        var mapping = Path.Combine(_directory.FullName, "mapping.json");
        await File.WriteAllTextAsync(mapping, json, TestContext.Current.CancellationToken);
        var manifest = Path.Combine(_directory.FullName, "products.yaml");

        var (exit, _, error) = await Run("scaffold", "--from-mapping", mapping, "-o", manifest);

        exit.Should().Be(1);
        Flat(error).Should().Contain(message).And.Contain("nothing was written");
        File.Exists(manifest).Should().BeFalse();
    }

    [Fact]
    public async Task Scaffold_without_a_database_or_a_mapping_is_a_usage_error()
    {
        var (exit, _, error) = await Run("scaffold", "--rows", "5");

        exit.Should().Be(2);
        Flat(error).Should().Contain("scaffold needs --kind and --connection (a database), or --from-mapping");
    }
}
