namespace DataGen.Core.Tests.Manifests;

public sealed class ManifestBuilderTests
{
    [Fact]
    public async Task A_manifest_built_in_csharp_generates_the_same_data_as_its_yaml()
    {
        var built = new ManifestBuilder()
            .WithSeed(42)
            .WithVariable("domain", "example.com")
            .WithModel("customers", m => m.WithCount(20).WithKey("id")
                .WithField("id", "uuid")
                .WithField("name", "name.firstName")
                .WithField("email", "template", new { template = "{{name}}@{{domain}}", unique = true })
                .WithField("tier", "choice", new { values = new Dictionary<string, int> { ["gold"] = 1, ["silver"] = 3 } }))
            .WithModel("orders", m => m.WithCountPerParent("customers", 1, 3)
                .WithField("customer_id", "ref", new { @ref = "customers.id" })
                .WithField("amount", "decimal", new { min = 1, max = 99.5m, scale = 2 }))
            .Build(new ManifestOptions { Environment = _ => null });

        var yaml = TestGeneration.Parse("""
            seed: 42
            variables: { domain: example.com }
            models:
              customers:
                count: 20
                key: id
                fields:
                  id: uuid
                  name: name.firstName
                  email: { type: template, template: "{{name}}@{{domain}}", unique: true }
                  tier: { type: choice, values: { gold: 1, silver: 3 } }
              orders:
                count: { per: customers, min: 1, max: 3 }
                fields:
                  customer_id: { type: ref, ref: customers.id }
                  amount: { type: decimal, min: 1, max: 99.5, scale: 2 }
            """);

        var a = await TestGeneration.RowsAsync(built);
        var b = await TestGeneration.RowsAsync(yaml);
        a["customers"].Should().BeEquivalentTo(b["customers"], o => o.WithStrictOrdering());
        a["orders"].Should().BeEquivalentTo(b["orders"], o => o.WithStrictOrdering());
    }

    [Fact]
    public void A_built_manifest_is_validated_like_yaml()
    {
        var act = () => new ManifestBuilder()
            .WithModel("m", m => m.WithCount(1).WithField("x", "name.frstName"))
            .Build();

        act.Should().Throw<ManifestException>().Which.Errors.Should().ContainSingle()
            .Which.Should().Match<ManifestError>(e => e.File == "<ManifestBuilder>" && e.Model == "m" && e.Field == "x" && e.Message.Contains("did you mean 'name.firstName'"));
    }

    [Fact]
    public async Task Duplicates_from_csharp_carry_ground_truth()
    {
        var manifest = new ManifestBuilder()
            .WithSeed(4)
            .WithModel("people", m => m
                .WithCount(2000)
                .WithKey("id")
                .WithField("id", "uuid")
                .WithField("name", "name.firstName")
                .WithDuplicates(25, new Dictionary<string, string[]> { ["name"] = ["typo", "case"] }, truth: "entity"))
            .Build(new ManifestOptions { Environment = _ => null });

        var people = (await TestGeneration.RecordsAsync(manifest))["people"];

        var share = people.Count(p => !Equals(p["entity"], p["id"])) / (double)people.Count;
        share.Should().BeApproximately(0.25, 0.03);
    }
}
