namespace DataGen.Core.Tests.Simulations;

/// <summary>Every definition error in a YAML simulation names its line and column.</summary>
public sealed class SimulationYamlTests
{
    private const string Models = """
        models:
          users:
            count: 10
            key: id
            fields:
              id: { type: sequence, start: 1 }
              balance: { type: decimal, min: 0, max: 100, scale: 2 }
        """;

    private static ManifestError Single(string simulation)
    {
        var act = () => TestGeneration.Parse(Models + "\n" + simulation);
        return act.Should().Throw<ManifestException>().Which.Errors.Should().ContainSingle().Which;
    }

    [Fact]
    public void A_valid_simulation_is_ready_to_run_from_the_manifest()
    {
        var manifest = TestGeneration.Parse(Models + """

            simulation:
              subjects: users
              states: [offline, online]
              tick: 30s
              end: 2025-01-02
              transitions:
                - { trigger: login, from: offline, to: online, probability: 1% }
                - { trigger: logout, from: online, to: offline, probability: 5% }
            """);

        var simulation = manifest.Simulation!;
        simulation.Initial.Should().Be("offline");
        simulation.TickLength.Should().Be(TimeSpan.FromSeconds(30));
        simulation.Ticks.Should().Be(2 * 60 * 24);
        simulation.Start.Should().Be(manifest.ReferenceDate);
        simulation.Transitions.Select(t => t.Percent).Should().Equal(1, 5);
        simulation.Streams.Should().ContainSingle().Which.Name.Should().Be("events");
    }

    [Fact]
    public void Unknown_state_in_a_transition_points_at_the_value()
    {
        var error = Single("""
            simulation:
              subjects: users
              states: [offline, online]
              transitions:
                - { trigger: login, from: offline, to: onlin, probability: 1% }
            """);

        $"{error.Line},{error.Column}".Should().Be("12,44", error.ToString());
        error.Message.Should().Contain("unknown state 'onlin'").And.Contain("did you mean 'online'");
    }

    [Fact]
    public void Probabilities_over_100_percent_point_at_the_transition_that_goes_past_it()
    {
        var error = Single("""
            simulation:
              subjects: users
              states: [offline, online]
              transitions:
                - { trigger: login, from: offline, to: online, probability: 60% }
                - { trigger: ping, from: offline, to: offline, probability: 50% }
                - { trigger: logout, from: online, to: offline, probability: 50% }
            """);

        $"{error.Line},{error.Column}".Should().Be("13,65", error.ToString());
        error.Message.Should().Contain("leaving state 'offline' sum to 110%");
    }

    [Fact]
    public void An_unknown_name_in_an_expression_points_inside_the_expression()
    {
        var error = Single("""
            simulation:
              subjects: users
              states: [on]
              transitions:
                - trigger: spend
                  from: on
                  to: on
                  probability: 1%
                  let: { amount: "uniform(1, 10)" }
                  set: { balance: "balance - amout" }
            """);

        $"{error.Line},{error.Column}".Should().Be("17,34", error.ToString());
        error.Message.Should().Contain("unknown name 'amout'");
    }

    [Theory]
    [InlineData("set: { balanse: \"1\" }", "'balanse' is not an attribute of the subjects", 16, 14)]
    [InlineData("let: { x: \"unifrom(1, 2)\" }", "unknown function 'unifrom' (did you mean 'uniform'?)", 16, 18)]
    [InlineData("let: { x: \"int(1)\" }", "int() takes 2 arguments, found 1", 16, 18)]
    [InlineData("require: \"balance >\"", "expected a value", 16, 26)]
    [InlineData("probabilty: 1", "unknown transition key 'probabilty' (did you mean 'probability'?)", 16, 7)]
    [InlineData("hourly: [1, 2]", "24 factors", 16, 15)]
    [InlineData("outputs: [audit]", "unknown output stream 'audit'", 16, 16)]
    public void Transition_errors_name_line_and_column(string line, string message, int lineNumber, int column)
    {
        var error = Single($"""
            simulation:
              subjects: users
              states: [on]
              transitions:
                - trigger: t
                  from: on
                  to: on
                  probability: 1%
                  {line}
            """);

        error.Message.Should().Contain(message);
        $"{error.Line},{error.Column}".Should().Be($"{lineNumber},{column}", error.ToString());
        error.Model.Should().Be("simulation");
    }

    [Theory]
    [InlineData("subjects: user", "subjects: unknown model 'user' (did you mean 'users'?)", 9, 13)]
    [InlineData("subjects: users\n  tick: soon", "'tick' must be a positive duration", 10, 9)]
    [InlineData("subjects: users\n  ticks: 10\n  end: 2025-02-01", "either 'ticks' or 'end'", 11, 8)]
    [InlineData("subjects: users\n  emit: [amount]", "'amount' is neither an attribute", 10, 10)]
    [InlineData("subjects: users\n  streams: { tx: { store: kafka } }", "unknown datastore 'kafka'", 10, 18)]
    [InlineData("subjects: users\n  state: [a]", "unknown simulation key 'state' (did you mean 'states'?)", 10, 3)]
    public void Simulation_errors_name_line_and_column(string lines, string message, int lineNumber, int column)
    {
        var error = Single($"""
            simulation:
              {lines}
              states: [on]
              transitions:
                - {"{"} trigger: t, from: on, to: on, probability: 1% {"}"}
            """);

        error.Message.Should().Contain(message);
        $"{error.Line},{error.Column}".Should().Be($"{lineNumber},{column}", error.ToString());
    }

    [Fact]
    public void Probabilities_over_100_percent_are_reported_with_the_other_errors()
    {
        var act = () => TestGeneration.Parse(Models + "\n" + """
            simulation:
              subjects: users
              tik: 30s
              states: [offline, online]
              transitions:
                - { trigger: login, from: offline, to: online, probability: 60% }
                - { trigger: ping, from: offline, to: offline, probability: 50% }
                - { trigger: dup, from: offline, to: offline, probability: 50% }
                - { trigger: logout, from: online, to: offline, probability: 1% }
            """);

        var messages = act.Should().Throw<ManifestException>().Which.Errors.Select(e => e.Message).ToList();
        messages.Should().Contain(m => m.Contains("unknown simulation key 'tik'"));
        messages.Should().Contain(m => m.Contains("leaving state 'offline' sum to 160%"));
    }

    [Fact]
    public void A_state_with_no_way_out_is_a_located_warning()
    {
        var manifest = TestGeneration.Parse(Models + "\n" + """
            simulation:
              subjects: users
              states: [open, closed]
              transitions:
                - { trigger: close, from: open, to: closed, probability: 1% }
            """);

        manifest.Simulation!.Warnings.Should().ContainSingle().Which.Should().MatchRegex(@"^test\.yaml\(\d+,\d+\): warning: state 'closed' has no way out");
    }
}
