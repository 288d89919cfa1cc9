using DataGen.Generation;
using DataGen.Outputs;

namespace DataGen;

public static partial class DataGenerator
{
    /// <summary>Writes rows held in memory as one model (restoring a baseline, replaying captured rows); returns the rows the output acknowledged.</summary>
    /// <param name="output">The output.</param>
    /// <param name="descriptor">The model.</param>
    /// <param name="rows">The rows, one value per field.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static async Task<long> WriteAllAsync(IDataOutput output, ModelDescriptor descriptor, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(rows);
        return await WriteHeldAsync(await output.OpenModelAsync(descriptor, cancellationToken).ConfigureAwait(false), descriptor, rows, "generated", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets fields of rows written earlier from updates held in memory (replaying a run whose deferred refs were set after
    /// its rows: <see cref="MemoryOutput.Updates"/>), through <see cref="IDataOutput.OpenUpdatesAsync"/>; returns the rows
    /// the output applied.
    /// </summary>
    /// <param name="output">The output that holds the rows.</param>
    /// <param name="updates">The model narrowed to its key, then the fields to set.</param>
    /// <param name="rows">One row per update: the key, then the values.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static async Task<long> WriteUpdatesAsync(IDataOutput output, ModelDescriptor updates, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(rows);
        return await WriteHeldAsync(await output.OpenUpdatesAsync(updates, cancellationToken).ConfigureAwait(false), updates, rows, "sent updates for", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rows held in memory through an opened writer, in batches; the writer must acknowledge every one.</summary>
    private static async Task<long> WriteHeldAsync(IModelWriter writer, ModelDescriptor descriptor, IReadOnlyList<object?[]> rows, string sent, CancellationToken cancellationToken)
    {
        await using (writer.ConfigureAwait(false))
        {
            for (var first = 0; first < rows.Count; first += 4096)
            {
                await writer.WriteAsync(new RowBatch(descriptor, first, rows.Skip(first).Take(Math.Min(4096, rows.Count - first)).ToArray()), cancellationToken).ConfigureAwait(false);
            }

            var acknowledged = await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return acknowledged == rows.Count
                ? acknowledged
                : throw new GenerationException($"{sent} {rows.Count} rows but the output acknowledged {acknowledged} (difference {rows.Count - acknowledged})", descriptor.Name);
        }
    }
}
