using System.Text.Json;
using DataGen.Outputs;

namespace DataGen.Core.Tests.Outputs;

/// <summary>Retail-style runs into files: sources switched off write nothing; CSV and NDJSON models with mode: append grow their files run after run.</summary>
public sealed class RetailRunTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-retail-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string PathOf(string file) => Path.Combine(_directory.FullName, file);

    private static string Daily(int start) => $$"""
        models:
          orders:
            count: 4
            key: order_id
            mode: append
            fields:
              order_id: { type: sequence, start: {{start}} }
              customer: name.fullName
              note: { type: choice, values: ["plain", "with, comma"] }
        """;

    private async Task<FileOutput> RunAsync(string yaml, FileFormat format, ulong? seed = null)
    {
        var manifest = TestGeneration.Parse(yaml);
        var output = new FileOutput(_directory.FullName, format);
        await using (output)
        {
            await DataGenerator.GenerateAsync(seed is { } s ? manifest.WithSeed(s) : manifest, output, cancellationToken: TestContext.Current.CancellationToken);
        }

        return output;
    }

    [Fact]
    public async Task Csv_append_three_times_keeps_one_header_and_every_run_rows_in_order()
    {
        for (var day = 0; day < 3; day++)
        {
            await RunAsync(Daily(1 + (day * 4)), FileFormat.Csv, seed: (ulong)(10 + day));
        }

        var lines = await File.ReadAllLinesAsync(PathOf("orders.csv"), TestContext.Current.CancellationToken);
        lines.Count(l => l == "order_id,customer,note").Should().Be(1);
        lines[0].Should().Be("order_id,customer,note");
        lines.Skip(1).Select(l => l.Split(',')[0]).Should().Equal(Enumerable.Range(1, 12).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        // The first run found no file: its rows are what it writes alone. Later runs continue after what the file holds
        // (their streams are keyed by it, so they are new rows: AppendedFileKeysTests).
        using var single = new TemporaryDirectory();
        var output = new FileOutput(single.Path, FileFormat.Csv);
        await using (output)
        {
            await DataGenerator.GenerateAsync(TestGeneration.Parse(Daily(1)).WithSeed(10), output, cancellationToken: TestContext.Current.CancellationToken);
        }

        lines.Take(5).Should().Equal(await File.ReadAllLinesAsync(Path.Combine(single.Path, "orders.csv"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Ndjson_append_adds_lines_and_a_missing_final_newline_is_supplied()
    {
        await File.WriteAllTextAsync(PathOf("orders.ndjson"), """{"order_id":0,"customer":"Existing","note":"plain"}""", TestContext.Current.CancellationToken);

        await RunAsync(Daily(1), FileFormat.Ndjson);

        var lines = await File.ReadAllLinesAsync(PathOf("orders.ndjson"), TestContext.Current.CancellationToken);
        lines.Should().HaveCount(5);
        lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("order_id").GetInt64()).Should().Equal(0, 1, 2, 3, 4);
    }

    [Fact]
    public async Task Appending_to_a_missing_file_creates_it_with_its_header()
    {
        var output = await RunAsync(Daily(1), FileFormat.Csv);

        output.Written.Should().Equal(PathOf("orders.csv"));
        (await File.ReadAllLinesAsync(PathOf("orders.csv"), TestContext.Current.CancellationToken)).Should().HaveCount(5).And.StartWith("order_id,customer,note");
    }

    [Theory]
    [InlineData("order_id,client,note\r\n1,A,plain\r\n", 10, "the header has 'client' where model 'orders' writes 'customer'")]
    [InlineData("order_id,customer\r\n1,A\r\n", 18, "the header ends where model 'orders' writes 'note'")]
    [InlineData("order_id,customer,note,extra\r\n", 24, "the header has 'extra' after the model's last field")]
    public async Task A_file_whose_header_differs_is_refused_at_the_column_and_left_as_it_was(string existing, int column, string what)
    {
        await File.WriteAllTextAsync(PathOf("orders.csv"), existing, TestContext.Current.CancellationToken);

        var act = () => RunAsync(Daily(1), FileFormat.Csv);

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Message.Should().Contain($"{PathOf("orders.csv")}:1:{column}: {what}").And.Contain("nothing was written");
        error.Model.Should().Be("orders");
        (await File.ReadAllTextAsync(PathOf("orders.csv"), TestContext.Current.CancellationToken)).Should().Be(existing);
        _directory.GetFiles(".*.tmp").Should().BeEmpty();
    }

    [Fact]
    public async Task Json_documents_refuse_append_naming_the_model()
    {
        var act = () => RunAsync(Daily(1), FileFormat.Json);
        (await act.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("model 'orders'").And.Contain("mode: append adds rows to CSV and NDJSON files");
    }

    private const string Sources = """
        models:
          customers: { count: 5, key: id, fields: { id: sequence, name: name.fullName } }
          orders: { count: 3, key: id, fields: { id: sequence, customer: { type: ref, ref: customers.id } } }
          wifi_events: { count: {{wifi}}, fields: { customer: { type: ref, ref: customers.id }, minutes: { type: int, min: 1, max: 90 } } }
          clickstream: { count: 4, enabled: {{clicks}}, fields: { customer: { type: ref, ref: customers.id }, page: internet.url } }
        """;

    [Theory]
    [InlineData(FileFormat.Csv)]
    [InlineData(FileFormat.Ndjson)]
    [InlineData(FileFormat.Json)]
    public async Task A_source_with_count_0_or_enabled_false_writes_no_file_and_leaves_an_old_one_alone(FileFormat format)
    {
        await File.WriteAllTextAsync(PathOf("clickstream.csv"), "kept\r\n", TestContext.Current.CancellationToken);

        var output = await RunAsync(Sources.Replace("{{wifi}}", "0", StringComparison.Ordinal).Replace("{{clicks}}", "false", StringComparison.Ordinal), format);

        output.Written.Select(Path.GetFileNameWithoutExtension).Should().Equal("customers", "orders");
        _directory.GetFileSystemInfos("wifi_events*").Should().BeEmpty();
        _directory.GetFileSystemInfos("clickstream*").Select(f => f.Name).Should().Equal("clickstream.csv");
        (await File.ReadAllTextAsync(PathOf("clickstream.csv"), TestContext.Current.CancellationToken)).Should().Be("kept\r\n");
    }

    [Fact]
    public async Task Switching_a_source_off_leaves_the_other_sources_rows_unchanged()
    {
        var on = await RunAsync(Sources.Replace("{{wifi}}", "3", StringComparison.Ordinal).Replace("{{clicks}}", "true", StringComparison.Ordinal), FileFormat.Csv);
        var customers = await File.ReadAllTextAsync(PathOf("customers.csv"), TestContext.Current.CancellationToken);
        var orders = await File.ReadAllTextAsync(PathOf("orders.csv"), TestContext.Current.CancellationToken);
        on.Written.Should().HaveCount(4);

        await RunAsync(Sources.Replace("{{wifi}}", "0", StringComparison.Ordinal).Replace("{{clicks}}", "false", StringComparison.Ordinal), FileFormat.Csv);

        (await File.ReadAllTextAsync(PathOf("customers.csv"), TestContext.Current.CancellationToken)).Should().Be(customers);
        (await File.ReadAllTextAsync(PathOf("orders.csv"), TestContext.Current.CancellationToken)).Should().Be(orders);
    }

    [Fact]
    public void Enabled_must_be_true_or_false_at_its_location()
    {
        var act = () => TestGeneration.Parse("models:\n  m: { count: 1, enabled: maybe, fields: { x: uuid } }");
        act.Should().Throw<ManifestException>().Which.Message.Should().Contain("test.yaml(2,").And.Contain("'enabled' must be true or false, found 'maybe'");
    }

    [Fact]
    public void A_ref_into_a_switched_off_model_is_refused_at_the_ref()
    {
        var act = () => TestGeneration.Parse("""
            models:
              customers: { count: 5, enabled: false, key: id, fields: { id: sequence } }
              orders: { count: 3, fields: { lines: { type: array, count: 1, items: { type: object, fields: { customer: { type: ref, ref: customers.id } } } } } }
            """);
        act.Should().Throw<ManifestException>().Which.Message.Should().Contain("test.yaml(3,").And.Contain("field 'lines' refers to model 'customers', which is switched off (enabled: false)");
    }

    private sealed class TemporaryDirectory : IDisposable
    {
        private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-single-");

        public string Path => _directory.FullName;

        public void Dispose() => _directory.Delete(recursive: true);
    }
}
