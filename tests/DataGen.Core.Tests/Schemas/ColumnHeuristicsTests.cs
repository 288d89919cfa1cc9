using DataGen.Generation;
using DataGen.Outputs;
using DataGen.Schemas;

namespace DataGen.Core.Tests.Schemas;

/// <summary>What the scaffold guesses from names: every generator it can write compiles, and lookup tables get words, not people.</summary>
public sealed class ColumnHeuristicsTests
{
    [Fact]
    public async Task Every_text_generator_the_heuristics_can_write_compiles_and_generates()
    {
        var specs = ColumnHeuristics.TextGenerators.ToList();
        var yaml = "models:\n  m:\n    count: 20\n    fields:\n" + string.Join("\n", specs.Select((s, i) => $"      f{i}: {s}")) + "\n";

        var rows = await TestGeneration.RecordsAsync(TestGeneration.Parse(yaml));

        specs.Should().HaveCountGreaterThan(20);
        rows["m"].Should().HaveCount(20);
        rows["m"].SelectMany(r => r.Values).Should().AllSatisfy(v => v.Should().BeOfType<string>().Which.Should().NotBeEmpty());
    }

    [Theory]
    [InlineData("language", "name", "English")]
    [InlineData("category", "name", "commerce.department")]
    [InlineData("country", "country", "address.country")]
    [InlineData("customer", "name", "name.fullName")]
    [InlineData("actor", "name", "name.fullName")]
    [InlineData("currency", "currency_code", "USD")]
    public void Names_are_read_with_their_table(string table, string column, string expected)
    {
        ColumnHeuristics.Text(column, null, false, table).Should().Contain(expected);
    }

    [Theory]
    [InlineData("length", 30, 180)]
    [InlineData("rental_duration", 30, 180)]
    [InlineData("rating", 1, 5)]
    [InlineData("release_year", 1990, 2025)]
    [InlineData("quantity", 1, 10)]
    public void Integers_get_plausible_ranges_from_their_names(string column, int min, int max)
    {
        ColumnHeuristics.Integer(column, null, null).Should().Be($"{{ type: int, min: {min}, max: {max} }}");
    }
}
