namespace DataGen.Cli.Tests;

/// <summary>The checked-in schema is what <c>datagen schema</c> prints: the generators plus the store kinds the tool ships with.</summary>
public sealed class SchemaDocsTests
{
    [Fact]
    public void Checked_in_schema_matches_the_tools_schema()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "DataGen.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("repository root not found");
        }

        File.ReadAllText(Path.Combine(root.FullName, "docs", "manifest.schema.json")).TrimEnd()
            .Should().Be(ManifestSchema.Json(Targets.Stores).TrimEnd(), "run `datagen schema -o docs/manifest.schema.json` after changing generators or store kinds");
    }

    [Fact]
    public void The_tool_knows_every_store_kind_it_ships()
    {
        Targets.Stores.Kinds.Should().Equal("elasticsearch", "files", "kafka", "mongodb", "mysql", "postgres", "sqlite", "sqlserver");
    }
}
