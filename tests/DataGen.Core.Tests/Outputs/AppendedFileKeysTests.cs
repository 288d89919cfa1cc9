using System.Globalization;
using System.Text.Json;
using DataGen.Outputs;

namespace DataGen.Core.Tests.Outputs;

/// <summary>
/// <c>mode: append</c> on CSV and NDJSON files answers the starting read from the file: sequence keys continue after the
/// largest the file holds, unique values avoid the ones it holds, and <c>existing: true</c> refs reach its rows.
/// </summary>
public sealed class AppendedFileKeysTests : IDisposable
{
    private const string Yaml = """
        models:
          customers:
            count: 5
            key: customer_id
            mode: append
            fields:
              customer_id: sequence
              code: { type: mask, mask: "##", unique: true }
          orders:
            count: 20
            key: order_id
            mode: append
            fields:
              order_id: { type: sequence, start: 100 }
              customer_id: { type: ref, ref: customers.customer_id, existing: true }
              customer_code: { type: lookup, from: customer_id, field: code }
          favourites:
            count: 8
            mode: append
            unique: [customer_id, product]
            fields:
              customer_id: { type: ref, ref: customers.customer_id, existing: true }
              product: { type: int, min: 1, max: 3 }
        """;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-append-keys-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Theory]
    [InlineData(FileFormat.Csv)]
    [InlineData(FileFormat.Ndjson)]
    public async Task Three_appends_continue_the_keys_repeat_no_unique_value_and_refs_reach_earlier_rows(FileFormat format)
    {
        var first = Path.Combine(_directory.FullName, "a");
        await RunThreeTimesAsync(first, format);

        var customers = Rows(first, "customers", format);
        var orders = Rows(first, "orders", format);
        customers.Select(r => long.Parse(r["customer_id"], CultureInfo.InvariantCulture)).Should().Equal(Enumerable.Range(1, 15).Select(i => (long)i));
        customers.Select(r => r["code"]).Should().OnlyHaveUniqueItems();
        orders.Select(r => long.Parse(r["order_id"], CultureInfo.InvariantCulture)).Should().Equal(Enumerable.Range(100, 60).Select(i => (long)i));

        var ids = customers.Select(r => r["customer_id"]).ToHashSet();
        orders.Should().OnlyContain(o => ids.Contains(o["customer_id"]));

        // A lookup through an existing ref copies the held row's field; a composite unique key avoids the held pairs.
        var codes = customers.ToDictionary(r => r["customer_id"], r => r["code"]);
        orders.Should().OnlyContain(o => codes[o["customer_id"]] == o["customer_code"]);
        var favourites = Rows(first, "favourites", format);
        favourites.Should().HaveCount(24);
        favourites.Select(f => (f["customer_id"], f["product"])).Should().OnlyHaveUniqueItems("no run repeats a pair the file held");

        // The third run's orders (its own new customers are 11..15) also point at customers the file held before it.
        orders.Skip(40).Select(o => long.Parse(o["customer_id"], CultureInfo.InvariantCulture)).Should().Contain(id => id <= 10);

        // Same seed, same starting files: the same bytes.
        var second = Path.Combine(_directory.FullName, "b");
        await RunThreeTimesAsync(second, format);
        foreach (var file in Directory.GetFiles(first))
        {
            (await File.ReadAllBytesAsync(Path.Combine(second, Path.GetFileName(file)), TestContext.Current.CancellationToken))
                .Should().Equal(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken), Path.GetFileName(file));
        }
    }

    [Fact]
    public async Task A_ndjson_line_that_is_not_json_is_refused_at_its_line_and_the_file_is_left_as_it_was()
    {
        var path = Path.Combine(_directory.FullName, "customers.ndjson");
        const string Existing = "{\"customer_id\":1,\"code\":\"01\"}\n{\"customer_id\":2,\n";
        await File.WriteAllTextAsync(path, Existing, TestContext.Current.CancellationToken);

        var run = () => RunAsync(_directory.FullName, FileFormat.Ndjson);

        (await run.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain($"{path}:2:");
        (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).Should().Be(Existing);
    }

    private static async Task RunThreeTimesAsync(string directory, FileFormat format)
    {
        for (var run = 0; run < 3; run++)
        {
            await RunAsync(directory, format);
        }
    }

    private static async Task RunAsync(string directory, FileFormat format)
    {
        var output = new FileOutput(directory, format);
        await using (output)
        {
            await DataGenerator.GenerateAsync(TestGeneration.Parse(Yaml).WithSeed(7), output, cancellationToken: TestContext.Current.CancellationToken);
        }
    }

    private static List<Dictionary<string, string>> Rows(string directory, string model, FileFormat format)
    {
        if (format == FileFormat.Ndjson)
        {
            return File.ReadAllLines(Path.Combine(directory, model + ".ndjson"))
                .Select(l => JsonDocument.Parse(l).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()))
                .ToList();
        }

        var lines = File.ReadAllLines(Path.Combine(directory, model + ".csv"));
        var header = lines[0].Split(',');
        lines.Count(l => l == lines[0]).Should().Be(1, "the header is written once");
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }
}
