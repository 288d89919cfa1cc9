using DataGen.Events;
using DataGen.Outputs;

namespace DataGen.Core.Tests.Events;

public sealed class EventFlowTests
{
    private static readonly DateTime Start = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly EventType Signup = EventType.Create("signup", e => e
        .Field("user", c => c.Profile["username"])
        .Field("city", c => c.Profile["home_address.city"])
        .Field("ip", c => c.Faker.Internet.Ip()));

    private static readonly EventType Login = EventType.Create("login", e => e
        .Field("number", c => (long)c.State["logins"]! + 1)
        .Field("occurrence", c => c.Occurrence));

    private static readonly EventType View = EventType.Create("view", e => e.Field("product", c => c.Faker.Commerce.ProductName()));

    private static readonly EventType Cart = EventType.Create("cart", e => e.Field("viewed", c => c.Values.Count));

    private static List<EventFlow> Flows()
    {
        var browse = EventFlow.Create("browse").Together(View, Cart).Then(View, limit: 0, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(50)).Build();
        var leave = EventFlow.Create("leave").Then(View, limit: 2).Build();
        return
        [
            EventFlow.Create("onboarding")
                .Then(Signup, minDelay: TimeSpan.Zero, maxDelay: TimeSpan.FromHours(2))
                .Then(Login, limit: 3, update: c => c.State["logins"] = (long)c.State["logins"]! + 1)
                .Branch((browse, 3), (leave, 1))
                .Build(),
        ];
    }

    private static async Task<ProfilePool> Pool(int n = 400) => await ProfilePool.GenerateAsync(n, 9, cancellationToken: TestContext.Current.CancellationToken);

    private static EventFlowRun Run(ProfilePool pool, ulong seed = 1) => new(pool, Flows(), seed) { InitialState = new Dictionary<string, object?> { ["logins"] = 0L } };

    [Fact]
    public async Task Each_profile_follows_its_flow_in_order_with_limits_groups_branches_and_state()
    {
        var pool = await Pool();
        var events = Run(pool).Events(Start, Start.AddDays(2)).ToList();

        events.Select(e => e.At).Should().BeInAscendingOrder();
        var byProfile = events.GroupBy(e => e.Profile).ToList();
        byProfile.Should().HaveCount(pool.Count);
        var browsers = 0;
        foreach (var profile in byProfile)
        {
            var list = profile.ToList();
            list.Select(e => e.At).Should().BeInAscendingOrder();
            list[0].Event.Should().Be("signup");
            list[0].Data["user"].Should().Be(pool[list[0].Profile is long id ? (int)id - 1 : -1].Values["username"]);
            list.Skip(1).Take(3).Select(e => e.Event).Should().Equal("login", "login", "login");
            list.Skip(1).Take(3).Select(e => (long)e.Data["number"]!).Should().Equal([1L, 2L, 3L], "state persists between a profile's events");
            list.Skip(1).Take(3).Select(e => (long)e.Data["occurrence"]!).Should().Equal(0L, 1L, 2L);
            var rest = list.Skip(4).ToList();
            if (rest.Count >= 2 && rest[0].Flow == "browse")
            {
                browsers++;
                (rest[0].Event, rest[1].Event).Should().Be(("view", "cart"));
                rest[1].At.Should().Be(rest[0].At, "events of a group share their timestamp");
                rest.Skip(2).Should().OnlyContain(e => e.Event == "view", "a limit-0 step repeats until the run ends");
                rest.Count.Should().BeGreaterThan(10);
            }
            else
            {
                rest.Should().HaveCount(2).And.OnlyContain(e => e.Flow == "leave" && e.Event == "view");
            }
        }

        (browsers / (double)pool.Count).Should().BeApproximately(0.75, 0.07, "branches are chosen by weight 3:1");
        events.Should().OnlyContain(e => e.At <= Start.AddDays(2));
    }

    [Fact]
    public async Task Runs_are_deterministic_by_seed_and_profiles_survive_a_save_and_load()
    {
        var pool = await Pool(50);
        var directory = Directory.CreateTempSubdirectory("datagen-profiles-");
        try
        {
            var path = Path.Combine(directory.FullName, "profiles.ndjson");
            await pool.SaveAsync(path, TestContext.Current.CancellationToken);
            var loaded = await ProfilePool.LoadAsync(path, TestContext.Current.CancellationToken);

            static string Lines(IEnumerable<FlowEvent> events) => string.Join('\n', events.Select(e => ValueText.ToJson(new object?[] { e.At, e.Profile, e.Flow, e.Event, e.Data })));
            var first = Lines(Run(pool).Events(Start, Start.AddDays(1)));
            Lines(Run(pool).Events(Start, Start.AddDays(1))).Should().Be(first);
            Lines(Run(loaded).Events(Start, Start.AddDays(1))).Should().Be(first, "a loaded pool makes the same events");
            Lines(Run(pool, seed: 2).Events(Start, Start.AddDays(1))).Should().NotBe(first);
            loaded.Select(p => ValueText.ToJson(p.Values)).Should().Equal(pool.Select(p => ValueText.ToJson(p.Values)));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Batch_writes_the_window_to_an_output_and_live_stops_after_the_count()
    {
        var pool = await Pool(30);
        var output = new MemoryOutput();
        var written = await Run(pool).WriteAsync(output, Start, Start.AddHours(12), TestContext.Current.CancellationToken);

        written.Should().Be(Run(pool).Events(Start, Start.AddHours(12)).Count());
        output.Completed.Should().BeTrue();
        output.Models["events"].Fields.Select(f => f.Name).Should().Equal("at", "profile", "flow", "event", "data");

        var lines = new StringWriter();
        var sent = await Run(pool).LiveAsync(new JsonLinesOutput(lines), eventsPerMinute: 60_000, maxEvents: 7, cancellationToken: TestContext.Current.CancellationToken);
        sent.Should().Be(7);
        var json = lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        json.Should().HaveCount(7).And.OnlyContain(l => l.StartsWith("{\"at\":\"", StringComparison.Ordinal));
        var stamps = json.Select(l => DateTime.Parse(l[7..31], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal)).ToList();
        stamps.Should().BeInAscendingOrder().And.OnlyContain(t => t > DateTime.UtcNow.AddMinutes(-5), "live events carry the time they are sent");
    }

    [Fact]
    public void Flow_definition_errors_are_clear()
    {
        var act = () => EventFlow.Create("f").Then(View, limit: 0).Then(Login).Build();
        act.Should().Throw<ArgumentException>().WithMessage("*nothing can follow a step that repeats until the run ends*");
        var empty = () => EventFlow.Create("f").Build();
        empty.Should().Throw<ArgumentException>().WithMessage("*no steps*");
        var delay = () => EventFlow.Create("f").Then(View, minDelay: TimeSpan.FromHours(2), maxDelay: TimeSpan.FromHours(1));
        delay.Should().Throw<ArgumentException>().WithMessage("*0 ≤ min ≤ max*");
    }
}
