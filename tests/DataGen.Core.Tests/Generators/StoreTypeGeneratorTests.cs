using System.Text.Json;
using System.Text.RegularExpressions;
using DataGen.Outputs;

namespace DataGen.Core.Tests.Generators;

/// <summary>The generators for store types: bytes (blobs), set (MySQL SET) and geometry (well-known text).</summary>
public sealed partial class StoreTypeGeneratorTests
{
    private static async Task<List<Dictionary<string, object?>>> Rows(string fields, int count = 500) =>
        (await TestGeneration.RecordsAsync(TestGeneration.Parse($"seed: 3\nmodels:\n  m:\n    count: {count}\n    fields: {fields}\n")))["m"];

    [Fact]
    public async Task Bytes_have_a_size_within_the_bounds_or_the_exact_length()
    {
        var rows = await Rows("{ blob: { type: bytes, min: 3, max: 40 }, fixed: { type: bytes, length: 16 } }");

        var sizes = rows.Select(r => ((byte[])r["blob"]!).Length).ToList();
        sizes.Should().OnlyContain(n => n >= 3 && n <= 40);
        sizes.Distinct().Should().HaveCount(38);
        rows.Should().OnlyContain(r => ((byte[])r["fixed"]!).Length == 16);
        rows.Select(r => Convert.ToHexString((byte[])r["fixed"]!)).Distinct().Should().HaveCount(rows.Count);
    }

    [Fact]
    public async Task Bytes_are_the_same_for_the_same_seed()
    {
        var first = await Rows("{ blob: { type: bytes, min: 0, max: 100 } }", 50);
        var second = await Rows("{ blob: { type: bytes, min: 0, max: 100 } }", 50);

        second.Select(r => Convert.ToHexString((byte[])r["blob"]!)).Should().Equal(first.Select(r => Convert.ToHexString((byte[])r["blob"]!)));
    }

    [Theory]
    [InlineData("{ type: bytes, length: 4, max: 9 }", "give 'length' or 'min'/'max', not both")]
    [InlineData("{ type: bytes, min: 10, max: 9 }", "the size must be 0 to 67108864 bytes with min ≤ max, found 10–9")]
    [InlineData("{ type: set, values: [a, \"b,c\"] }", "a member of a set cannot contain a comma: 'b,c'")]
    [InlineData("{ type: set, values: [a, b], max: 3 }", "min and max must be within 0–2 with min ≤ max, found 1–3")]
    [InlineData("{ type: geometry, shape: circle }", "circle")]
    public void Bad_options_are_errors(string spec, string message)
    {
        var act = () => TestGeneration.Parse($"models:\n  m:\n    count: 1\n    fields: {{ x: {spec} }}\n");

        act.Should().Throw<ManifestException>().WithMessage($"*{message}*");
    }

    [Fact]
    public async Task A_set_is_a_subset_of_its_members_in_their_order()
    {
        string[] members = ["Trailers", "Commentaries", "Deleted Scenes", "Behind the Scenes"];
        var values = (await Rows("{ features: { type: set, values: [Trailers, Commentaries, Deleted Scenes, Behind the Scenes] } }")).Select(r => (string)r["features"]!).ToList();

        values.Should().OnlyContain(v => v.Length > 0);
        foreach (var value in values)
        {
            var parts = value.Split(',');
            parts.Should().OnlyContain(p => members.Contains(p)).And.OnlyHaveUniqueItems();
            parts.Select(p => Array.IndexOf(members, p)).Should().BeInAscendingOrder();
        }

        values.Distinct().Should().HaveCount(15, "every non-empty subset of four members appears");
    }

    [Fact]
    public async Task Geometry_is_well_known_text_within_the_bounds()
    {
        var rows = await Rows("{ p: { type: geometry, minX: 10, maxX: 20, minY: -5, maxY: 5 }, l: { type: geometry, shape: linestring }, a: { type: geometry, shape: polygon } }");

        foreach (var row in rows)
        {
            var point = Point().Match((string)row["p"]!);
            point.Success.Should().BeTrue((string)row["p"]!);
            double.Parse(point.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture).Should().BeInRange(10, 20);
            double.Parse(point.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture).Should().BeInRange(-5, 5);
            ((string)row["l"]!).Should().MatchRegex(@"^LINESTRING\(-?[\d.]+ -?[\d.]+(, -?[\d.]+ -?[\d.]+){1,4}\)$");
            var ring = ((string)row["a"]!)["POLYGON((".Length..^2].Split(", ");
            ring.Should().HaveCount(5);
            ring[0].Should().Be(ring[4], "a polygon's ring is closed");
            ring.Take(4).Should().OnlyHaveUniqueItems();
        }
    }

    [Fact]
    public void Bytes_are_base64_in_text_and_json_and_other_values_are_unchanged()
    {
        byte[] bytes = [0, 1, 2, 250, 251, 255];

        ValueText.Format(bytes).Should().Be("AAEC+vv/");
        ValueText.KindOf(bytes).Should().Be(ValueKind.Bytes);
        ValueText.ToJson(new object?[] { bytes, 1L, "x" }).Should().Be("[\"AAEC+vv/\",1,\"x\"]");
        JsonDocument.Parse(ValueText.ToJson(bytes)).RootElement.GetBytesFromBase64().Should().Equal(bytes);
    }

    [Theory]
    [InlineData(FileFormat.Ndjson)]
    [InlineData(FileFormat.Csv)]
    public async Task Files_write_bytes_as_base64_the_same_way_every_time(FileFormat format)
    {
        var manifest = TestGeneration.Parse("seed: 9\nmodels:\n  m:\n    count: 20\n    fields: { id: sequence, blob: { type: bytes, min: 1, max: 30 } }\n");
        var rows = await TestGeneration.RowsAsync(manifest);
        var directory = Directory.CreateTempSubdirectory("datagen-bytes-");
        try
        {
            await using (var output = new FileOutput(directory.FullName, format))
            {
                await DataGenerator.GenerateAsync(manifest, output, null, TestContext.Current.CancellationToken);
            }

            var text = await File.ReadAllTextAsync(Directory.GetFiles(directory.FullName).Single(), TestContext.Current.CancellationToken);
            foreach (var row in rows["m"])
            {
                text.Should().Contain(Convert.ToBase64String((byte[])row[1]!));
            }

            (await TestGeneration.FileHashesAsync(manifest, format)).Should().Equal(await TestGeneration.FileHashesAsync(manifest, format));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"^POINT\((-?[\d.]+) (-?[\d.]+)\)$")]
    private static partial Regex Point();
}
