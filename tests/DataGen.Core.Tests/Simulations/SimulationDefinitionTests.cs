using System.Security.Cryptography;
using DataGen.Outputs;
using DataGen.Simulations;

namespace DataGen.Core.Tests.Simulations;

public sealed class SimulationDefinitionTests
{
    private static readonly Func<SubjectContext, IDictionary<string, object?>> NoAttributes = _ => new Dictionary<string, object?>();

    private static SimulationBuilder Valid() => Simulation.Create("t")
        .States("offline", "online")
        .Subjects(10, NoAttributes)
        .Transition("login", "offline", "online", 10)
        .Transition("logout", "online", "offline", 20);

    private static IReadOnlyList<string> Problems(SimulationBuilder builder) =>
        builder.Invoking(b => b.Build()).Should().Throw<SimulationException>().Which.Problems;

    [Fact]
    public void Probabilities_leaving_a_state_over_100_percent_are_rejected()
    {
        Problems(Valid().Transition("crash", "online", "offline", 85)).Should().ContainSingle()
            .Which.Should().Contain("leaving state 'online' sum to 105%").And.Contain("must not exceed 100%");
    }

    [Fact]
    public void Hourly_peaks_count_towards_the_100_percent()
    {
        var hourly = Enumerable.Repeat(1.0, 24).ToArray();
        hourly[19] = 9;
        Problems(Valid().Transition(new SimulationTransition("surge", "offline", "offline", 12) { Hourly = hourly }))
            .Should().ContainSingle().Which.Should().Contain("state 'offline'").And.Contain("at hour 19");
    }

    [Fact]
    public void Unknown_states_are_named_with_a_suggestion()
    {
        Problems(Valid().Transition("browse", "onlin", "offline", 1)).Should().ContainSingle()
            .Which.Should().Contain("unknown state 'onlin'").And.Contain("did you mean 'online'");
        Problems(Valid().Initial("ofline")).Should().ContainSingle().Which.Should().Contain("initial state 'ofline'");
    }

    [Fact]
    public void A_trigger_defined_twice_from_one_state_is_rejected()
    {
        Problems(Valid().Transition("login", "offline", "offline", 1)).Should().ContainSingle()
            .Which.Should().Contain("trigger 'login' is defined twice from state 'offline'");
    }

    [Fact]
    public void Unreachable_states_are_errors_and_dead_ends_are_warnings()
    {
        Problems(Valid().States("archived")).Should().ContainSingle().Which.Should().Contain("state 'archived' is unreachable from the initial state 'offline'");

        var simulation = Valid().States("closed").Transition("close", "online", "closed", 1).Build();
        simulation.Warnings.Should().ContainSingle().Which.Should().Contain("state 'closed' has no way out");
    }

    [Fact]
    public void Other_definition_errors_are_all_reported_together()
    {
        var problems = Problems(Simulation.Create("t")
            .States("a", "a")
            .Ticks(0)
            .TickLength(TimeSpan.Zero)
            .Emit("at")
            .Transition(new SimulationTransition("x", "a", "a", 120) { Hourly = [1, 2], Outputs = ["nowhere"] }));

        problems.Should().Contain(p => p.Contains("state 'a' is declared twice", StringComparison.Ordinal))
            .And.Contain(p => p.Contains("no subjects", StringComparison.Ordinal))
            .And.Contain(p => p.Contains("ticks must be positive", StringComparison.Ordinal))
            .And.Contain(p => p.Contains("tick length must be positive", StringComparison.Ordinal))
            .And.Contain(p => p.Contains("clashes with a built-in event column", StringComparison.Ordinal))
            .And.Contain(p => p.Contains("probability must be between 0 and 100", StringComparison.Ordinal))
            .And.Contain(p => p.Contains("24 factors", StringComparison.Ordinal))
            .And.Contain(p => p.Contains("unknown output stream 'nowhere'", StringComparison.Ordinal));
    }

    [Fact]
    public void Mermaid_lists_the_initial_state_and_every_transition()
    {
        var mermaid = Valid().Build().ToMermaid();

        mermaid.Should().Be("""
            stateDiagram-v2
                [*] --> offline
                offline --> online : login (10%)
                online --> offline : logout (20%)

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_vetoed_transition_emits_nothing_and_keeps_the_state()
    {
        var simulation = Simulation.Create("veto")
            .States("a", "b")
            .Subjects(500, NoAttributes)
            .Ticks(200)
            .Transition("never", "a", "b", 50, _ => false)
            .Build();

        var result = await simulation.RunAsync(new MemoryOutput(), null, TestContext.Current.CancellationToken);

        result.Events.Should().Be(0);
        result.Subjects.Should().OnlyContain(s => s.State == "a");
    }

    [Fact]
    public async Task Actions_change_attributes_and_events_carry_the_emitted_values_in_time_order()
    {
        var simulation = Simulation.Create("counter")
            .States("on")
            .Subjects(50, ctx => new Dictionary<string, object?> { ["id"] = $"user-{ctx.Index}", ["count"] = 0L })
            .Ticks(500)
            .Emit("count", "note")
            .Transition("bump", "on", "on", 5, ctx =>
            {
                ctx["count"] = (long)ctx["count"]! + 1;
                ctx.Values["note"] = $"bump {ctx["count"]}";
                return true;
            })
            .Build();

        var output = new MemoryOutput();
        var result = await simulation.RunAsync(output, null, TestContext.Current.CancellationToken);

        var events = output.Records("events").ToList();
        events.Should().HaveCount((int)result.Events);
        events.Select(e => (DateTime)e["at"]!).Should().BeInAscendingOrder();
        foreach (var subject in result.Subjects)
        {
            var own = events.Where(e => (string)e["subject"]! == (string)subject.Id).ToList();
            own.Select(e => (long)e["count"]!).Should().Equal(Enumerable.Range(1, own.Count).Select(i => (long)i));
            subject.Attributes["count"].Should().Be((long)own.Count);
        }

        output.Models["events"].Fields.Select(f => (f.Name, f.Kind)).Should().Equal(
            ("at", ValueKind.DateTime), ("subject", ValueKind.String), ("trigger", ValueKind.String), ("from", ValueKind.String), ("to", ValueKind.String), ("count", ValueKind.Integer), ("note", ValueKind.String));
    }

    [Fact]
    public async Task Same_seed_gives_identical_events_for_any_batch_size_and_another_seed_differs()
    {
        var manifest = TestGeneration.Parse(await File.ReadAllTextAsync(TestGeneration.SamplePath("banking.yaml"), TestContext.Current.CancellationToken));
        var simulation = manifest.Simulation!;

        async Task<string> Hash(SimulationOptions options)
        {
            var directory = Directory.CreateTempSubdirectory("datagen-sim-");
            try
            {
                await using (var output = new FileOutput(directory.FullName, FileFormat.Ndjson))
                {
                    await simulation.RunAsync(output, options, TestContext.Current.CancellationToken);
                }

                return Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(directory.FullName, "transactions.ndjson"), TestContext.Current.CancellationToken)));
            }
            finally
            {
                directory.Delete(recursive: true);
            }
        }

        var small = new SimulationOptions { Subjects = 200, Ticks = 2_880 };
        var first = await Hash(small);
        (await Hash(small with { BatchSize = 7 })).Should().Be(first);
        (await Hash(small with { Seed = 43 })).Should().NotBe(first);
    }

    [Fact]
    public async Task Banking_sample_never_spends_more_than_the_balance_and_the_last_event_matches_the_subject()
    {
        var manifest = TestGeneration.Parse(await File.ReadAllTextAsync(TestGeneration.SamplePath("banking.yaml"), TestContext.Current.CancellationToken));
        var output = new MemoryOutput();
        var result = await manifest.Simulation!.RunAsync(output, new SimulationOptions { Subjects = 300, Ticks = 7 * 1440 }, TestContext.Current.CancellationToken);

        // The subjects are the users model's rows (written too); events name them by key.
        output.Rows["users"].Should().HaveCount(300);
        var users = output.Records("users").ToDictionary(u => (long)u["id"]!);
        var events = output.Records("transactions").ToList();
        events.Should().NotBeEmpty();
        events.Should().OnlyContain(e => users.ContainsKey((long)e["subject"]!));
        result.EventsByTrigger.Keys.Should().BeEquivalentTo(["close_loan_screen", "income", "login", "logout", "open_loan_screen", "spend", "take_loan"]);

        var balances = users.ToDictionary(u => u.Key, u => (decimal)u.Value["balance"]!);
        foreach (var e in events)
        {
            var id = (long)e["subject"]!;
            var amount = e["amount"] is { } a ? Convert.ToDecimal(a, System.Globalization.CultureInfo.InvariantCulture) : 0;
            var expected = (string)e["trigger"]! switch
            {
                "income" or "take_loan" => balances[id] + amount,
                "spend" => balances[id] - amount,
                _ => balances[id],
            };
            ((decimal)e["balance"]!).Should().Be(expected);
            expected.Should().BeGreaterThanOrEqualTo(0, "spending is vetoed when the balance is too low");
            balances[id] = expected;
        }

        foreach (var subject in result.Subjects)
        {
            subject.Attributes["balance"].Should().Be(balances[(long)subject.Id]);
        }
    }

    [Fact]
    public async Task Events_are_identical_for_any_number_of_threads()
    {
        var simulation = Simulation.Create("threads")
            .States("a", "b")
            .Subjects(5_000, ctx => new Dictionary<string, object?> { ["n"] = ctx.Random.Next(0, 9) })
            .Ticks(300)
            .Emit("n", "draw")
            .Transition("go", "a", "b", 3, ctx =>
            {
                ctx.Values["draw"] = ctx.Random.Decimal(0, 10);
                return ctx.Random.Chance(0.8);
            })
            .Transition("back", "b", "a", 5)
            .Build();

        async Task<List<string>> Lines(int threads)
        {
            var output = new MemoryOutput();
            await simulation.RunAsync(output, new SimulationOptions { MaxDegreeOfParallelism = threads, BatchSize = 333 }, TestContext.Current.CancellationToken);
            return output.Rows["events"].Select(r => string.Join('|', r.Select(ValueText.Format))).ToList();
        }

        var one = await Lines(1);
        one.Should().HaveCountGreaterThan(10_000);
        (await Lines(2)).Should().Equal(one);
        (await Lines(5)).Should().Equal(one);
    }

    [Fact]
    public async Task A_failing_action_names_the_transition_and_subject_and_completes_nothing()
    {
        var simulation = Simulation.Create("failing")
            .States("a")
            .Subjects(4_000, _ => new Dictionary<string, object?>())
            .Ticks(100)
            .Transition("boom", "a", "a", 1, ctx => ctx.Subject.Index == 3_500 ? throw new InvalidOperationException("no funds table") : true)
            .Build();

        var output = new MemoryOutput();
        var act = () => simulation.RunAsync(output, new SimulationOptions { MaxDegreeOfParallelism = 2 }, TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("transition 'boom'").And.Contain("subject 3500").And.Contain("no funds table");
        output.Completed.Should().BeFalse();
    }
}
