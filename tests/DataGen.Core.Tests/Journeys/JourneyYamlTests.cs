using System.Text.Json.Nodes;

namespace DataGen.Core.Tests.Journeys;

/// <summary>Journeys defined in a manifest's <c>journeys:</c> section.</summary>
public sealed class JourneyYamlTests
{
    private static async Task<Manifest> Sample() =>
        TestGeneration.Parse(await File.ReadAllTextAsync(TestGeneration.SamplePath("journeys.yaml"), TestContext.Current.CancellationToken));

    [Fact]
    public async Task The_yaml_enlistment_journey_behaves_like_starfleet()
    {
        var provider = (await Sample()).Journeys["enlistment"];

        for (var i = 0; i < 30; i++)
        {
            var journey = provider.Create(seed: 5, i, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            var steps = journey.Steps;
            steps[0].DocumentType.Should().Be("starfleet_account");
            steps[0].Document["user_id"]!.GetValue<string>().Should().Be(journey.UserId);
            var logins = steps.Count - 2;
            logins.Should().BeInRange(1, 10);
            var lastAccount = steps[^2].Document;
            var appended = lastAccount["auth"]!["logins"]!.AsArray().TakeLast(logins).ToList();
            appended.Select(l => l!["at"]!.GetValue<string>()).Should().Equal(steps.Skip(1).Take(logins).Select(s => DataGen.Generators.ScalarValues.Format(s.At)), "each login is stamped with its step's time");
            appended.Should().OnlyContain(l => l!["ip"] is JsonValue && l["success"] is JsonValue);
            steps.Skip(1).Take(logins).Select(s => s.Delay).Should().OnlyContain(d => d >= TimeSpan.FromMinutes(1) && d <= TimeSpan.FromDays(1));

            var application = steps[^1];
            application.DocumentType.Should().Be("starfleet_application");
            application.DelayFrom.Should().Be(steps.Take(steps.Count - 1).Select((s, k) => (s.At, k)).Max().k, "'from: latest'");
            foreach (var field in new[] { "surname", "forename", "title", "communicator", "federation_citizen_id" })
            {
                application.Document[field]!.ToJsonString().Should().Be(steps[0].Document[field]!.ToJsonString());
            }

            application.Document["account_id"]!.ToJsonString().Should().Be(steps[0].Document["id"]!.ToJsonString());
        }

        provider.Create(5, 3, DateTime.UnixEpoch).Metadata().ToJsonString().Should().Be(provider.Create(5, 3, DateTime.UnixEpoch).Metadata().ToJsonString());
    }

    [Theory]
    [InlineData("- update: account", "- update: acount", "no earlier step created a document named 'acount' (did you mean 'account'?)", 6, 17)]
    [InlineData("after: [1m, 1d]\n", "after: [1d, 1m]\n", "'after' must be a delay or [min, max]", 7, 16)]
    [InlineData("repeat: [1, 3]", "repeat: [3, 1]", "'repeat' must be a count or [min, max]", 8, 17)]
    [InlineData("{{at}}\" }", "{{att}}\" }", "'{{att}}' is not at, user_id or <document>.<path>", 9, 31)]
    [InlineData("ip: internet.ip", "ip: internet.ipp", "unknown Bogus method 'internet.ipp'", 9, 55)]
    [InlineData("from: latest", "from: 7", "'from' must be 'latest' or the number of an earlier step (0–1)", 12, 15)]
    [InlineData("as: account", "as: account\n        repaet: 2", "unknown journey step key 'repaet' (did you mean 'repeat'?)", 6, 9)]
    public void Journey_definition_errors_name_line_and_column(string find, string replace, string message, int line, int column)
    {
        const string Yaml = """
            journeys:
              j:
                steps:
                  - document: note
                    as: account
                  - update: account
                    after: [1m, 1d]
                    repeat: [1, 3]
                    append: { log: { at: "{{at}}" }, other: { ip: internet.ip } }
                  - document: reply
                    after: 1h
                    from: latest
            """;
        var act = () => TestGeneration.Parse(Yaml.Replace(find, replace, StringComparison.Ordinal));
        var error = act.Should().Throw<ManifestException>().Which.Errors.Should().Contain(e => e.Message.Contains(message, StringComparison.Ordinal)).Which;
        $"{error.Line},{error.Column}".Should().Be($"{line},{column}", error.ToString());
    }
}
