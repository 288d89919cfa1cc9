namespace DataGen.Xunit.Tests;

public sealed class SeedTests
{
    [Theory]
    [InlineData("5", 9UL, 3UL, 5UL, "DATAGEN_SEED")]
    [InlineData(null, 9UL, 3UL, 9UL, "the attribute")]
    [InlineData(null, null, 3UL, 3UL, "the manifest")]
    [InlineData(null, null, null, 1UL, "the default")]
    public void The_seed_comes_from_the_environment_then_the_attribute_then_the_manifest_then_a_default(string? environment, ulong? attribute, ulong? manifest, ulong seed, string source)
    {
        DataGenSeeds.Resolve(attribute, manifest, _ => environment).Should().Be((seed, source));
    }

    [Fact]
    public void Random_draws_one_seed_per_run_and_a_bad_value_is_an_error()
    {
        var (first, source) = DataGenSeeds.Resolve(9, 3, _ => "random");
        source.Should().Be("DATAGEN_SEED=random");
        DataGenSeeds.Resolve(null, null, _ => "RANDOM").Seed.Should().Be(first);
        var act = () => DataGenSeeds.Resolve(null, null, _ => "forty-two");
        act.Should().Throw<ArgumentException>().WithMessage("*DATAGEN_SEED must be a whole number*");
    }

    [Fact]
    public void The_reproduction_line_sets_the_seed_and_filters_the_test()
    {
        DataGenSeeds.Reproduction(42, "Shop.Tests.OrderQueryTests.Totals").Should().Be("DATAGEN_SEED=42 dotnet test --filter \"FullyQualifiedName=Shop.Tests.OrderQueryTests.Totals\"");
    }

    [Fact]
    public void The_reproduction_line_carries_modes_and_names_only_what_may_be_a_credential()
    {
        var line = DataGenSeeds.Reproduction(7, "T.M", new Dictionary<string, string?>
        {
            ["DATAGEN_KAFKA"] = "auto",
            ["DATAGEN_VAR_region"] = "eu west",
            ["DATAGEN_POSTGRES_CONNECTION"] = "Host=db;Password=hunter2",
            ["DATAGEN_KAFKA_BOOTSTRAP"] = "broker:9092",
            ["DATAGEN_MYSQL_IMAGE"] = "user:pw@registry/mariadb",
            ["PATH"] = "/bin",
        });

        line.Should().Be("DATAGEN_SEED=7 DATAGEN_KAFKA=auto DATAGEN_VAR_region='eu west' dotnet test --filter \"FullyQualifiedName=T.M\""
            + "  # also set as in this run (values withheld: they may hold credentials): DATAGEN_KAFKA_BOOTSTRAP, DATAGEN_MYSQL_IMAGE, DATAGEN_POSTGRES_CONNECTION");
    }

    /// <summary>
    /// The printed line is one shell command, whatever the settings and the test's name hold: bash parses it
    /// (<c>bash -n</c>), and run with <c>dotnet</c> replaced by a function that prints what it receives, the test gets
    /// exactly the filter and each shown setting its value, and nothing in a value or name runs.
    /// </summary>
    [Fact]
    public async Task The_reproduction_line_is_one_shell_command_whatever_the_values_hold()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "bash is not a given on Windows; this check runs on Linux and macOS");
        const string name = "Shop.Tests.Orders`1.Placing_an_order_costs_$5_\"now\"!";
        var environment = new Dictionary<string, string?>
        {
            ["DATAGEN_VAR_region"] = "eu west && touch pwned | cat",
            ["DATAGEN_VAR_quote"] = "it's $(touch pwned) `touch pwned`",
            ["DATAGEN_VAR_lines"] = "one\ntwo",
            ["DATAGEN_VAR_bad name\ntouch pwned"] = "x",
            ["DATAGEN_POSTGRES_CONNECTION"] = "Host=db;Password=hunter2",
        };
        var line = DataGenSeeds.Reproduction(42, name, environment);

        var directory = Directory.CreateTempSubdirectory("datagen-line-");
        try
        {
            (await BashAsync(directory.FullName, "-n", "-c", line)).Exit.Should().Be(0, "bash parses the line: " + line);
            var (exit, output) = await BashAsync(directory.FullName, "-c",
                "dotnet() { printf '<%s>' \"$@\"; printf '\\n[%s]' \"$DATAGEN_SEED\" \"$DATAGEN_VAR_region\" \"$DATAGEN_VAR_quote\" \"$DATAGEN_VAR_lines\"; }\n" + line);
            exit.Should().Be(0, output);
            output.Should().Be($"<test><--filter><FullyQualifiedName={name}>\n[42]\n[eu west && touch pwned | cat]\n[it's $(touch pwned) `touch pwned`]\n[one\ntwo]");
            directory.GetFiles().Should().BeEmpty("nothing in a value, a name or the comment ran");
            line.Should().NotContain("hunter2").And.Contain("# also set as in this run").And.Contain("DATAGEN_POSTGRES_CONNECTION");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<(int Exit, string Output)> BashAsync(string directory, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("bash") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, output + error);
    }
}
