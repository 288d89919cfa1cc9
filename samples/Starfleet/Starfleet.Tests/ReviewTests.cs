using AwesomeAssertions;
using DataGen.Xunit;
using Starfleet.Review;
using Xunit;

namespace Starfleet.Tests;

/// <summary>
/// 60 starfleet journeys (account, logins, application) in PostgreSQL; the review service's decisions must match the
/// rule applied independently to the journeys' own documents, which the fixture keeps with their step metadata.
/// </summary>
[Journey("starfleet", Users = 60, Seed = 2365)]
public sealed class ReviewTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Every_application_is_decided_by_the_rule()
    {
        var decisions = (await new ReviewService(db.ConnectionString).ReviewAsync(TestContext.Current.CancellationToken)).ToDictionary(d => d.UserId);

        decisions.Should().HaveCount(60);
        foreach (var journey in db.Journeys)
        {
            var account = journey.Steps.Last(s => s.DocumentType == "starfleet_account").Document;
            var application = journey.Steps.Single(s => s.DocumentType == "starfleet_application").Document;
            var loggedIn = account["auth"]!["logins"]!.AsArray().Any(l => l!["success"]!.GetValue<bool>());
            var sameCitizen = application["federation_citizen_id"]!.ToJsonString() == account["federation_citizen_id"]!.ToJsonString();
            var experienced = application["details"]!["years_of_experience"]!.GetValue<long>() >= 2;

            var decision = decisions[journey.UserId];
            decision.ApplicationId.Should().Be(application["id"]!.GetValue<string>());
            decision.Approved.Should().Be(loggedIn && sameCitizen && experienced, $"journey {journey.Name}: {decision.Reason}");
        }

        decisions.Values.Should().Contain(d => d.Approved).And.Contain(d => !d.Approved, "the seed gives both outcomes");
    }

    [Fact]
    public void The_fixture_keeps_the_step_metadata()
    {
        db.Counts["journey_steps"].Should().Be(db.Journeys.Sum(j => j.Steps.Count));
        foreach (var journey in db.Journeys)
        {
            var (last, before) = (journey.Steps[^1], journey.Steps[^2]);
            last.DocumentType.Should().Be("starfleet_application");
            last.At.Should().BeOnOrAfter(before.At);
        }
    }
}
