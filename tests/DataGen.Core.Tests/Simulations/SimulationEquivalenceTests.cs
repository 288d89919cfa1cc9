using DataGen.Outputs;
using DataGen.Simulations;

namespace DataGen.Core.Tests.Simulations;

/// <summary>
/// The event-driven engine against the law of the tick-by-tick process: the first-transition time against the
/// geometric distribution (chi-square), and event counts and final state occupancy against the reference engine
/// that evaluates every subject at every tick (two-sample z statistics). Seeds are fixed, so the tests are
/// repeatable; a wrong gap (off by one tick), a wrong thinning or a wrong transition choice moves the
/// statistics far beyond the bounds.
/// </summary>
public sealed class SimulationEquivalenceTests
{
    private static readonly double[] Evening = [0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.2, 1.4, 1.2, 1.0, 1.0, 1.2, 1.2, 1.0, 1.0, 1.1, 1.3, 1.6, 1.8, 1.7, 1.3, 0.8, 0.4];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task First_transition_time_is_geometric_with_the_per_tick_probability(bool tickByTick)
    {
        const double p = 0.02;
        const int subjects = 20_000;
        var simulation = Simulation.Create("first")
            .States("waiting", "done")
            .Subjects(subjects, _ => new Dictionary<string, object?>())
            .Ticks(400)
            .Transition("go", "waiting", "done", p * 100)
            .Build();

        var ticks = new List<long>();
        await foreach (var e in simulation.EventsAsync(new SimulationOptions { Seed = 11, TickByTick = tickByTick }, TestContext.Current.CancellationToken))
        {
            ticks.Add((long)(e.At - simulation.Start).TotalMinutes);
        }

        // Bins: ticks 0–9 one each, then tens up to 199, then the rest (including "never within 400 ticks").
        var edges = Enumerable.Range(0, 10).Concat(Enumerable.Range(1, 19).Select(i => i * 10)).Append(200).ToArray();
        var observed = new double[edges.Length];
        foreach (var t in ticks)
        {
            var bin = Array.FindLastIndex(edges, e => e <= t);
            observed[bin]++;
        }

        observed[^1] += subjects - ticks.Count;
        double Cdf(long k) => 1 - Math.Pow(1 - p, k); // P(first tick < k)
        var chiSquare = 0.0;
        for (var i = 0; i < edges.Length; i++)
        {
            var expected = subjects * ((i + 1 < edges.Length ? Cdf(edges[i + 1]) : 1) - Cdf(edges[i]));
            chiSquare += (observed[i] - expected) * (observed[i] - expected) / expected;
        }

        // 28 degrees of freedom: P(χ² > 61) ≈ 0.0003.
        chiSquare.Should().BeLessThan(61, "the first-transition tick must follow (1−p)^k·p");
        observed[0].Should().BeInRange(subjects * p * 0.7, subjects * p * 1.3, "a subject can fire at the very first tick");
    }

    [Fact]
    public async Task Event_counts_and_state_occupancy_match_the_tick_by_tick_reference()
    {
        // Three states, a self-loop, an hour-of-day profile, a vetoing action and an absorbing-free cycle.
        var simulation = Simulation.Create("reference")
            .States("idle", "active", "blocked")
            .Subjects(3_000, ctx => new Dictionary<string, object?> { ["credits"] = ctx.Random.Next(0, 3) })
            .TickLength(TimeSpan.FromMinutes(10))
            .Ticks(600)
            .Transition(new SimulationTransition("wake", "idle", "active", 2) { Hourly = Evening })
            .Transition("ping", "idle", "idle", 1.5)
            .Transition("spend", "active", "idle", 6, ctx =>
            {
                // Vetoed when out of credits: the subject stays active and nothing is emitted.
                var credits = (long)ctx["credits"]!;
                if (credits == 0)
                {
                    return false;
                }

                ctx["credits"] = credits - 1;
                return true;
            })
            .Transition("block", "active", "blocked", 1)
            .Transition("earn", "blocked", "idle", 4, ctx =>
            {
                ctx["credits"] = (long)ctx["credits"]! + 2;
                return ctx.Random.Chance(0.5);
            })
            .Build();

        var fast = await simulation.RunAsync(new CountingOutput(), new SimulationOptions { Seed = 5 }, TestContext.Current.CancellationToken);
        var reference = await simulation.RunAsync(new CountingOutput(), new SimulationOptions { Seed = 6, TickByTick = true }, TestContext.Current.CancellationToken);

        fast.Events.Should().BeGreaterThan(10_000);
        foreach (var trigger in reference.EventsByTrigger.Keys)
        {
            double a = fast.EventsByTrigger[trigger], b = reference.EventsByTrigger[trigger];
            (Math.Abs(a - b) / Math.Sqrt(a + b)).Should().BeLessThan(4.5, $"'{trigger}': {a} events (event-driven) vs {b} (tick by tick)");
        }

        foreach (var state in simulation.States)
        {
            double a = fast.Subjects.Count(s => s.State == state), b = reference.Subjects.Count(s => s.State == state);
            var share = (a + b) / (2.0 * fast.Subjects.Count);
            var sd = Math.Sqrt(2 * fast.Subjects.Count * share * (1 - share));
            (Math.Abs(a - b) / Math.Max(sd, 1)).Should().BeLessThan(4.5, $"state '{state}': {a} subjects (event-driven) vs {b} (tick by tick)");
        }
    }

    [Fact]
    public async Task Hourly_profile_shapes_events_by_hour_like_the_reference()
    {
        var simulation = Simulation.Create("hours")
            .States("a")
            .Subjects(2_000, _ => new Dictionary<string, object?>())
            .Ticks(60 * 24 * 2)
            .Transition(new SimulationTransition("tick", "a", "a", 0.1) { Hourly = Evening })
            .Build();

        async Task<double[]> ByHour(bool tickByTick)
        {
            var hours = new double[24];
            await foreach (var e in simulation.EventsAsync(new SimulationOptions { Seed = tickByTick ? 2UL : 3UL, TickByTick = tickByTick }, TestContext.Current.CancellationToken))
            {
                hours[e.At.Hour]++;
            }

            return hours;
        }

        var fast = await ByHour(false);
        var reference = await ByHour(true);
        for (var h = 0; h < 24; h++)
        {
            // Expected: subjects × 2 days × 60 ticks × 0.1 % × factor.
            var expected = 2_000 * 2 * 60 * 0.001 * Evening[h];
            (Math.Abs(fast[h] - expected) / Math.Sqrt(expected)).Should().BeLessThan(4.5, $"hour {h}");
            (Math.Abs(fast[h] - reference[h]) / Math.Sqrt(fast[h] + reference[h])).Should().BeLessThan(4.5, $"hour {h} vs reference");
        }
    }

    [Fact]
    public async Task Cost_follows_events_not_ticks()
    {
        // 10⁹ one-second ticks (31 years) for 1,000 subjects: 10¹² subject-ticks that a tick-by-tick loop could
        // never finish. Each subject fires about twice.
        var simulation = Simulation.Create("sparse")
            .States("a", "b")
            .Subjects(1_000, _ => new Dictionary<string, object?>())
            .TickLength(TimeSpan.FromSeconds(1))
            .Ticks(1_000_000_000)
            .Transition("there", "a", "b", 1e-7)
            .Transition("back", "b", "a", 1e-7)
            .Build();

        var result = await simulation.RunAsync(new CountingOutput(), null, TestContext.Current.CancellationToken);

        result.SubjectTicks.Should().Be(1_000_000_000_000);
        // Expected events: 1,000 × 10⁹ × 10⁻⁹ = 1,000 (Poisson-like).
        result.Events.Should().BeInRange(850, 1_150);
    }
}
