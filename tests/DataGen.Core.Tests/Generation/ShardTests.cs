using DataGen.Outputs;

namespace DataGen.Core.Tests.Generation;

/// <summary>
/// <c>--shard i/n</c>: each worker writes one slice of every model; the slices, concatenated in order, are the unsharded
/// output byte for byte — references, lookups, per-parent counts, unique retries and duplicates included.
/// </summary>
public sealed class ShardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Manifest> LoadAsync(string sample, double scale) =>
        await Manifest.LoadAsync(TestGeneration.SamplePath(sample), new ManifestOptions { Scale = scale, Environment = _ => null }, Ct);

    [Theory]
    [InlineData("retail.yaml", 1, FileFormat.Ndjson, 3)]
    [InlineData("retail.yaml", 1, FileFormat.Csv, 4)]
    [InlineData("retail-analytics.yaml", 0.02, FileFormat.Ndjson, 5)]
    [InlineData("starfleet.yaml", 1, FileFormat.Json, 2)]
    public async Task The_shards_concatenated_are_the_unsharded_output(string sample, double scale, FileFormat format, int shards)
    {
        var manifest = await LoadAsync(sample, scale);
        var whole = Directory.CreateTempSubdirectory("datagen-whole-").FullName;
        var parts = Directory.CreateTempSubdirectory("datagen-shards-").FullName;
        try
        {
            await using (var output = new FileOutput(whole, format))
            {
                await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
            }

            var written = new List<long>();
            for (var i = 0; i < shards; i++)
            {
                var shard = new GenerationShard(i, shards);
                await using var output = new FileOutput(parts, format) { Shard = shard };
                var summary = await DataGenerator.GenerateAsync(manifest, output, new GenerationOptions { Shard = shard, MaxDegreeOfParallelism = 1 + (i % 2) }, Ct);
                written.Add(summary.TotalRows);
            }

            var expected = Directory.GetFileSystemEntries(whole).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            expected.Should().NotBeEmpty();
            written.Sum().Should().BeGreaterThan(0);
            foreach (var entry in expected)
            {
                var model = Path.GetFileNameWithoutExtension(entry!);
                var extension = Path.GetExtension(entry!);
                var slices = Enumerable.Range(0, shards).Select(i => Path.Combine(parts, $"{model}.shard-{i.ToString($"D{shards.ToString(System.Globalization.CultureInfo.InvariantCulture).Length}", System.Globalization.CultureInfo.InvariantCulture)}-of-{shards}{extension}")).ToList();
                if (format == FileFormat.Json)
                {
                    // One file per row: the union of the shards' directories is the unsharded directory.
                    var union = slices.SelectMany(d => Directory.GetFiles(d)).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
                    var files = Directory.GetFiles(Path.Combine(whole, entry!));
                    union.Keys.Should().BeEquivalentTo(files.Select(Path.GetFileName), $"{entry}: the same files");
                    files.Should().AllSatisfy(f => union[Path.GetFileName(f)!].Should().Equal(File.ReadAllBytes(f)));
                }
                else
                {
                    var concatenated = slices.SelectMany(File.ReadAllBytes).ToArray();
                    concatenated.Should().Equal(File.ReadAllBytes(Path.Combine(whole, entry!)), $"{entry}: the {shards} shards in order are the unsharded file");
                }
            }
        }
        finally
        {
            Directory.Delete(whole, recursive: true);
            Directory.Delete(parts, recursive: true);
        }
    }

    [Theory]
    [InlineData("2/4", 2, 4)]
    [InlineData("0/1", 0, 1)]
    public void A_shard_reads_as_i_of_n(string text, int index, int count) =>
        GenerationShard.Parse(text, out _).Should().Be(new GenerationShard(index, count));

    [Theory]
    [InlineData("4/4")]
    [InlineData("-1/4")]
    [InlineData("1/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    public void Anything_else_is_refused_with_the_form_to_use(string text)
    {
        GenerationShard.Parse(text, out var error).Should().BeNull();
        error.Should().Contain("i/n");
    }
}
