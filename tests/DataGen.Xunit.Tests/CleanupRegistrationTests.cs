using System.Diagnostics;
using System.Reflection;

namespace DataGen.Xunit.Tests;

/// <summary>
/// DataGenCleanup registers itself: the package's buildTransitive targets add the assembly fixture attribute to a
/// project that references it (this one imports them as a package reference would), unless the project opts out.
/// <see cref="LeakTests"/> proves the clean-up then runs (a normal run leaves no template behind).
/// </summary>
public sealed class CleanupRegistrationTests
{
    private static readonly string Targets = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "DataGen.Xunit", "buildTransitive", "DataGen.Xunit.targets"));

    [Fact]
    public void This_test_assembly_has_DataGenCleanup_as_its_assembly_fixture_once_with_no_attribute_written()
    {
        typeof(CleanupRegistrationTests).Assembly.GetCustomAttributes<AssemblyFixtureAttribute>()
            .Where(a => a.AssemblyFixtureType == typeof(DataGenCleanup))
            .Should().ContainSingle("the targets generate it; no source file of this project declares it");
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("-p:DataGenCleanup=true", 1)]
    [InlineData("-p:DataGenCleanup=false", 0)]
    public async Task A_project_gets_the_attribute_unless_it_opts_out(string property, int expected)
    {
        File.Exists(Targets).Should().BeTrue(Targets);
        var project = Directory.CreateTempSubdirectory("datagen-cleanup-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(project, "p.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
                  <Import Project="{Targets}" />
                </Project>
                """, TestContext.Current.CancellationToken);
            var arguments = new List<string> { "msbuild", "-getItem:AssemblyAttribute", "-nologo" };
            if (property.Length > 0)
            {
                arguments.Add(property);
            }

            using var msbuild = Process.Start(new ProcessStartInfo("dotnet", arguments) { WorkingDirectory = project, RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = await msbuild.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            await msbuild.WaitForExitAsync(TestContext.Current.CancellationToken);
            msbuild.ExitCode.Should().Be(0, output);

            var registrations = output.Split("\"Identity\"").Count(item => item.Contains("Xunit.AssemblyFixtureAttribute", StringComparison.Ordinal) && item.Contains("typeof(global::DataGen.Xunit.DataGenCleanup)", StringComparison.Ordinal));
            registrations.Should().Be(expected, output);
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }
}
