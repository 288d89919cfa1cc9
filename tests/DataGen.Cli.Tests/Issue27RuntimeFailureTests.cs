using System.Diagnostics;

namespace DataGen.Cli.Tests;

/// <summary>
/// Issue 27 (hardening, round 2): each class of hostile manifest found by the structure-aware fuzz, through the CLI.
/// Every one ends in a documented exit code and a message located in the manifest (file(line,col), and the subject,
/// profile or row and the tick or time where a run failed), never a stack trace; each well under 30 s and 2 GB.
/// </summary>
public sealed class Issue27RuntimeFailureTests : IDisposable
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-issue27-");

    public void Dispose() => _directory.Delete(recursive: true);

    private async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var watch = Stopwatch.StartNew();
        var (exit, output, stderr) = await CliRun.Run(args);
        watch.Elapsed.Should().BeLessThan(Budget);
        stderr.Should().NotContain("   at ", "no stack trace").And.NotContain("Exception", "no exception type names either");
        return (exit, output, stderr);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Out(string name) => Path.Combine(_directory.FullName, name);

    [Theory]
    [InlineData("last + 1", "expected a number, found null")]
    [InlineData("1 / (n - n)", "division by zero")]
    [InlineData("n + 9223372036854775807", "out of range")]
    public async Task An_event_flows_set_expression_that_fails_is_a_located_error_exit_1(string expression, string reason)
    {
        var manifest = Write("flows.yaml", $$$"""
            events:
              profiles: 3
              state: { n: 1, last: null }
              types:
                ping: { at: "{{at}}" }
              flows:
                main:
                  steps:
                    - { event: ping, after: [1m, 1h], limit: 3, set: { last: "{{{expression}}}" } }
            """);

        var (exit, _, error) = await Run("events", manifest, "--batch", "--out", Out("events"));

        exit.Should().Be(ExitCodes.Failure);
        error.Should().Contain("flows.yaml(9,67): in expression").And.Contain(reason).And.Contain("flow 'main', step 1 ('set') failed for profile").And.Contain("2025-");
        (Directory.Exists(Out("events")) ? Directory.GetFiles(Out("events"), "*", SearchOption.AllDirectories) : []).Should().BeEmpty("nothing is written");
    }

    [Fact]
    public async Task A_simulation_expression_that_fails_names_the_expression_the_subject_and_the_tick()
    {
        var manifest = Write("sim.yaml", """
            models:
              users: { count: 5, key: id, fields: { id: sequence, n: { type: constant, value: 0 } } }
            simulation:
              subjects: users
              states: [a]
              ticks: 100
              transitions:
                - { trigger: t, from: a, to: a, probability: 50%, let: { x: "10 / n" } }
            """);

        var (exit, _, error) = await Run("simulate", manifest, "--format", "ndjson", "--out", Out("sim"));

        exit.Should().Be(ExitCodes.Failure);
        error.Should().Contain("sim.yaml(8,66): in expression '10 / n': division by zero").And.Contain("for subject 1 at tick");
    }

    [Fact]
    public async Task A_decimal_set_to_an_integer_attribute_is_an_error_and_a_decimal_attribute_keeps_the_cents()
    {
        const string Template = """
            models:
              users: { count: 5, key: id, fields: { id: sequence, balance: { type: constant, value: ZERO } } }
            simulation:
              subjects: users
              states: [a]
              ticks: 200
              emit: [balance]
              transitions:
                - { trigger: pay, from: a, to: a, probability: 50%, let: { amount: "uniform(1, 5, 2)" }, set: { balance: "balance + amount" } }
            """;
        var integer = Write("integer.yaml", Template.Replace("ZERO", "0", StringComparison.Ordinal));

        var (exit, _, error) = await Run("simulate", integer, "--format", "ndjson", "--out", Out("integer"));

        exit.Should().Be(ExitCodes.Failure);
        error.Should().Contain("integer.yaml(9,111): in expression 'balance + amount'").And.Contain("'balance' is an integer attribute").And.Contain("nothing is rounded silently");

        var money = Write("money.yaml", Template.Replace("ZERO", "0.00", StringComparison.Ordinal));
        (exit, _, error) = await Run("simulate", money, "--format", "ndjson", "--out", Out("money"));

        exit.Should().Be(ExitCodes.Success, error);
        var events = await File.ReadAllLinesAsync(Directory.GetFiles(Out("money"), "*.ndjson", SearchOption.AllDirectories).Single(f => !f.EndsWith("users.ndjson", StringComparison.Ordinal)), TestContext.Current.CancellationToken);
        events.Should().Contain(line => System.Text.RegularExpressions.Regex.IsMatch(line, "\"balance\":[0-9]+\\.[0-9]*[1-9]"), "cents survive the update");
    }

    [Fact]
    public async Task A_probability_too_small_to_mean_anything_is_refused_by_validate()
    {
        var manifest = Write("tiny.yaml", """
            models:
              users: { count: 5, key: id, fields: { id: sequence } }
            simulation:
              subjects: users
              states: [a, b]
              ticks: 100
              transitions:
                - { trigger: go, from: a, to: b, probability: 1e-20% }
                - { trigger: back, from: b, to: a, probability: 1% }
            """);

        foreach (var command in new[] { "validate", "simulate" })
        {
            var (exit, _, error) = await Run(command, manifest);

            exit.Should().Be(ExitCodes.InvalidManifest);
            error.Should().Contain("tiny.yaml(8,").And.Contain("below 1E-12%");
        }
    }

    [Fact]
    public async Task An_unlimited_event_step_without_a_delay_is_refused_by_validate()
    {
        var manifest = Write("spin.yaml", """
            events:
              profiles: 2
              types: { ping: { n: 1 } }
              flows:
                main:
                  steps:
                    - { event: ping, after: [0s, 0s], limit: 0 }
            """);

        var (exit, _, error) = await Run("validate", manifest);
        exit.Should().Be(ExitCodes.InvalidManifest);
        error.Should().Contain("spin.yaml(7,33)").And.Contain("time would never advance");

        (exit, _, _) = await Run("events", manifest, "--batch", "--out", Out("spin"));
        exit.Should().Be(ExitCodes.InvalidManifest);
        Directory.Exists(Out("spin")).Should().BeFalse();
    }

    [Fact]
    public async Task Branches_looping_without_a_delay_are_refused_and_flows_must_not_be_empty()
    {
        var loop = Write("loop.yaml", """
            events:
              types: { ping: { n: 1 } }
              flows:
                a:
                  steps:
                    - { event: ping, after: 0s }
                    - { branch: { a: 1 } }
            """);
        var (exit, _, error) = await Run("validate", loop);
        exit.Should().Be(ExitCodes.InvalidManifest);
        error.Should().Contain("loop.yaml(7,11)").And.Contain("time would never advance");

        var empty = Write("empty.yaml", """
            events:
              types: { ping: { n: 1 } }
              flows: {}
            """);
        (exit, _, error) = await Run("validate", empty);
        exit.Should().Be(ExitCodes.InvalidManifest);
        error.Should().Contain("empty.yaml(3,10)").And.Contain("at least one flow");
    }

    [Fact]
    public async Task A_journey_repeating_an_append_past_the_bound_is_refused_before_work_starts()
    {
        var manifest = Write("grow.yaml", """
            journeys:
              grow:
                steps:
                  - { document: log, as: log }
                  - update: log
                    repeat: 10000
                    append: { items: { at: "{{at}}", ip: internet.ip, ok: random.bool } }
            """);

        var (exit, _, error) = await Run("validate", manifest);
        exit.Should().Be(ExitCodes.InvalidManifest);
        error.Should().Contain("grow.yaml(6,17)").And.Contain("repeats²/2");

        (exit, _, _) = await Run("journey", "--manifest", manifest, "--provider", "grow", "--quantity", "1", "--output", Out("grow"));
        exit.Should().Be(ExitCodes.InvalidManifest);
    }

    [Fact]
    public async Task A_journey_that_runs_past_the_last_date_is_a_located_error_exit_1()
    {
        var manifest = Write("late.yaml", """
            journeys:
              late:
                steps:
                  - { document: a, as: a }
                  - { update: a, after: 3000000d }
            """);

        var (exit, _, error) = await Run("journey", "--manifest", manifest, "--provider", "late", "--quantity", "1", "--output", Out("late"));

        exit.Should().Be(ExitCodes.Failure);
        error.Should().Contain("journey 'late' 0").And.Contain("late.yaml(5,9): step 2, occurrence 1");
    }

    [Fact]
    public async Task Bogus_text_arguments_past_the_bound_are_refused_before_work_starts()
    {
        var manifest = Write("essay.yaml", """
            models:
              essays:
                count: 50
                fields:
                  body: { type: lorem.paragraphs, args: [100000] }
            """);

        var (exit, _, error) = await Run("validate", manifest);
        exit.Should().Be(ExitCodes.InvalidManifest);
        error.Should().Contain("essay.yaml(5,45)").And.Contain("lorem.paragraphs").And.Contain("characters");

        (exit, _, _) = await Run("generate", manifest, "--format", "ndjson", "--out", Out("essay"));
        exit.Should().Be(ExitCodes.InvalidManifest);
    }

    [Fact]
    public async Task Text_counts_in_the_work_estimate_and_max_values_raises_it()
    {
        var manifest = Write("words.yaml", """
            models:
              notes:
                count: 1000
                fields:
                  body: { type: lorem.paragraphs, args: [10] }
            """);

        var (exit, _, error) = await Run("validate", manifest, "--max-values", "1000000");
        exit.Should().Be(ExitCodes.InvalidManifest);
        error.Should().Contain("words.yaml(3,12)").And.Contain("7.2E+06 values");

        (exit, _, error) = await Run("validate", manifest, "--max-values", "10000000");
        exit.Should().Be(ExitCodes.Success, error);
    }

    [Fact]
    public async Task Relative_dates_past_the_year_9999_are_located()
    {
        var manifest = Write("future.yaml", """
            models:
              events:
                count: 2
                fields:
                  at: { type: date, min: 0, max: +9000y }
            """);

        var (exit, _, error) = await Run("validate", manifest);

        exit.Should().Be(ExitCodes.InvalidManifest);
        error.Should().Contain("future.yaml(5,38)").And.Contain("years 1 to 9999");
    }

    [Fact]
    public async Task Very_long_model_names_are_refused_with_a_location()
    {
        var name = new string('m', 300);
        var manifest = Write("long.yaml", $$"""
            models:
              {{name}}: { count: 1, fields: { id: sequence } }
            """);

        var (exit, _, error) = await Run("generate", manifest, "--format", "ndjson", "--out", Out("long"));

        exit.Should().Be(ExitCodes.InvalidManifest);
        error.Should().Contain("long.yaml(2,3)").And.Contain("300 characters; at most 128");
    }

    [Fact]
    public async Task An_expr_field_that_fails_names_the_expression_the_model_the_field_and_the_row()
    {
        var manifest = Write("expr.yaml", """
            models:
              rows:
                count: 3
                fields:
                  n: { type: constant, value: 0 }
                  ratio: { type: expr, expr: "10 / n" }
            """);

        var (exit, _, error) = await Run("generate", manifest, "--format", "ndjson", "--out", Out("expr"));

        exit.Should().Be(ExitCodes.Failure);
        error.Should().Contain("model 'rows', field 'ratio', row 0").And.Contain("expr.yaml(6,35): in expression '10 / n': division by zero");
    }

    [Fact]
    public async Task Replay_of_a_damaged_export_names_the_file_exit_1()
    {
        var exported = Out("exported");
        (await Run("journey", "--provider", "starfleet", "--quantity", "2", "--output", exported)).Exit.Should().Be(ExitCodes.Success);
        var metadata = Directory.GetFiles(exported, "*.json").Order(StringComparer.Ordinal).Last();
        await File.WriteAllTextAsync(metadata, (await File.ReadAllTextAsync(metadata, TestContext.Current.CancellationToken)).Replace("\"steps\"", "\"stops\"", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var (exit, _, error) = await Run("replay", exported, "--out", Out("replayed"));

        exit.Should().Be(ExitCodes.Failure);
        error.Should().Contain(Path.GetFileName(metadata)).And.Contain("not a journey export");
    }

    [Fact]
    public async Task A_failure_nobody_foresaw_exits_70_with_its_cause_and_no_stack_trace()
    {
        var error = new StringWriter();

        var exit = await Failures.RunAsync(error, null, () => throw new NullReferenceException("boom"));

        exit.Should().Be(ExitCodes.InternalError);
        error.ToString().Should().Contain("datagen: internal error (NullReferenceException: boom)").And.Contain("Please report this").And.NotContain("   at ");
    }
}
