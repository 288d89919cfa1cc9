using DataGen.Outputs;

namespace DataGen.Core.Tests;

/// <summary>Counts rows without keeping them.</summary>
internal sealed class CountingOutput : IDataOutput
{
    public long Rows { get; private set; }

    public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default) => ValueTask.FromResult<IModelWriter>(new Writer(this));

    public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Writer(CountingOutput owner) : IModelWriter
    {
        private long _rows;

        public ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
        {
            _rows += batch.Rows.Count;
            owner.Rows += batch.Rows.Count;
            return ValueTask.CompletedTask;
        }

        public ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_rows);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
