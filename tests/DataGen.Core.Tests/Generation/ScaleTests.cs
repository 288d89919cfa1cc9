using DataGen.Generation;
using DataGen.Outputs;

namespace DataGen.Core.Tests.Generation;

/// <summary><c>scale: false</c>: lookup tables keep their size when everything else scales.</summary>
public sealed class ScaleTests
{
    private const string Yaml = """
        models:
          countries:
            count: 5
            scale: false
            key: code
            fields: { code: { type: sequence, start: 1 } }
          customers:
            count: 100
            key: id
            fields: { id: uuid, country: { type: ref, ref: countries.code } }
          orders:
            count: { per: customers, min: 1, max: 1 }
            fields: { customer: { type: ref, ref: customers.id } }
        """;

    [Fact]
    public async Task A_model_with_scale_false_keeps_its_count_and_the_others_scale()
    {
        var manifest = TestGeneration.Parse(Yaml, new ManifestOptions { Scale = 3 });
        var output = new MemoryOutput();

        await DataGenerator.GenerateAsync(manifest, output, cancellationToken: TestContext.Current.CancellationToken);

        output.Rows["countries"].Should().HaveCount(5);
        output.Rows["customers"].Should().HaveCount(300);
        output.Rows["orders"].Should().HaveCount(300);
        output.Rows["customers"].Select(r => r[1]).Distinct().Should().HaveCount(5, "references spread over the unscaled lookup table");
    }

    [Fact]
    public void The_builder_says_the_same()
    {
        var manifest = new ManifestBuilder()
            .WithModel("statuses", m => m.WithCount(4).WithoutScaling().WithField("id", "sequence"))
            .WithModel("tickets", m => m.WithCount(10).WithField("id", "uuid"))
            .Build(new ManifestOptions { Scale = 10 });

        manifest.Plan.Models.Single(m => m.Name == "statuses").ResolveCount(10, _ => 0, new MemoryBudget(null)).Count.Should().Be(4);
        manifest.Plan.Models.Single(m => m.Name == "tickets").ResolveCount(10, _ => 0, new MemoryBudget(null)).Count.Should().Be(100);
    }

    [Theory]
    [InlineData("scale: maybe", "'scale' must be true or false, found 'maybe'")]
    [InlineData("scale: false\n    count: { per: a, min: 1, max: 2 }", "'scale: false' does not apply to a per-parent count")]
    public void Bad_scale_settings_are_located(string setting, string message)
    {
        var act = () => TestGeneration.Parse($"""
            models:
              a: {"{"} count: 2, fields: {"{"} id: uuid {"}"} {"}"}
              b:
                {setting}
                fields: {"{"} id: uuid {"}"}
            """);

        var error = act.Should().Throw<ManifestException>().Which.Errors.Should().ContainSingle(e => e.Message.Contains(message)).Which;
        error.Line.Should().Be(4);
    }
}
