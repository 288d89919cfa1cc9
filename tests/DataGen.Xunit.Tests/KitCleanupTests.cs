namespace DataGen.Xunit.Tests;

/// <summary>
/// The end-of-run clean-up on its own list (never the process's, which other classes of this run are using): removals
/// run a few at a time, on servers before the servers themselves, and a removal unregistered never runs.
/// </summary>
public sealed class KitCleanupTests
{
    [Fact]
    public async Task Drops_run_a_few_at_a_time_servers_last_and_unregistered_ones_not_at_all()
    {
        var removals = new EndOfRun();
        var running = 0;
        var most = 0;
        var dropped = new System.Collections.Concurrent.ConcurrentBag<string>();
        var order = new System.Collections.Concurrent.ConcurrentQueue<bool>();
        Func<CancellationToken, Task> Drop(string name, bool server) => async ct =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Delay(5, ct);
            order.Enqueue(server);
            dropped.Add(name);
            Interlocked.Decrement(ref running);
        };

        var classes = Enumerable.Range(0, 150).Select(i => removals.Register($"class {i}", Drop($"class {i}", false))).ToList();
        removals.Register("container", Drop("container", true), server: true);
        foreach (var gone in classes.Where((_, i) => i % 3 == 0))
        {
            gone.Dispose(); // its class dropped its database when it ended
        }

        removals.Registered().Should().HaveCount(101);
        await removals.RunAsync(parallelism: 4, TimeSpan.FromMinutes(1));

        dropped.Should().HaveCount(101).And.NotContain("class 0").And.NotContain("class 3").And.Contain("class 1").And.Contain("container");
        most.Should().BeGreaterThan(1, "removals overlap").And.BeLessThanOrEqualTo(4, "no more than four at once, whatever the number of classes");
        order.Last().Should().BeTrue("the server goes after everything on it");
        removals.Registered().Should().BeEmpty();
    }

    [Fact]
    public async Task A_failed_drop_is_reported_and_does_not_stop_the_others()
    {
        var removals = new EndOfRun();
        var ran = 0;
        removals.Register("broken", _ => throw new InvalidOperationException("server gone"));
        removals.Register("fine", _ =>
        {
            Interlocked.Increment(ref ran);
            return Task.CompletedTask;
        });

        await removals.RunAsync(parallelism: 1, TimeSpan.FromSeconds(30));

        ran.Should().Be(1);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
