using DataGen;
using DataGen.Outputs;
using DataGen.Xunit;
using Microsoft.Data.Sqlite;
using Xunit;

namespace PackageSmoke;

/// <summary>What a user of the packages writes: the kit's attribute and fixture, theory rows, and the core API.</summary>
[SeededWith("shop.yaml")]
public sealed class PackageTests(SqliteFixture db) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task The_fixture_loads_the_manifest_and_restores_it()
    {
        Assert.Equal(3UL, db.Seed);
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = new SqliteCommand("SELECT count(*) FROM orders", connection);
        Assert.Equal(db.Counts["orders"], (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
    }

    [Theory]
    [GeneratedData("shop.yaml", "customers", Count = 3)]
    public void Theory_rows(IReadOnlyDictionary<string, object?> customer) => Assert.Contains("@", (string)customer["email"]!);

    [Fact]
    public async Task The_core_api_generates_in_memory()
    {
        var manifest = await Manifest.LoadAsync(Path.Combine(AppContext.BaseDirectory, "shop.yaml"), cancellationToken: TestContext.Current.CancellationToken);
        var output = new MemoryOutput();
        var summary = await DataGenerator.GenerateAsync(manifest, output, null, TestContext.Current.CancellationToken);
        Assert.Equal(50, summary.Models[0].Rows);
    }
}
