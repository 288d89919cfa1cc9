namespace DataGen.Core.Tests;

/// <summary>The core stays pure: no test framework, database driver or broker client (as AutoFixture checks its own).</summary>
public sealed class DependencyConstraintsTests
{
    [Theory]
    [InlineData("xunit")]
    [InlineData("Npgsql")]
    [InlineData("MongoDB")]
    [InlineData("Confluent.Kafka")]
    [InlineData("Microsoft.Data.SqlClient")]
    [InlineData("Microsoft.Data.Sqlite")]
    [InlineData("Testcontainers")]
    [InlineData("Spectre.Console")]
    [InlineData("System.CommandLine")]
    public void Core_does_not_reference(string assemblyPrefix) =>
        typeof(Manifest).Assembly.GetReferencedAssemblies().Select(a => a.Name)
            .Should().NotContain(n => n!.StartsWith(assemblyPrefix, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public void Core_references_only_bogus_yamldotnet_and_the_framework() =>
        typeof(Manifest).Assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => !n.StartsWith("System", StringComparison.Ordinal) && n != "netstandard" && n != "Microsoft.Win32.Primitives")
            .Should().BeSubsetOf(["Bogus", "YamlDotNet"]);
}
