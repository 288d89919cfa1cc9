using NJsonSchema;
using YamlDotNet.Serialization;

namespace DataGen.Core.Tests.Manifests;

public sealed class ManifestSchemaTests
{
    private static async Task<JsonSchema> Schema() => await JsonSchema.FromJsonAsync(ManifestSchema.Json(), TestContext.Current.CancellationToken);

    private static string YamlToJson(string yaml)
    {
        var graph = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize<object>(yaml);
        return new SerializerBuilder().JsonCompatible().Build().Serialize(graph);
    }

    [Theory]
    [InlineData("retail.yaml")]
    [InlineData("customers.yaml")]
    [InlineData("starfleet.yaml")]
    [InlineData("multistore.yaml")]
    [InlineData("banking.yaml")]
    [InlineData("retail-analytics.yaml")]
    [InlineData("events.yaml")]
    [InlineData("journeys.yaml")]
    public async Task Sample_manifests_validate_against_the_schema(string sample)
    {
        var json = YamlToJson(await File.ReadAllTextAsync(TestGeneration.SamplePath(sample), TestContext.Current.CancellationToken));
        (await Schema()).Validate(json).Should().BeEmpty();
    }

    [Fact]
    public async Task The_schema_rejects_unknown_keys_and_options()
    {
        var schema = await Schema();
        schema.Validate(YamlToJson("modles: {}")).Should().NotBeEmpty();
        schema.Validate(YamlToJson("models: { m: { count: 1, fields: { n: { type: int, mn: 1 } } } }")).Should().NotBeEmpty();
    }

    [Fact]
    public void The_schema_lists_builtin_and_bogus_generators_for_completion()
    {
        var json = ManifestSchema.Json();
        json.Should().Contain("\"name.firstName\"").And.Contain("\"internet.email\"").And.Contain("\"const\": \"template\"");
    }
}
