
namespace DataGen.Simulations;

/// <summary>Overrides for one run of a simulation.</summary>
public sealed record SimulationOptions
{
    /// <summary>How many subjects (default: the definition's, or the subject model's count).</summary>
    public long? Subjects { get; init; }

    /// <summary>How many ticks.</summary>
    public long? Ticks { get; init; }

    /// <summary>How long a tick is.</summary>
    public TimeSpan? TickLength { get; init; }

    /// <summary>When tick 0 happens.</summary>
    public DateTime? Start { get; init; }

    /// <summary>The seed (default: the definition's, the manifest's, then 1).</summary>
    public ulong? Seed { get; init; }

    /// <summary>Events per batch handed to the output (default 4096). Output is identical for any value.</summary>
    public int BatchSize { get; init; } = 4096;

    /// <summary>
    /// Threads simulating disjoint ranges of subjects (default: the processor count); their events are merged in
    /// (time, subject) order, so the output is identical for any value. Actions run concurrently for different
    /// subjects: they must only touch the subject and the context they are given.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Evaluates every subject at every tick (the reference the fast engine is tested against).</summary>
    internal bool TickByTick { get; init; }
}
