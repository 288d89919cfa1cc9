using DataGen.Generators;

namespace DataGen.Core.Tests.Manifests;

/// <summary>The generator reference in docs/manifest.md cannot drift from the code (the checked-in schema is the CLI's: see DataGen.Cli.Tests).</summary>
public sealed class DocsTests
{
    [Fact]
    public void The_manifest_page_documents_every_generator_and_option()
    {
        var readme = File.ReadAllText(Path.Combine(TestGeneration.RepositoryRoot, "docs", "manifest.md"));
        var table = readme[readme.IndexOf("### Generators", StringComparison.Ordinal)..];
        foreach (var generator in GeneratorCatalog.BuiltIn)
        {
            var row = table.Split('\n').FirstOrDefault(l => l.StartsWith($"| `{generator.Name}` |", StringComparison.Ordinal));
            row.Should().NotBeNull($"docs/manifest.md lists generator '{generator.Name}'");
            foreach (var option in generator.Options)
            {
                row.Should().Contain($"`{option.Name}`", $"docs/manifest.md documents option '{option.Name}' of '{generator.Name}'");
            }
        }
    }
}
