using System.Reflection;

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

    [Fact]
    public void Simulations_do_not_depend_on_manifests()
    {
        // The manifest binds a simulation to its model rows through ISubjectRows; nothing in Simulations names Manifest.
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var simulationTypes = typeof(Manifest).Assembly.GetTypes().Where(t => t.Namespace == "DataGen.Simulations");
        var mentions = simulationTypes.SelectMany(t =>
            t.GetFields(all).Select(f => (t, f.Name, f.FieldType))
                .Concat(t.GetProperties(all).Select(p => (t, p.Name, p.PropertyType)))
                .Concat(t.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType).Select(type => (t, m.Name, type))))
                .Concat(t.GetConstructors(all).SelectMany(c => c.GetParameters().Select(p => (t, ".ctor", p.ParameterType)))))
            .Where(x => x.Item3 == typeof(Manifest))
            .Select(x => $"{x.t.Name}.{x.Item2}");

        mentions.Should().BeEmpty();
    }
}
