using System.Text.Json;
using DataGen.Outputs;

namespace DataGen.Core.Tests.Outputs;

public sealed class FileOutputTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-out-");

    public void Dispose() => _directory.Delete(recursive: true);

    private const string Yaml = """
        models:
          people:
            count: 5
            key: id
            fields:
              id: sequence
              name: { type: choice, values: ["Smith, John", "O\"Hara", " padded ", "plain"] }
              note: { type: constant, value: null }
              tags: { type: array, count: 2, items: { type: choice, values: [a, b] } }
              born: { type: date, min: 2000-01-01, max: 2000-01-01 }
        """;

    private async Task<FileOutput> Generate(FileFormat format, string yaml = Yaml)
    {
        var output = new FileOutput(_directory.FullName, format);
        await using (output)
        {
            await DataGenerator.GenerateAsync(TestGeneration.Parse(yaml), output, cancellationToken: TestContext.Current.CancellationToken);
        }

        return output;
    }

    [Fact]
    public async Task Csv_has_a_header_quotes_where_needed_and_nests_as_json()
    {
        await Generate(FileFormat.Csv);
        var lines = await File.ReadAllLinesAsync(Path.Combine(_directory.FullName, "people.csv"), TestContext.Current.CancellationToken);

        lines[0].Should().Be("id,name,note,tags,born");
        lines.Should().HaveCount(6);
        lines.Skip(1).Should().AllSatisfy(l => l.Should().MatchRegex("""^\d+,("Smith, John"|"O""Hara"|" padded "|plain),,"\[""[ab]"",""[ab]""\]",2000-01-01$"""));
    }

    [Fact]
    public async Task Ndjson_has_one_object_per_line_with_typed_values()
    {
        await Generate(FileFormat.Ndjson);
        var lines = await File.ReadAllLinesAsync(Path.Combine(_directory.FullName, "people.ndjson"), TestContext.Current.CancellationToken);

        lines.Should().HaveCount(5);
        using var first = JsonDocument.Parse(lines[0]);
        first.RootElement.GetProperty("id").GetInt64().Should().Be(1);
        first.RootElement.GetProperty("note").ValueKind.Should().Be(JsonValueKind.Null);
        first.RootElement.GetProperty("tags").GetArrayLength().Should().Be(2);
        first.RootElement.GetProperty("born").GetString().Should().Be("2000-01-01");
    }

    [Fact]
    public async Task Json_writes_one_file_per_row_named_by_type_and_key()
    {
        var output = await Generate(FileFormat.Json);
        var files = Directory.GetFiles(Path.Combine(_directory.FullName, "people")).Select(Path.GetFileName).Order().ToList();

        files.Should().Equal("people-1.json", "people-2.json", "people-3.json", "people-4.json", "people-5.json");
        output.Written.Should().ContainSingle().Which.Should().EndWith("people");
    }

    [Fact]
    public async Task A_failed_run_publishes_nothing_and_keeps_the_previous_output()
    {
        await Generate(FileFormat.Ndjson);
        var previous = await File.ReadAllTextAsync(Path.Combine(_directory.FullName, "people.ndjson"), TestContext.Current.CancellationToken);

        // Second model fails on its 2nd row (a unique field with one possible value): nothing of this run may appear.
        const string failing = """
            models:
              people:
                count: 3
                fields: { id: uuid }
              broken:
                count: 2
                fields: { x: { type: constant, value: 1, unique: true } }
            """;
        var act = () => Generate(FileFormat.Ndjson, failing);
        await act.Should().ThrowAsync<GenerationException>().WithMessage("model 'broken', field 'x', row 1:*");

        Directory.GetFiles(_directory.FullName).Select(Path.GetFileName).Should().Equal("people.ndjson");
        (await File.ReadAllTextAsync(Path.Combine(_directory.FullName, "people.ndjson"), TestContext.Current.CancellationToken)).Should().Be(previous);
    }

    [Fact]
    public async Task A_cancelled_run_leaves_no_files()
    {
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Rows >= 4096)
            {
                cts.Cancel();
            }
        });
        var manifest = TestGeneration.Parse("models:\n  m:\n    count: 100000\n    fields: { id: uuid }");
        var act = async () =>
        {
            await using var output = new FileOutput(_directory.FullName, FileFormat.Ndjson);
            await DataGenerator.GenerateAsync(manifest, output, new GenerationOptions { Progress = progress, MaxDegreeOfParallelism = 1 }, cts.Token);
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        Directory.GetFileSystemEntries(_directory.FullName).Should().BeEmpty();
    }

    private sealed class SynchronousProgress(Action<GenerationProgress> report) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => report(value);
    }
}
