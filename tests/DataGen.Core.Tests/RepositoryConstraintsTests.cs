using System.Xml.Linq;

namespace DataGen.Core.Tests;

/// <summary>
/// Seams that must hold for the whole repository: first-party projects see each other's public API only, and every
/// package's public API is tracked in checked-in files.
/// </summary>
public sealed class RepositoryConstraintsTests
{
    private static readonly DirectoryInfo Src = new(Path.Combine(TestGeneration.RepositoryRoot, "src"));

    public static TheoryData<string> Packages() =>
        new(Src.GetDirectories().Where(d => File.Exists(Path.Combine(d.FullName, d.Name + ".csproj")) && d.Name != "DataGen.Cli").Select(d => d.Name));

    [Fact]
    public void No_src_project_opens_its_internals_to_another()
    {
        var projects = Src.GetDirectories().Select(d => Path.Combine(d.FullName, d.Name + ".csproj")).Where(File.Exists).ToList();
        var assemblies = projects.Select(p => XDocument.Load(p).Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(p)).ToHashSet();

        var opened = projects.SelectMany(p => XDocument.Load(p).Descendants("InternalsVisibleTo").Select(e => (Project: Path.GetFileNameWithoutExtension(p), To: e.Attribute("Include")!.Value)))
            .Where(v => assemblies.Contains(v.To) && !SameFamily(v.Project, v.To));

        opened.Should().BeEmpty("first-party tools use public API only; InternalsVisibleTo is for test projects and, as a known debt, for a store's own kit package (DataGen.PostgreSql → DataGen.Xunit.PostgreSql, DataGen.Xunit → its store kits, DataGen.Aspire → DataGen.Xunit.Aspire)");

        // A store package and the kit package of the same store (built and versioned together): the one exception, until
        // what the kits use of their store's internals (dialects, quoting) is public API.
        static bool SameFamily(string project, string to) =>
            to.StartsWith("DataGen.Xunit.", StringComparison.Ordinal)
            && (project == "DataGen.Xunit" || to == "DataGen.Xunit." + project["DataGen.".Length..]);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Every_package_tracks_its_public_api(string package)
    {
        foreach (var file in new[] { "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt" })
        {
            var path = Path.Combine(Src.FullName, package, file);
            File.Exists(path).Should().BeTrue($"{package} keeps {file}");
            File.ReadLines(path).First().Should().Be("#nullable enable");
        }
    }

    [Fact]
    public void The_public_api_analyzer_is_on_for_packages_and_its_warnings_fail_the_build()
    {
        var props = XDocument.Load(Path.Combine(TestGeneration.RepositoryRoot, "Directory.Build.props"));
        props.Descendants("PackageReference").Select(e => e.Attribute("Include")?.Value).Should().Contain("Microsoft.CodeAnalysis.PublicApiAnalyzers");
        props.Descendants("AdditionalFiles").Select(e => e.Attribute("Include")?.Value).Should().Contain(["PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt"]);
        props.Descendants("TreatWarningsAsErrors").Single().Value.Should().Be("true");
    }
}
