using System.Text.Json.Nodes;
using DataGen.Outputs;

namespace DataGen.Elasticsearch.Tests;

/// <summary>The mapping an index gets from its model's fields, and a given mapping taking its place.</summary>
public sealed class MappingTests
{
    private static async Task<ModelDescriptor> DescribeAsync(string yaml, string model)
    {
        var output = new MemoryOutput();
        await DataGenerator.GenerateAsync(Manifest.Parse(yaml), output, cancellationToken: TestContext.Current.CancellationToken);
        return output.Models[model];
    }

    private const string Shop = """
        models:
          customers:
            count: 2
            key: id
            fields: { id: uuid, name: name.fullName }
          products:
            count: 3
            key: sku
            fields:
              sku: { type: mask, mask: "SKU-####" }
              customer: { type: ref, ref: customers.id }
              title: commerce.productName
              description: lorem.paragraph
              price: { type: decimal, min: 1, max: 100, scale: 2 }
              stock: { type: int, min: 0, max: 50 }
              active: bool
              added: { type: date, min: 2020-01-01, max: 2024-12-31 }
              updated: { type: datetime, min: 2024-01-01T00:00:00Z, max: 2024-12-31T00:00:00Z }
              opens: { type: time }
              dimensions: { type: object, fields: { width: { type: int, min: 1, max: 9 }, notes: lorem.sentence } }
              tags: { type: array, count: 2, items: lorem.word }
              reviews: { type: array, count: 2, items: { type: object, fields: { stars: { type: int, min: 1, max: 5 }, body: lorem.sentence } } }
        """;

    [Fact]
    public async Task Each_kind_of_field_gets_its_Elasticsearch_type()
    {
        var model = await DescribeAsync(Shop, "products");
        var properties = ElasticsearchMapping.CreateBody(model, null)["mappings"]!["properties"]!.AsObject();

        string? Type(string path) => path.Split('.').Aggregate((JsonNode?)properties, (node, name) => node?[name] is { } n && n["properties"] is { } p && name != path.Split('.')[^1] ? p : node?[name])?["type"]?.GetValue<string>();

        Type("sku").Should().Be("keyword", "a code is an exact value");
        Type("customer").Should().Be("keyword", "a reference is an exact value");
        Type("title").Should().Be("keyword");
        Type("description").Should().Be("text", "prose is searched word by word");
        properties["description"]!["fields"]!["keyword"]!["type"]!.GetValue<string>().Should().Be("keyword");
        Type("price").Should().Be("double");
        Type("stock").Should().Be("long");
        Type("active").Should().Be("boolean");
        Type("added").Should().Be("date");
        properties["added"]!["format"]!.GetValue<string>().Should().Be("strict_date");
        Type("updated").Should().Be("date");
        Type("opens").Should().Be("keyword", "Elasticsearch has no time-of-day type");
        Type("dimensions").Should().Be("object");
        properties["dimensions"]!["properties"]!["width"]!["type"]!.GetValue<string>().Should().Be("long");
        properties["dimensions"]!["properties"]!["notes"]!["type"]!.GetValue<string>().Should().Be("text");
        Type("tags").Should().Be("keyword", "an array of words is a keyword field holding several values");
        Type("reviews").Should().Be("nested", "objects in an array keep their fields together");
        properties["reviews"]!["properties"]!["stars"]!["type"]!.GetValue<string>().Should().Be("long");
        properties["reviews"]!["properties"]!["body"]!["type"]!.GetValue<string>().Should().Be("text");
    }

    [Fact]
    public async Task A_prose_named_key_is_still_a_keyword()
    {
        var model = await DescribeAsync("models:\n  notes:\n    count: 1\n    key: note_text\n    fields: { note_text: { type: mask, mask: \"N-###\" }, body: lorem.sentence }", "notes");
        var properties = ElasticsearchMapping.CreateBody(model, null)["mappings"]!["properties"]!;
        properties["note_text"]!["type"]!.GetValue<string>().Should().Be("keyword");
        properties["body"]!["type"]!.GetValue<string>().Should().Be("text");
    }

    [Fact]
    public async Task A_given_body_replaces_the_derived_mapping_for_its_index_only()
    {
        var products = await DescribeAsync(Shop, "products");
        var customers = await DescribeAsync(Shop, "customers");
        var given = new Dictionary<string, string> { ["products"] = """{"settings":{"number_of_shards":2},"mappings":{"dynamic":"strict","properties":{"sku":{"type":"keyword"}}}}""" };

        var body = ElasticsearchMapping.CreateBody(products, given);
        body["settings"]!["number_of_shards"]!.GetValue<int>().Should().Be(2);
        body["mappings"]!["dynamic"]!.GetValue<string>().Should().Be("strict");
        body["mappings"]!["properties"]!.AsObject().Select(p => p.Key).Should().Equal("sku");

        ElasticsearchMapping.CreateBody(customers, given)["mappings"]!["properties"]!.AsObject().Select(p => p.Key).Should().Equal("id", "name");
    }

    [Fact]
    public void A_mappings_file_with_bad_JSON_is_refused_at_its_line_and_column()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dg-es-{Guid.CreateVersion7()}.json");
        File.WriteAllText(path, "{\n  \"products\": {\n    \"mappings\": { \"properties\": { \"sku\": { \"type\": \"keyword\" } } \n  }\n");
        try
        {
            var act = () => ElasticsearchMapping.ReadFile(path);
            act.Should().Throw<ArgumentException>().Which.Message.Should().StartWith($"{path}:5:").And.Contain("not valid JSON");

            File.WriteAllText(path, "{ \"products\": { \"properties\": {} } }");
            act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("index 'products' must be an object with 'mappings' and/or 'settings'");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("Products", "lower case")]
    [InlineData("_products", "cannot start")]
    [InlineData("a,b", "',' is not allowed")]
    [InlineData("a b", "' ' is not allowed")]
    public void Index_names_Elasticsearch_refuses_are_named(string name, string problem) =>
        IndexNames.Problem(name).Should().Contain(problem);

    [Fact]
    public void Valid_index_names_pass() => IndexNames.Problem("shop-products.v2_x").Should().BeNull();
}
