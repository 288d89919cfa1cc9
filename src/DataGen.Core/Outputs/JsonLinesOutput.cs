using System.Text;

namespace DataGen.Outputs;

/// <summary>
/// Writes every row as one JSON line to a <see cref="TextWriter"/> as soon as it is written, flushing after each
/// batch: for live streams, piping into other tools and quick looks. Nothing is held back for completion.
/// </summary>
public sealed class JsonLinesOutput(TextWriter writer) : IDataOutput
{
    /// <inheritdoc />
    public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IModelWriter>(new Lines(writer));

    /// <summary>Deferred refs (a reference cycle): a line per row with its key and the values it gets, after the model's own lines.</summary>
    public ValueTask<IModelWriter> OpenUpdatesAsync(ModelDescriptor model, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IModelWriter>(new Lines(writer));

    /// <inheritdoc />
    public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Lines(TextWriter writer) : IModelWriter
    {
        private long _rows;

        public async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
        {
            foreach (var row in batch.Rows)
            {
                await writer.WriteLineAsync(Encoding.UTF8.GetString(ValueText.RowToJsonUtf8(batch.Model, row)).AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            _rows += batch.Rows.Count;
        }

        public ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_rows);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
