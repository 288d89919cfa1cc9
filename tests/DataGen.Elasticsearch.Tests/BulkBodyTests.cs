using System.Text;
using System.Text.Json.Nodes;
using DataGen.Outputs;

namespace DataGen.Elasticsearch.Tests;

/// <summary>The NDJSON of a bulk request and how rows are cut into bodies by bytes.</summary>
public sealed class BulkBodyTests
{
    private static async Task<(ModelDescriptor Model, List<object?[]> Rows)> RowsAsync(string yaml, string model)
    {
        var output = new MemoryOutput();
        await DataGenerator.GenerateAsync(Manifest.Parse(yaml), output, cancellationToken: TestContext.Current.CancellationToken);
        return (output.Models[model], output.Rows[model]);
    }

    [Fact]
    public async Task A_keyed_row_is_a_create_action_with_its_key_as_id_then_the_document()
    {
        var (model, rows) = await RowsAsync("models:\n  people:\n    count: 2\n    key: id\n    fields: { id: { type: sequence, start: 7 }, name: name.fullName, born: { type: date, min: 2000-01-01, max: 2000-01-01 } }", "people");
        var body = new BulkBody(model with { Target = "staff" }, 1 << 20);

        var text = Encoding.UTF8.GetString(body.Encode(rows[0]));
        var lines = text.Split('\n');
        lines.Should().HaveCount(3).And.EndWith(string.Empty, "each line ends with a newline");
        JsonNode.Parse(lines[0])!.ToJsonString().Should().Be("""{"create":{"_index":"staff","_id":"7"}}""");
        var document = JsonNode.Parse(lines[1])!;
        document["id"]!.GetValue<long>().Should().Be(7);
        document["name"]!.GetValue<string>().Should().Be((string)rows[0][1]!);
        document["born"]!.GetValue<string>().Should().Be("2000-01-01");
    }

    [Fact]
    public async Task A_row_without_key_is_an_index_action_and_the_server_assigns_the_id()
    {
        var (model, rows) = await RowsAsync("models:\n  clicks:\n    count: 1\n    fields: { page: internet.url }", "clicks");
        var body = new BulkBody(model, 1 << 20);
        body.HasIds.Should().BeFalse();
        Encoding.UTF8.GetString(body.Encode(rows[0])).Split('\n')[0].Should().Be("""{"index":{"_index":"clicks"}}""");
    }

    [Fact]
    public async Task Ids_and_index_names_are_escaped_as_JSON()
    {
        var (model, rows) = await RowsAsync("models:\n  odd:\n    count: 1\n    key: code\n    fields: { code: { type: constant, value: 'a\"b\\\\c' } }", "odd");
        var line = Encoding.UTF8.GetString(new BulkBody(model with { Target = "we\"ird" }, 1 << 20).Encode(rows[0])).Split('\n')[0];
        var action = JsonNode.Parse(line)!["create"]!;
        action["_id"]!.GetValue<string>().Should().Be((string)rows[0][0]!).And.Contain("\"").And.Contain("\\");
        action["_index"]!.GetValue<string>().Should().Be("we\"ird");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(600)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public async Task Bodies_stay_within_the_byte_budget_and_carry_every_row_once_in_order(int budget)
    {
        var (model, rows) = await RowsAsync("models:\n  people:\n    count: 300\n    key: id\n    fields: { id: { type: sequence }, bio: lorem.paragraphs }", "people");
        var body = new BulkBody(model, budget);
        var bodies = new List<(string Text, int Rows, long First)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var lines = body.Encode(rows[i]);
            if (!body.Fits(lines))
            {
                bodies.Add((Encoding.UTF8.GetString(body.Bytes.Span), body.Count, body.FirstRow));
                body.Clear();
            }

            body.Add(lines, i);
        }

        bodies.Add((Encoding.UTF8.GetString(body.Bytes.Span), body.Count, body.FirstRow));

        bodies.Where(b => b.Rows > 1).Should().OnlyContain(b => Encoding.UTF8.GetByteCount(b.Text) <= budget, "only a single row larger than the budget may exceed it");
        var ids = bodies.SelectMany(b => b.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where((_, i) => i % 2 == 0))
            .Select(l => JsonNode.Parse(l)!["create"]!["_id"]!.GetValue<string>()).ToList();
        ids.Should().Equal(Enumerable.Range(1, 300).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        bodies.Select(b => b.First).Should().Equal(bodies.Select((_, i) => (long)bodies.Take(i).Sum(x => x.Rows)));
        if (budget == 1)
        {
            bodies.Should().HaveCount(300, "every row is larger than one byte and goes alone");
        }

        if (budget == 1 << 20)
        {
            bodies.Should().ContainSingle();
        }
    }

    [Fact]
    public async Task The_lines_of_one_row_can_be_taken_out_again_to_resend()
    {
        var (model, rows) = await RowsAsync("models:\n  p:\n    count: 3\n    key: id\n    fields: { id: { type: sequence } }", "p");
        var body = new BulkBody(model, 1 << 20);
        var encoded = rows.Select(body.Encode).ToList();
        for (var i = 0; i < 3; i++)
        {
            body.Add(encoded[i], i);
        }

        body.Lines(1).ToArray().Should().Equal(encoded[1]);
        body.Lines(2).ToArray().Should().Equal(encoded[2]);
    }

    [Theory]
    [InlineData("5mb", 5L * 1024 * 1024)]
    [InlineData("512kb", 512L * 1024)]
    [InlineData("1000", 1000L)]
    [InlineData(" 2GB ", 2L * 1024 * 1024 * 1024)]
    public void Sizes_are_read_with_units(string text, long bytes) => ElasticsearchStoreProvider.ParseBytes(text).Should().Be(bytes);

    [Theory]
    [InlineData("0")]
    [InlineData("-5mb")]
    [InlineData("five")]
    [InlineData("5tb")]
    public void Sizes_that_are_not_sizes_are_refused(string text) => ElasticsearchStoreProvider.ParseBytes(text).Should().BeNull();
}
