using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DataGen.Xunit.Tests;

/// <summary>
/// Runs tests/DataGen.Xunit.FailureDemo (a project outside the solution whose test fails on purpose) with a random
/// seed, reads the reproduction line from its output, runs exactly that line and checks the same seed loaded
/// byte-identical data (a digest of every row the failing test saw).
/// </summary>
public sealed partial class ReproductionTests
{
    [GeneratedRegex(@"\[DataGen\] reproduce: (DATAGEN_SEED=(\d+) dotnet test --filter ""FullyQualifiedName=([^""]+)"")")]
    private static partial Regex ReproduceLine();

    [GeneratedRegex(@"data digest: ([0-9a-f]{64})")]
    private static partial Regex Digest();

    private static string Demo()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "DataGen.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("DataGen.sln not found above " + AppContext.BaseDirectory), "tests", "DataGen.Xunit.FailureDemo");
    }

    private static async Task<(int Exit, string Output)> DotnetTestAsync(string seed, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Demo(), RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("test");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DATAGEN_SEED"] = seed;
        start.Environment["DATAGEN_DEMO_MARKER"] = "not-for-the-log";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task A_failing_test_prints_a_line_that_reproduces_its_data()
    {
        var results = Directory.CreateTempSubdirectory("datagen-demo-");
        try
        {
            var (exit, output) = await DotnetTestAsync("random", "--report-xunit-xml", "--results-directory", results.FullName);

            exit.Should().NotBe(0, output);
            var line = ReproduceLine().Matches(output).FirstOrDefault(m => m.Groups[3].Value.EndsWith(".Fails_on_purpose", StringComparison.Ordinal));
            line.Should().NotBeNull(output);
            line!.Groups[3].Value.Should().Be("DataGen.Xunit.FailureDemo.ReproductionDemo.Fails_on_purpose");
            ReproduceLine().Matches(output).Select(m => m.Groups[3].Value).Should().Contain("DataGen.Xunit.FailureDemo.GeneratedDataDemo.Theory_fails_on_purpose", "a failing [GeneratedData] theory prints its line too");
            output.Should().Contain("[DataGen] [GeneratedData(\"customers.yaml\", \"customers\")] rows; seed " + line.Groups[2].Value + " (from DATAGEN_SEED=random)");
            output.Should().Contain("[DataGen] [AutoDataGen]; seed " + line.Groups[2].Value + " (from DATAGEN_SEED=random)");
            ReproduceLine().Matches(output).Select(m => m.Groups[3].Value).Should().Contain("DataGen.Xunit.FailureDemo.AutoDataGenDemo.Auto_theory_fails_on_purpose");
            output.Should().Contain($"seed {line.Groups[2].Value} (from DATAGEN_SEED=random)");
            output.Should().MatchRegex(@"reproduce: DATAGEN_SEED=\d+ dotnet test --filter ""[^""]+"" \(with [A-Z_, ]*DATAGEN_DEMO_MARKER[A-Z_, ]* set as in this run; values not shown\)", "the line names the other DATAGEN_ variables")
                .And.NotContain("not-for-the-log", "never their values");
            var digest = Digest().Match(output).Groups[1].Value;
            digest.Should().NotBeEmpty();

            // The report carries the line too, and only for the failing test (passing tests stay quiet).
            var report = await File.ReadAllTextAsync(Directory.GetFiles(results.FullName, "*.xml", SearchOption.AllDirectories).Single(), TestContext.Current.CancellationToken);
            Regex.Matches(report, Regex.Escape(line.Groups[1].Value) + "[ (]").Count.Should().Be(1);

            // Run exactly the printed command: same seed, same data.
            var filter = line.Groups[1].Value.Split(" --filter ")[1].Trim('"');
            var again = await DotnetTestAsync(line.Groups[2].Value, "--filter", filter);
            again.Output.Should().Contain("total: 1", "the filter selects the one test");
            Digest().Match(again.Output).Groups[1].Value.Should().Be(digest, "the reproduction loads byte-identical data");
            again.Output.Should().Contain($"seed {line.Groups[2].Value} (from DATAGEN_SEED)");

            // A different seed loads different data (the digest can tell).
            var other = await DotnetTestAsync((ulong.Parse(line.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "--filter", filter);
            Digest().Match(other.Output).Groups[1].Value.Should().NotBe(digest);
        }
        finally
        {
            results.Delete(recursive: true);
        }
    }
}
