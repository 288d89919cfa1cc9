using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DataGen.Journeys;

namespace DataGen.Core.Tests.Journeys;

public sealed class JourneyTests
{
    private static readonly DateTime Start = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Starfleet_is_discoverable_by_name() =>
        JourneyCatalog.Find("starfleet").Should().BeOfType<StarfleetJourney>();

    [Theory]
    [InlineData(0UL)]
    [InlineData(7UL)]
    [InlineData(42UL)]
    public void Starfleet_journeys_follow_the_documented_shape(ulong seed)
    {
        var provider = new StarfleetJourney();
        var loginCounts = new HashSet<int>();
        for (var i = 0; i < 40; i++)
        {
            var journey = provider.Create(seed, i, Start);
            var steps = journey.Steps;

            steps[0].DocumentType.Should().Be("starfleet_account");
            steps[0].At.Should().Be(Start);
            steps[^1].DocumentType.Should().Be("starfleet_application");
            var logins = steps.Skip(1).SkipLast(1).ToList();
            logins.Should().HaveCountGreaterThanOrEqualTo(1).And.HaveCountLessThanOrEqualTo(10).And.OnlyContain(s => s.DocumentType == "starfleet_account");
            loginCounts.Add(logins.Count);

            foreach (var step in logins)
            {
                step.DelayFrom.Should().Be(step.Index - 1);
                step.Delay.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMinutes(1)).And.BeLessThanOrEqualTo(TimeSpan.FromDays(1));
                ((JsonArray)step.Document["auth"]!["logins"]!).Should().HaveCount(step.Index, "each login step appends one login");
                step.Document["auth"]!["logins"]![step.Index - 1]!["at"]!.GetValue<string>().Should().Be(step.At.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            }

            var application = steps[^1];
            application.DelayFrom.Should().Be(steps.Take(steps.Count - 1).MaxBy(s => s.At)!.Index, "the final step comes after the latest step");
            application.At.Should().BeAfter(steps.Take(steps.Count - 1).Max(s => s.At));
            var account = steps[^2].Document;
            foreach (var field in new[] { "surname", "forename", "title", "communicator", "federation_citizen_id" })
            {
                application.Document[field]!.GetValue<string>().Should().Be(account[field]!.GetValue<string>());
            }

            steps.Should().OnlyContain(s => s.Document["user_id"]!.GetValue<string>() == journey.UserId);
        }

        loginCounts.Should().HaveCountGreaterThan(5, "the number of logins varies between users");
    }

    [Fact]
    public void Journeys_depend_only_on_seed_provider_and_index()
    {
        var provider = new StarfleetJourney();
        var a = provider.Create(3, 5, Start);
        var b = provider.Create(3, 5, Start);
        var c = provider.Create(3, 6, Start);

        a.Metadata().ToJsonString().Should().Be(b.Metadata().ToJsonString());
        a.Steps.Select(s => s.Document.ToJsonString()).Should().Equal(b.Steps.Select(s => s.Document.ToJsonString()));
        c.UserId.Should().NotBe(a.UserId);
    }

    [Fact]
    public async Task Export_writes_a_zip_and_metadata_per_journey_byte_identical_across_runs()
    {
        var first = Directory.CreateTempSubdirectory("journeys-");
        var second = Directory.CreateTempSubdirectory("journeys-");
        try
        {
            var written = await JourneyExport.WriteAsync(new StarfleetJourney(), 9, 4, Start, first.FullName, TestContext.Current.CancellationToken);
            await JourneyExport.WriteAsync(new StarfleetJourney(), 9, 4, Start, second.FullName, TestContext.Current.CancellationToken);

            written.Should().HaveCount(4);
            first.GetFiles("*.zip").Should().HaveCount(4);
            first.GetFileSystemInfos().Should().HaveCount(8, "no temporary files are left behind");
            foreach (var file in first.GetFiles())
            {
                SHA256.HashData(File.ReadAllBytes(file.FullName)).Should().Equal(SHA256.HashData(File.ReadAllBytes(Path.Combine(second.FullName, file.Name))), file.Name);
            }

            var metadata = JsonNode.Parse(File.ReadAllText(written[0]))!;
            var steps = JourneyExport.ReadSteps(Path.ChangeExtension(written[0], ".zip"));
            steps.Select(s => s.FileName).Should().Equal(metadata["steps"]!.AsArray().Select(s => s!["file_name"]!.GetValue<string>()));
        }
        finally
        {
            first.Delete(recursive: true);
            second.Delete(recursive: true);
        }
    }
}
