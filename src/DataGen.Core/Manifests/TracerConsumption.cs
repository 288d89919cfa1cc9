using System.Text;

namespace DataGen.Manifests;

/// <summary>
/// Tracer rows used once (<c>tracers: { file: …, consume: true }</c>): a run takes the rows of the file that no completed run
/// took — in file order, the first <c>take</c> of them — and, once it completes, records them in <c>file.consumed</c> beside
/// the file (one CSV line each, exactly as the file has it). Which rows a run takes depends only on the two files, so the
/// same files give the same run.
/// </summary>
internal static class TracerConsumption
{
    /// <summary>The rows a run takes: every row (no consuming, no take), or the first <paramref name="take"/> not yet consumed.</summary>
    public static TracerRows Select(TracerRows tracers, bool consume, long? take)
    {
        var consumedFile = consume ? tracers.Path + ".consumed" : null;
        var consumed = consumedFile is not null && File.Exists(consumedFile)
            ? new HashSet<string>(File.ReadAllLines(consumedFile, Encoding.UTF8), StringComparer.Ordinal)
            : [];
        var chosen = Enumerable.Range(0, tracers.Rows.Count).Where(i => !consumed.Contains(tracers.Lines[i])).Take((int)Math.Min(take ?? int.MaxValue, int.MaxValue)).ToList();
        return tracers with
        {
            Rows = chosen.Select(i => tracers.Rows[i]).ToList(),
            Lines = chosen.Select(i => tracers.Lines[i]).ToList(),
            ConsumedFile = consumedFile,
        };
    }

    /// <summary>Marks the rows a completed run took as consumed (appended to each model's <c>.consumed</c> file), once per run.</summary>
    public static async Task MarkAsync(IEnumerable<ModelSource> models, CancellationToken cancellationToken)
    {
        foreach (var tracers in models.Select(m => m.Tracers).OfType<TracerRows>().Where(t => t.ConsumedFile is not null && t.Lines.Count > 0))
        {
            var already = File.Exists(tracers.ConsumedFile) ? new HashSet<string>(await File.ReadAllLinesAsync(tracers.ConsumedFile!, Encoding.UTF8, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal) : [];
            var fresh = tracers.Lines.Where(already.Add).ToList();
            if (fresh.Count > 0)
            {
                await File.AppendAllLinesAsync(tracers.ConsumedFile!, fresh, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
