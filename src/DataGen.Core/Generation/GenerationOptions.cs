namespace DataGen;

/// <summary>How a run executes. None of these change the generated data.</summary>
public sealed record GenerationOptions
{
    /// <summary>Threads generating rows (default: the processor count). Output is identical for any value.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Rows per batch handed to the output (default 512). Output is identical for any value. Small batches keep the
    /// rows in flight between generation and the store (a few batches) well inside the garbage collector's youngest
    /// generation, so they die young instead of being copied twice on their way to the store.
    /// </summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Receives progress after each batch.</summary>
    public IProgress<GenerationProgress>? Progress { get; init; }

    /// <summary>Row counts that replace the manifest's for some models (a simulation's subject count).</summary>
    internal IReadOnlyDictionary<string, long>? CountOverrides { get; init; }

    /// <summary>Bytes a run may keep for reference columns and per-parent counts (tests); null: 75 % of the memory available to the process.</summary>
    internal long? MemoryLimit { get; init; }
}
