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

    /// <summary>
    /// Write only one slice of every model (rows [count × index / shards, count × (index + 1) / shards)): the rows, keys,
    /// references and lookups are exactly those of an unsharded run, so shards run by separate workers add up to it.
    /// Null (default): every row.
    /// </summary>
    public GenerationShard? Shard { get; init; }

    /// <summary>A trial run (<c>validate --against</c>'s rolled-back load): it leaves nothing behind, no archive appended and no tracer marked consumed.</summary>
    internal bool Trial { get; init; }

    /// <summary>Receives progress after each batch.</summary>
    public IProgress<GenerationProgress>? Progress { get; init; }

    /// <summary>Row counts that replace the manifest's for some models (a simulation's subject count).</summary>
    internal IReadOnlyDictionary<string, long>? CountOverrides { get; init; }

    /// <summary>Bytes a run may keep for reference columns and per-parent counts (tests); null: 75 % of the memory available to the process.</summary>
    internal long? MemoryLimit { get; init; }
}

/// <summary>Slice <paramref name="Index"/> (from 0) of <paramref name="Count"/>: what one of several workers writes.</summary>
/// <param name="Index">The slice, from 0 to <paramref name="Count"/> − 1.</param>
/// <param name="Count">How many slices the rows are divided into (at least 1).</param>
public readonly record struct GenerationShard(int Index, int Count)
{
    /// <summary>Reads <c>i/n</c> (as <c>--shard</c> takes it); null with the reason when it is not a slice.</summary>
    public static GenerationShard? Parse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
            && count >= 1 && index < count)
        {
            error = null;
            return new GenerationShard(index, count);
        }

        error = $"'{text}' is not a shard: write i/n with 0 ≤ i < n (0/4, 1/4, 2/4, 3/4)";
        return null;
    }

    /// <summary>The first row of this slice of <paramref name="rows"/> rows.</summary>
    internal long First(long rows) => Slice(rows, Index);

    /// <summary>The row after the last of this slice of <paramref name="rows"/> rows.</summary>
    internal long End(long rows) => Slice(rows, Index + 1);

    private long Slice(long rows, int at) => (long)((System.Numerics.BigInteger)rows * at / Count);
}
