using System.Globalization;
using DataGen.Manifests;
using DataGen.Outputs;

namespace DataGen.Core.Tests.Duplicates;

/// <summary>
/// <c>archive:</c> keeps a model's rows across runs and <c>duplicates: { archived: n }</c> re-injects them as fuzzed
/// duplicates: run 1 writes the archive, run 2 re-injects, and run 2's rows are scored against their ground truth.
/// </summary>
public sealed class ArchiveTests : IDisposable
{
    private const int Customers = 2000;
    private const int ArchivedPercent = 10;
    private const int RunPercent = 5;
    private const int MaxEdits = 2;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-archive-");

    public void Dispose() => _directory.Delete(recursive: true);

    private static string Yaml(string archive) => $$"""
        seed: 11
        models:
          stores:
            count: 3
            key: store_id
            fields:
              store_id: sequence
          customers:
            count: {{Customers}}
            key: customer_id
            archive: {{archive}}
            fields:
              customer_id: sequence
              first_name: name.firstName
              last_name: name.lastName
              city: address.city
              store_id: { type: ref, ref: stores.store_id }
            duplicates:
              rate: {{RunPercent}}
              archived: {{ArchivedPercent}}
              edits: 1-{{MaxEdits}}
              fields:
                first_name: [typo]
                last_name: [typo]
        """;

    [Fact]
    public async Task A_later_run_re_injects_archived_rows_as_fuzzed_duplicates_scored_against_the_ground_truth()
    {
        var root = Path.Combine(_directory.FullName, "a");
        await RunTwiceAsync(root);

        var archive = ReadCsv(Path.Combine(root, "archive", "customers.csv"));
        var first = ReadCsv(Path.Combine(root, "day1", "customers.csv"));
        var second = ReadCsv(Path.Combine(root, "day2", "customers.csv"));

        // The archive is what each run wrote, one after the other, under one header.
        archive.Should().Equal(first.Concat(second), (a, b) => a.SequenceEqual(b));
        File.ReadAllLines(Path.Combine(root, "archive", "customers.csv")).Count(l => l.StartsWith("customer_id,", StringComparison.Ordinal)).Should().Be(1);

        // Run 1 found no archive: no archived duplicates. Run 2's keys continue after the archive's.
        var archived = first.ToDictionary(r => r["customer_id"]);
        second.Select(r => long.Parse(r["customer_id"], CultureInfo.InvariantCulture)).Should().Equal(Enumerable.Range(Customers + 1, Customers).Select(i => (long)i));

        var reinjected = second.Where(r => archived.ContainsKey(r["cluster_id"])).ToList();
        var inRun = second.Where(r => r["cluster_id"] != r["customer_id"] && !archived.ContainsKey(r["cluster_id"])).ToList();
        reinjected.Count.Should().BeInRange(Customers * ArchivedPercent * 3 / 400, Customers * ArchivedPercent * 5 / 400, "the configured archived rate");
        inRun.Count.Should().BeInRange(Customers * RunPercent * 6 / 1000, Customers * RunPercent * 14 / 1000, "the configured in-run rate");
        var ids = second.Select(r => r["customer_id"]).ToHashSet();
        inRun.Should().OnlyContain(r => ids.Contains(r["cluster_id"]), "an in-run duplicate names a row of the run");

        var changed = 0;
        foreach (var duplicate in reinjected)
        {
            // Every ground-truth pair points at a real archived row, an original (its own cluster).
            var original = archived[duplicate["cluster_id"]];
            original["cluster_id"].Should().Be(original["customer_id"]);

            // Unfuzzed fields are the archived row's; refs are the run's own; the fuzz stays within the edit budget.
            duplicate["city"].Should().Be(original["city"]);
            int.Parse(duplicate["store_id"], CultureInfo.InvariantCulture).Should().BeInRange(1, 3);
            var distance = Distance(duplicate["first_name"], original["first_name"]) + Distance(duplicate["last_name"], original["last_name"]);
            distance.Should().BeLessThanOrEqualTo(MaxEdits, $"customer {duplicate["customer_id"]} copies {original["customer_id"]} with at most {MaxEdits} edits: {original["first_name"]} {original["last_name"]} → {duplicate["first_name"]} {duplicate["last_name"]}");
            changed += distance > 0 ? 1 : 0;
        }

        changed.Should().BeGreaterThan(reinjected.Count * 9 / 10, "a re-injected duplicate is fuzzed");

        // Same seed, same archive: byte-identical output and archive.
        var again = Path.Combine(_directory.FullName, "b");
        await RunTwiceAsync(again);
        foreach (var file in new[] { "day1/customers.csv", "day2/customers.csv", "archive/customers.csv" })
        {
            (await File.ReadAllBytesAsync(Path.Combine(again, file), TestContext.Current.CancellationToken))
                .Should().Equal(await File.ReadAllBytesAsync(Path.Combine(root, file), TestContext.Current.CancellationToken), file);
        }
    }

    [Fact]
    public async Task A_hidden_truth_is_kept_in_the_archive_and_re_injected_rows_name_their_archived_cluster()
    {
        var archivePath = Path.Combine(_directory.FullName, "archive.csv");
        var yaml = Yaml(archivePath).Replace("      edits:", "      hidden: true\n      edits:", StringComparison.Ordinal);
        await TestGeneration.RecordsAsync(TestGeneration.Parse(yaml));
        var archivedRows = ReadCsv(archivePath);
        archivedRows.Should().HaveCount(Customers).And.OnlyContain(r => r.ContainsKey("cluster_id"));

        var records = await TestGeneration.RecordsAsync(TestGeneration.Parse(yaml));
        records["customers"][0].Keys.Should().NotContain("cluster_id");
        var archivedKeys = archivedRows.Select(r => long.Parse(r["customer_id"], CultureInfo.InvariantCulture)).ToHashSet();
        records["customers_truth"].Count(t => archivedKeys.Contains((long)t["cluster_id"]!)).Should().BeInRange(150, 250);
    }

    [Fact]
    public async Task An_archive_whose_header_differs_is_refused_at_its_column_and_nothing_is_written()
    {
        var archivePath = Path.Combine(_directory.FullName, "archive.csv");
        const string Existing = "customer_id,first_name,surname,city,store_id,cluster_id\r\n1,Ann,Lee,Oslo,1,1\r\n";
        await File.WriteAllTextAsync(archivePath, Existing, TestContext.Current.CancellationToken);
        var output = new FileOutput(Path.Combine(_directory.FullName, "out"), FileFormat.Csv);
        await using (output)
        {
            var run = () => DataGenerator.GenerateAsync(TestGeneration.Parse(Yaml(archivePath)), output, cancellationToken: TestContext.Current.CancellationToken);
            (await run.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain($"{archivePath}:1:24:").And.Contain("'surname' where model");
        }

        (await File.ReadAllTextAsync(archivePath, TestContext.Current.CancellationToken)).Should().Be(Existing);
        Directory.Exists(Path.Combine(_directory.FullName, "out")).Should().BeFalse();
    }

    [Fact]
    public async Task An_archived_cell_that_is_not_its_field_kind_is_refused_naming_the_archive_line()
    {
        var archivePath = Path.Combine(_directory.FullName, "archive.csv");
        await File.WriteAllTextAsync(archivePath, "customer_id,first_name,last_name,city,store_id,cluster_id\n1,Ann,Lee,Oslo,1,1\nseven,Bo,Ek,Rome,2,7\n", TestContext.Current.CancellationToken);

        var run = () => TestGeneration.RecordsAsync(TestGeneration.Parse(Yaml(archivePath)));

        (await run.Should().ThrowAsync<ManifestException>()).Which.Message.Should().Contain($"{archivePath}:3: column 'customer_id': 'seven' is not a value of kind integer");
    }

    [Theory]
    [InlineData("archive: {0}", "archive: customers.json", "'archive' must be a CSV file path ending in .csv")]
    [InlineData("archive: {0}", "archive: Customers.CSV", "'archive' must be a CSV file path ending in .csv")]
    [InlineData("archive: {0}", "", "'archived' re-injects rows of the model's archive, and model 'customers' has none")]
    [InlineData("archived: 10", "archived: 96", "'rate' (5) and 'archived' (96) together exceed 100 %")]
    public void Bad_archive_settings_are_refused_at_their_line_and_column(string find, string replace, string message)
    {
        var archivePath = Path.Combine(_directory.FullName, "archive.csv");
        var yaml = Yaml(archivePath).Replace(string.Format(CultureInfo.InvariantCulture, find, archivePath), replace, StringComparison.Ordinal);

        var act = () => TestGeneration.Parse(yaml);

        var error = act.Should().Throw<ManifestException>().Which.Errors.Should().Contain(e => e.Message.Contains(message, StringComparison.Ordinal)).Which;
        error.Line.Should().BeGreaterThan(0);
        error.Column.Should().BeGreaterThan(0);
        error.Model.Should().Be("customers");
    }

    [Fact]
    public void Two_models_with_one_archive_file_are_refused_at_the_second()
    {
        var archivePath = Path.Combine(_directory.FullName, "archive.csv");
        var yaml = Yaml(archivePath).Replace("    key: store_id\n", $"    key: store_id\n    archive: {archivePath}\n", StringComparison.Ordinal);

        var act = () => TestGeneration.Parse(yaml);

        act.Should().Throw<ManifestException>().Which.Errors.Should().Contain(e => e.Message.Contains("is already model 'stores's archive", StringComparison.Ordinal) && e.Model == "customers" && e.Line == 12);
    }

    private async Task RunTwiceAsync(string root)
    {
        var manifest = TestGeneration.Parse(Yaml(Path.Combine(root, "archive", "customers.csv")));
        foreach (var day in new[] { "day1", "day2" })
        {
            var output = new FileOutput(Path.Combine(root, day), FileFormat.Csv);
            await using (output)
            {
                await DataGenerator.GenerateAsync(manifest, output, cancellationToken: TestContext.Current.CancellationToken);
            }
        }
    }

    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        using var reader = new StreamReader(path);
        var records = Csv.Records(reader).Select(r => r.Values).ToList();
        return records.Skip(1).Select(values => records[0].Zip(values).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    /// <summary>
    /// Damerau–Levenshtein distance (inserts, deletes, substitutions and transpositions of adjacent letters, each 1, a
    /// substring edited more than once allowed): never more than the number of typos that made one string from the other.
    /// </summary>
    private static int Distance(string a, string b)
    {
        var last = new Dictionary<char, int>();
        var d = new int[a.Length + 2, b.Length + 2];
        var max = a.Length + b.Length;
        d[0, 0] = max;
        for (var i = 0; i <= a.Length; i++)
        {
            (d[i + 1, 0], d[i + 1, 1]) = (max, i);
        }

        for (var j = 0; j <= b.Length; j++)
        {
            (d[0, j + 1], d[1, j + 1]) = (max, j);
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var lastMatch = 0;
            for (var j = 1; j <= b.Length; j++)
            {
                var k = last.GetValueOrDefault(b[j - 1]);
                var l = lastMatch;
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                lastMatch = cost == 0 ? j : lastMatch;
                d[i + 1, j + 1] = Math.Min(
                    Math.Min(d[i, j] + cost, d[i + 1, j] + 1),
                    Math.Min(d[i, j + 1] + 1, d[k, l] + (i - k - 1) + 1 + (j - l - 1)));
            }

            last[a[i - 1]] = i;
        }

        return d[a.Length + 1, b.Length + 1];
    }
}
