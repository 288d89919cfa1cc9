namespace DataGen.Core.Tests.Events;

/// <summary>The <c>events:</c> section of a manifest: the sample runs; every definition error names its position.</summary>
public sealed class EventYamlTests
{
    [Fact]
    public async Task The_sample_scenario_runs_with_state_groups_and_branches()
    {
        var manifest = TestGeneration.Parse(await File.ReadAllTextAsync(TestGeneration.SamplePath("events.yaml"), TestContext.Current.CancellationToken));
        var scenario = manifest.Events!;
        scenario.Flows.Select(f => f.Name).Should().Equal("newcomer", "regular");

        var pool = await DataGen.Events.ProfilePool.GenerateAsync(40, scenario.Seed, cancellationToken: TestContext.Current.CancellationToken);
        var events = scenario.CreateRun(pool).Events(scenario.Start, scenario.End).ToList();

        events.Select(e => e.Event).Distinct().Should().BeEquivalentTo(["signup", "login", "view_product", "add_to_cart", "checkout", "logout"]);
        foreach (var profile in events.GroupBy(e => e.Profile))
        {
            profile.Where(e => e.Event == "login").Select(e => (long)e.Data["login_number"]!).Should().Equal(Enumerable.Range(1, profile.Count(e => e.Event == "login")).Select(i => (long)i));
        }

        events.Where(e => e.Event == "signup").Should().OnlyContain(e => e.Data["email"] is string && e.Data["city"] is string && e.Data["ip"] is string);
    }

    private static ManifestError Find(string events, string message)
    {
        var act = () => TestGeneration.Parse("events:\n" + events);
        return act.Should().Throw<ManifestException>().Which.Errors.Should().Contain(e => e.Message.Contains(message, StringComparison.Ordinal)).Which;
    }

    private const string Valid = """
          types:
            login: { user: "{{profile.username}}" }
          flows:
            main:
              steps:
                - { event: login }
        """;

    [Theory]
    [InlineData("{{profile.username}}", "{{profile.usrname}}", "'{{profile.usrname}}' is not profile.<field>", 3, 21)]
    [InlineData("- { event: login }", "- { event: logn }", "unknown event type 'logn' (did you mean 'login'?)", 7, 20)]
    [InlineData("- { event: login }", "- { event: login, after: [1h, 1m] }", "'after' must be a delay or [min, max]", 7, 34)]
    [InlineData("- { event: login }", "- { event: login, limt: 2 }", "unknown step key 'limt' (did you mean 'limit'?)", 7, 27)]
    [InlineData("- { event: login }", "- { event: login }\n        - { branch: { nowhere: 1 } }", "branch: unknown flow 'nowhere'", 8, 23)]
    [InlineData("- { event: login }", "- { event: login, limit: 0 }\n        - { event: login }", "nothing can follow a step that repeats", 8, 11)]
    [InlineData("login: { user: \"{{profile.username}}\" }", "login: { user: \"=uniform(1)\" }", "uniform() takes 2 to 3 arguments", 3, 22)]
    [InlineData("login: { user: \"{{profile.username}}\" }", "login: { user: internet.ipp }", "unknown Bogus method 'internet.ipp'", 3, 20)]
    [InlineData("types:", "typs:", "unknown events key 'typs' (did you mean 'types'?)", 2, 3)]
    public void Event_definition_errors_name_line_and_column(string find, string replace, string message, int line, int column)
    {
        var error = Find(Valid.Replace(find, replace, StringComparison.Ordinal), message);

        $"{error.Line},{error.Column}".Should().Be($"{line},{column}", error.ToString());
        error.Model.Should().Be("events");
    }
}
