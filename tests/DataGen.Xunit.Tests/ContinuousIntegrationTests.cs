using System.Text.RegularExpressions;

namespace DataGen.Xunit.Tests;

/// <summary>
/// GitHub Actions is the only place some stores run for real (SQL Server, MongoDB, a Kafka broker): the workflow must
/// make an unavailable store fail the job, for every store a kit fixture serves, not skip it and stay green.
/// </summary>
public sealed partial class ContinuousIntegrationTests
{
    [GeneratedRegex(@"^\s*(DATAGEN_[A-Z_]+):\s*(.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex Setting();

    private static Dictionary<string, string> WorkflowSettings()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "DataGen.sln")))
        {
            directory = directory.Parent;
        }

        var workflow = File.ReadAllText(Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("DataGen.sln not found"), ".github", "workflows", "ci.yml"));
        // A setting several jobs give (each job its env): DATAGEN_REQUIRE is what any job requires; others as the first job, the tests, has them.
        return Setting().Matches(workflow).GroupBy(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim('"', '\''))
            .ToDictionary(g => g.Key, g => g.Key == "DATAGEN_REQUIRE" ? string.Join(',', g) : g.First());
    }

    [Fact]
    public void The_workflow_requires_every_store_a_fixture_serves()
    {
        // Every kit package beside the tests (each store's fixtures), whether or not a test here uses it.
        var stores = Directory.GetFiles(AppContext.BaseDirectory, "DataGen.Xunit.*.dll").Where(path => !path.EndsWith(".Tests.dll", StringComparison.Ordinal))
            .Select(path => System.Reflection.Assembly.Load(Path.GetFileNameWithoutExtension(path)))
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => typeof(DataGenFixture).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => ((DataGenFixture)Activator.CreateInstance(t)!).Store)
            .ToHashSet(StringComparer.Ordinal);
        stores.Should().Contain(["postgres", "sqlite", "mysql", "sqlserver", "mongodb", "kafka"]);

        var settings = WorkflowSettings();

        settings.Should().ContainKey("DATAGEN_REQUIRE");
        settings["DATAGEN_REQUIRE"].Split(',', StringSplitOptions.TrimEntries).Should().Contain(stores, "a store missing here is skipped on Actions when its container cannot start, and the job stays green");
        settings.Should().Contain("DATAGEN_REQUIRE_DOCKER", "1");
        settings.Should().Contain("DATAGEN_KAFKA", "container", "on Actions Kafka runs on a broker, never silently on the embedded cluster");
    }
}
