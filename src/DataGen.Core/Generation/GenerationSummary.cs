namespace DataGen;

/// <summary>Progress of a run.</summary>
/// <param name="Model">The model being generated.</param>
/// <param name="Rows">Rows of that model written so far.</param>
/// <param name="Total">Rows that model will have.</param>
public sealed record GenerationProgress(string Model, long Rows, long Total);
/// <summary>What a run produced.</summary>
/// <param name="Seed">The seed used.</param>
/// <param name="Models">Per model, in generation order.</param>
/// <param name="Elapsed">Wall time of the whole run.</param>
public sealed record GenerationSummary(ulong Seed, IReadOnlyList<ModelSummary> Models, TimeSpan Elapsed)
{
    /// <summary>Rows over all models.</summary>
    public long TotalRows => Models.Where(m => !m.Updates).Sum(m => m.Rows);
}
/// <summary>One model's result.</summary>
/// <param name="Model">The model.</param>
/// <param name="Rows">Rows generated and acknowledged by the output.</param>
/// <param name="Elapsed">Time spent on the model.</param>
public sealed record ModelSummary(string Model, long Rows, TimeSpan Elapsed)
{
    /// <summary>
    /// True for the second pass that sets a model's deferred refs (a reference cycle): <see cref="Rows"/> counts rows
    /// updated, not rows of their own, and <see cref="GenerationSummary.TotalRows"/> leaves them out.
    /// </summary>
    public bool Updates { get; init; }

    /// <summary>Rows per second.</summary>
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? Rows / Elapsed.TotalSeconds : 0;
}
