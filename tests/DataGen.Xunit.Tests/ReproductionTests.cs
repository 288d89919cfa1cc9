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
    [GeneratedRegex(@"\[DataGen\] reproduce: (DATAGEN_SEED=(\d+) (?:DATAGEN_[A-Z0-9_]+=\S+ )*dotnet test --filter ""FullyQualifiedName=([^""]+)"")(.*)")]
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
        start.Environment["DATAGEN_DEMO_PASSWORD"] = "not-for-the-log";
        start.Environment["DATAGEN_DEMO_MODE"] = "shown";
        start.Environment["DATAGEN_KAFKA"] = "embedded";
        return await RunAsync(start);
    }

    /// <summary>Runs a printed line as a user pastes it: through the shell, in the demo folder, with no DATAGEN_* setting of this run.</summary>
    private static async Task<(int Exit, string Output)> PasteAsync(string line)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = Demo(), RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(line);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("DATAGEN_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        return await RunAsync(start);
    }

    private static async Task<(int Exit, string Output)> RunAsync(ProcessStartInfo start)
    {
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
            output.Should().Contain("DATAGEN_DEMO_MODE=shown DATAGEN_KAFKA=embedded ", "settings that are not secret are part of the line")
                .And.MatchRegex(@"reproduce: DATAGEN_SEED=\d+ [^\n]*dotnet test --filter ""[^""]+""  # also set as in this run \(values withheld: they may hold credentials\): [A-Z_, ]*DATAGEN_DEMO_PASSWORD", "a setting that may be a credential is named in a shell comment")
                .And.NotContain("not-for-the-log", "never its value");
            var digest = Digest().Match(output).Groups[1].Value;
            digest.Should().NotBeEmpty();

            // The report carries the line too, and only for the failing test (passing tests stay quiet).
            var report = await File.ReadAllTextAsync(Directory.GetFiles(results.FullName, "*.xml", SearchOption.AllDirectories).Single(), TestContext.Current.CancellationToken);
            Regex.Matches(report, Regex.Escape(line.Groups[1].Value)).Count.Should().Be(1);

            // Every printed line is one shell command (bash parses it, the note about withheld settings a comment).
            foreach (Match printed in ReproduceLine().Matches(output))
            {
                var parsed = await RunAsync(new ProcessStartInfo("bash", ["-n", "-c", printed.Value["[DataGen] reproduce: ".Length..]]) { RedirectStandardOutput = true, RedirectStandardError = true });
                parsed.Exit.Should().Be(0, $"bash parses {printed.Value}: {parsed.Output}");
            }

            // Paste the printed line whole (its comment too) into a shell without this run's settings: same seed, same data.
            var again = await PasteAsync(line.Value["[DataGen] reproduce: ".Length..]);
            again.Output.Should().Contain("total: 1", "the filter selects the one test");
            Digest().Match(again.Output).Groups[1].Value.Should().Be(digest, "the pasted line loads byte-identical data");
            again.Output.Should().Contain($"seed {line.Groups[2].Value} (from DATAGEN_SEED)");
            var filter = line.Groups[1].Value.Split(" --filter ")[1].Trim('"');

            // The Kafka demo's line, pasted whole into a shell without this run's settings: the mode it carries
            // (DATAGEN_KAFKA=embedded) runs the test on the same backend, and it fails again instead of skipping.
            var kafkaLine = ReproduceLine().Matches(output).Single(m => m.Groups[3].Value.EndsWith(".Kafka_fails_on_purpose", StringComparison.Ordinal));
            kafkaLine.Groups[1].Value.Should().Contain("DATAGEN_KAFKA=embedded");
            var pasted = await PasteAsync(kafkaLine.Value["[DataGen] reproduce: ".Length..]);
            pasted.Exit.Should().NotBe(0, pasted.Output);
            pasted.Output.Should().Contain("failed: 1", pasted.Output).And.Contain("skipped: 0").And.Contain("kafka backend: embedded Kafka")
                .And.Contain("this Kafka test fails on purpose").And.Contain($"seed {kafkaLine.Groups[2].Value} (from DATAGEN_SEED)");

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
