using System.Globalization;
using DataGen.Events;

namespace DataGen.Core.Tests.Events;

/// <summary>Issue 28 item 3: parallel flows, fan-out continuations, time zones with local times, deterministic event ids.</summary>
public sealed class EventFanOutTests
{
    private const string Scenario = """
        events:
          start: 2025-01-01
          end: 2025-01-08
          state: { steps: 0 }
          types:
            open: { n: "=steps + 1" }
            browse: { where: "{{local_at}} {{time_zone}}" }
            chat: { line: lorem.sentence }
            ping: { at: "{{at}}" }
          flows:
            visit:
              steps:
                - { event: open, after: [1m, 1h], set: { steps: "steps + 1" } }
                - ">> [shop, talk]"
            shop:
              weight: 0
              steps:
                - { event: browse, after: [1m, 10m], limit: 3, set: { steps: "steps + 1" } }
            talk:
              weight: 0
              timeZone: Asia/Tokyo
              steps:
                - { event: chat, after: [2m, 20m], limit: 2 }
            heartbeat:
              weight: 0
              parallel: true
              steps:
                - { event: ping, after: [1d, 1d], limit: 3 }
        """;

    private static async Task<(EventScenario Scenario, ProfilePool Pool)> Load(string yaml)
    {
        var scenario = TestGeneration.Parse(yaml).Events!;
        return (scenario, await ProfilePool.GenerateAsync(20, scenario.Seed, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_fan_out_runs_every_continuation_and_parallel_flows_run_beside_the_weighted_one()
    {
        var (scenario, pool) = await Load(Scenario);
        scenario.Flows.Select(f => f.Name).Should().Equal("visit", "heartbeat");

        var events = scenario.CreateRun(pool).Events(scenario.Start, scenario.End).ToList();

        foreach (var profile in events.GroupBy(e => e.Profile))
        {
            var opened = profile.Single(e => e.Event == "open").At;
            profile.Where(e => e.Flow == "shop").Should().HaveCount(3).And.OnlyContain(e => e.At > opened, "both continuations start after the fan-out");
            profile.Where(e => e.Flow == "talk").Should().HaveCount(2).And.OnlyContain(e => e.At > opened);
            profile.Where(e => e.Flow == "heartbeat").Select(e => e.At).Should().Equal([scenario.Start.AddDays(1), scenario.Start.AddDays(2), scenario.Start.AddDays(3)]);
        }

        events.Select(e => e.At).Should().BeInAscendingOrder();
        events.Select(e => (e.At, e.Profile, e.Event, e.Id)).Should().Equal(scenario.CreateRun(pool).Events(scenario.Start, scenario.End).Select(e => (e.At, e.Profile, e.Event, e.Id)), "a run is the same whatever reads it");
    }

    [Fact]
    public async Task Profiles_get_zones_by_weight_and_events_carry_local_time_beside_utc()
    {
        var (scenario, pool) = await Load(Scenario.Replace("  start:", "  timeZone: { Europe/Paris: 1, America/New_York: 1 }\n  start:", StringComparison.Ordinal));
        var output = new DataGen.Outputs.MemoryOutput();

        await scenario.CreateRun(pool).WriteAsync(output, scenario.Start, scenario.End, TestContext.Current.CancellationToken);

        output.Models["events"].Fields.Select(f => f.Name).Should().Equal("at", "profile", "flow", "event", "data", "local_at", "time_zone");
        var rows = output.Records("events").ToList();
        rows.Should().OnlyContain(r => Math.Abs((DateTimeOffset.Parse((string)r["local_at"]!, CultureInfo.InvariantCulture).UtcDateTime - (DateTime)r["at"]!).TotalMilliseconds) < 1, "local time is the same instant (to the millisecond it is written with)");
        rows.Where(r => (string)r["flow"]! == "talk").Should().OnlyContain(r => (string)r["time_zone"]! == "Asia/Tokyo" && ((string)r["local_at"]!).EndsWith("+09:00", StringComparison.Ordinal));
        var zones = rows.Where(r => (string)r["flow"]! != "talk").GroupBy(r => r["profile"]).Select(g => g.Select(r => (string)r["time_zone"]!).Distinct().Single()).ToList();
        zones.Should().Contain("Europe/Paris").And.Contain("America/New_York").And.HaveCount(20, "each profile lives in one zone");
        rows.Where(r => (string)r["time_zone"]! == "Europe/Paris").Should().OnlyContain(r => ((string)r["local_at"]!).EndsWith("+01:00", StringComparison.Ordinal), "January in Paris is UTC+1");
        rows.Where(r => (string)r["event"]! == "browse").Should().OnlyContain(r => ((IReadOnlyDictionary<string, object?>)r["data"]!)["where"]!.ToString() == $"{r["local_at"]} {r["time_zone"]}", "{{local_at}} and {{time_zone}} in fields are the row's");
    }

    [Fact]
    public async Task Event_ids_are_unique_deterministic_per_seed_and_zones_and_ids_change_nothing_else()
    {
        var (plain, pool) = await Load(Scenario);
        var (withIds, _) = await Load(Scenario.Replace("  start:", "  eventId: true\n  timeZone: Europe/Paris\n  start:", StringComparison.Ordinal));
        var (otherSeed, _) = await Load("seed: 99\n" + Scenario.Replace("  start:", "  eventId: true\n  start:", StringComparison.Ordinal));

        var first = new DataGen.Outputs.MemoryOutput();
        await withIds.CreateRun(pool).WriteAsync(first, withIds.Start, withIds.End, TestContext.Current.CancellationToken);
        var ids = first.Records("events").Select(r => (Guid)r["event_id"]!).ToList();

        ids.Should().OnlyHaveUniqueItems();
        withIds.CreateRun(pool).Events(withIds.Start, withIds.End).Select(e => e.Id).Should().Equal(ids);
        otherSeed.CreateRun(pool).Events(otherSeed.Start, otherSeed.End).Select(e => e.Id).Should().NotIntersectWith(ids);
        var without = plain.CreateRun(pool).Events(plain.Start, plain.End).Select(e => (e.At, e.Profile, e.Flow, e.Event, Fields: string.Join(",", e.Data.Where(d => d.Key != "where").Select(d => $"{d.Key}={d.Value}"))));
        withIds.CreateRun(pool).Events(withIds.Start, withIds.End).Select(e => (e.At, e.Profile, e.Flow, e.Event, Fields: string.Join(",", e.Data.Where(d => d.Key != "where").Select(d => $"{d.Key}={d.Value}")))).Should().Equal(without);
    }

    private const string Valid = """
          types:
            login: { user: "{{profile.username}}" }
          flows:
            main:
              steps:
                - { event: login }
                - ">> [side]"
            side:
              weight: 0
              steps:
                - { event: login }
        """;

    [Theory]
    [InlineData("  types:", "  timeZone: Europe/Pariss\n  types:", "'Europe/Pariss' is not an IANA time zone id", 2, 13)]
    [InlineData("  types:", "  timeZone: { W. Europe Standard Time: 1 }\n  types:", "its IANA id is 'Europe/Berlin'", 2, 15)]
    [InlineData("      weight: 0\n", "      weight: 0\n      timeZone: Mars/Olympus\n", "'Mars/Olympus' is not an IANA time zone id", 11, 17)]
    [InlineData("\">> [side]\"", "\">> [side, sid]\"", "fork: unknown flow 'sid' (did you mean 'side'?)", 8, 11)]
    [InlineData("\">> [side]\"", "{ fork: [side, side] }", "fork: flow 'side' is named twice", 8, 26)]
    public void Fan_out_and_zone_errors_name_line_and_column(string find, string replace, string message, int line, int column)
    {
        var yaml = Valid.Replace(find, replace, StringComparison.Ordinal);
        yaml.Should().NotBe(Valid);
        var act = () => TestGeneration.Parse("events:\n" + yaml);
        var error = act.Should().Throw<ManifestException>().Which.Errors.Should().Contain(e => e.Message.Contains(message, StringComparison.Ordinal)).Which;

        $"{error.Line},{error.Column}".Should().Be($"{line},{column}", error.ToString());
    }

    [Fact]
    public void A_fan_out_that_leads_back_to_its_own_flow_is_refused_at_the_fan_out()
    {
        var act = () => TestGeneration.Parse("events:\n" + Valid + "\n        - { branch: { main: 1 } }");

        var error = act.Should().Throw<ManifestException>().Which.Errors.Should().ContainSingle(e => e.Message.Contains("fan-out comes back", StringComparison.Ordinal)).Which;
        error.Message.Should().Contain("main >> side → main");
        $"{error.Line},{error.Column}".Should().Be("8,11");
    }
}
