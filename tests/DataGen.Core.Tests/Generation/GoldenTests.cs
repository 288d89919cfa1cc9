using DataGen.Outputs;

namespace DataGen.Core.Tests.Generation;

/// <summary>
/// Pins the SHA-256 of the sample manifests' output for fixed seeds. A change here means every user's
/// seeds now produce different data: treat it as a breaking change, and update the hashes only on purpose.
/// </summary>
public sealed class GoldenTests
{
    [Theory]
    [InlineData("retail.yaml", 42UL, "customers.ndjson", "fe104b03fe146a014d4be75d2faf21e729441480014a96be9499d37d30dbc616")]
    [InlineData("retail.yaml", 42UL, "orders.ndjson", "6e6d98dcf1b503d35b6a199f38a9972fe0be44c43249872624cf9162d1536772")]
    [InlineData("retail.yaml", 42UL, "products.ndjson", "44c35ee086347ca5dda0f2bdd670335288306781838ac0cfabba16db026b86f9")]
    [InlineData("retail.yaml", 42UL, "payments.ndjson", "c6108f99848dd927e465ef5a65724e7163aac945adb23bfe62330c57867c0d6e")]
    [InlineData("customers.yaml", 7UL, "customers.ndjson", "6cfad84cd7ee20b82525a27fd7bea7a099b41622f72f6509190126da8d166ba9")]
    [InlineData("starfleet.yaml", 1701UL, "crew.ndjson", "739362410ed7956e8deac3bb589c76cbe505b8dcbf03e240f6c54a8801d9c009")]
    [InlineData("starfleet.yaml", 1701UL, "ships.ndjson", "a31d3ee41f8bd9c382de77de3bf87d88697f60b6ca2b9182ffc62f4b5ee215e9")]
    public async Task Sample_output_hash_is_pinned(string sample, ulong seed, string file, string expected)
    {
        var manifest = await Manifest.LoadAsync(TestGeneration.SamplePath(sample), new ManifestOptions { Seed = seed, Scale = sample == "customers.yaml" ? 0.05 : 1, Environment = _ => null }, TestContext.Current.CancellationToken);
        var hashes = await TestGeneration.FileHashesAsync(manifest, FileFormat.Ndjson);

        hashes[file].Should().Be(expected, $"{sample} with seed {seed} must keep producing the same {file}");
    }
}
