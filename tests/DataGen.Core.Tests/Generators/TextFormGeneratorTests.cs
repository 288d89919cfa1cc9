using System.Globalization;
using System.Text.RegularExpressions;

namespace DataGen.Core.Tests.Generators;

/// <summary>The bits and range generators: a database type's text input form (issue 24).</summary>
public sealed partial class TextFormGeneratorTests
{
    private static async Task<List<Dictionary<string, object?>>> Rows(string fields, int count = 1000)
    {
        var yaml = $"""
            seed: 7
            referenceDate: 2025-06-15T12:00:00Z
            models:
              m:
                count: {count}
                fields:
            {string.Join("\n", fields.Split('\n').Select(l => "      " + l))}
            """;
        return (await TestGeneration.RecordsAsync(TestGeneration.Parse(yaml)))["m"];
    }

    [GeneratedRegex(@"\[(-?[0-9.]+),(-?[0-9.]+)\)")]
    private static partial Regex NumericRange();

    [Fact]
    public async Task Bits_have_the_fixed_length_or_one_in_min_max()
    {
        var rows = await Rows("""
            fixed: { type: bits, length: 8 }
            varying: { type: bits, min: 1, max: 70 }
            """);

        rows.Select(r => (string)r["fixed"]!).Should().OnlyContain(s => s.Length == 8 && s.All(c => c == '0' || c == '1'));
        var varying = rows.Select(r => (string)r["varying"]!).ToList();
        varying.Should().OnlyContain(s => s.Length >= 1 && s.Length <= 70 && s.All(c => c == '0' || c == '1'));
        varying.Select(s => s.Length).Distinct().Should().HaveCountGreaterThan(60, "every length in [min, max] is drawn");
        varying.Where(s => s.Length > 64).Should().Contain(s => s.Substring(64).Contains('1'), "bits past the first 64 are drawn too");
    }

    [Fact]
    public async Task Ranges_have_two_distinct_ordered_bounds_within_min_max()
    {
        var rows = await Rows("""
            ints: { type: range, of: int, min: 5, max: 9 }
            money: { type: range, of: decimal, min: 0, max: 1, scale: 2 }
            days: { type: range, of: date, min: 2024-01-01, max: 2024-01-31 }
            times: { type: range, of: datetime, min: -1d, max: 0 }
            """);

        foreach (var row in rows)
        {
            var ints = NumericRange().Match((string)row["ints"]!);
            var (lo, hi) = (long.Parse(ints.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(ints.Groups[2].Value, CultureInfo.InvariantCulture));
            lo.Should().BeLessThan(hi).And.BeGreaterThanOrEqualTo(5);
            hi.Should().BeLessThanOrEqualTo(9);
            ((string)row["money"]!).Should().MatchRegex(@"^\[[01]\.[0-9]{2},[01]\.[0-9]{2}\)$");
            ((string)row["days"]!).Should().MatchRegex(@"^\[2024-01-[0-3][0-9],2024-01-[0-3][0-9]\)$");
            ((string)row["times"]!).Should().MatchRegex("""^\["2025-06-1[45] [0-9:]{8}\+00","2025-06-1[45] [0-9:]{8}\+00"\)$""");
        }
    }

    [Fact]
    public async Task Multiranges_hold_count_ranges_that_do_not_touch()
    {
        var rows = await Rows("many: { type: range, of: int, min: 1, max: 12, count: [1, 3] }");

        foreach (var value in rows.Select(r => (string)r["many"]!))
        {
            value.Should().StartWith("{").And.EndWith("}");
            var bounds = NumericRange().Matches(value).SelectMany(m => new[] { m.Groups[1].Value, m.Groups[2].Value }).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToList();
            bounds.Count.Should().BeInRange(2, 6);
            bounds.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems("ranges neither overlap nor touch");
        }

        rows.Select(r => NumericRange().Matches((string)r["many"]!).Count).Distinct().Should().BeEquivalentTo([1, 2, 3]);
    }

    [Fact]
    public async Task Disjoint_ranges_of_different_rows_never_overlap()
    {
        var rows = await Rows("slot: { type: range, of: int, min: 0, max: 10, disjoint: true }", 200);

        var ranges = rows.Select(r => NumericRange().Match((string)r["slot"]!)).Select(m => (Lo: long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Hi: long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        for (var i = 1; i < ranges.Count; i++)
        {
            ranges[i].Lo.Should().BeGreaterThanOrEqualTo(ranges[i - 1].Hi, "row i's range lies after row i-1's");
        }
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_bits_and_ranges()
    {
        const string Fields = """
            b: { type: bits, min: 1, max: 20 }
            r: { type: range, of: date, count: 2 }
            """;

        (await Rows(Fields, 100)).Should().BeEquivalentTo(await Rows(Fields, 100), o => o.WithStrictOrdering());
    }

    [Theory]
    [InlineData("{ type: bits, length: 4, max: 8 }", "give either 'length' or 'min'/'max'")]
    [InlineData("{ type: range, of: text }", "option 'of' must be one of int, decimal, date, datetime")]
    [InlineData("{ type: range, of: int, min: 1, max: 2, count: 2 }", "too few for 2 range(s)")]
    [InlineData("{ type: range, of: date, min: soon }", "option 'min' must be a date")]
    [InlineData("{ type: range, of: int, scale: 2 }", "option 'scale' goes with 'of: decimal'")]
    public void Invalid_options_are_located_errors(string spec, string message)
    {
        var act = () => TestGeneration.Parse($"models:\n  m:\n    count: 1\n    fields:\n      f: {spec}\n");

        act.Should().Throw<ManifestException>().Which.Errors.Should().Contain(e => e.Message.Contains(message, StringComparison.Ordinal) && e.Line > 0);
    }
}
