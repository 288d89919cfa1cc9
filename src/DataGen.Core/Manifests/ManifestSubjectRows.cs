using DataGen.Outputs;
using DataGen.Simulations;

namespace DataGen.Manifests;

/// <summary>
/// A manifest's model rows as a simulation's subjects: the manifest is generated with the run's seed, every model goes
/// to the run's output and the subject model's rows are kept. The simulation sees only <see cref="ISubjectRows"/>.
/// </summary>
internal sealed class ManifestSubjectRows(Manifest manifest) : ISubjectRows
{
    public ulong Seed => manifest.Seed;

    public async Task<SubjectRows> GenerateAsync(string model, ulong seed, long? count, IDataOutput output, CancellationToken cancellationToken)
    {
        var capture = new SubjectCapture(output, model);
        var overrides = count is { } n ? new Dictionary<string, long>(StringComparer.Ordinal) { [model] = n } : null;
        await DataGenerator.GenerateAsync(manifest.WithSeed(seed), capture, new GenerationOptions { CountOverrides = overrides }, cancellationToken).ConfigureAwait(false);
        return new SubjectRows(capture.Model ?? throw new SimulationException($"the subject model '{model}' is not a model of {manifest.Source}"), capture.Rows);
    }

    /// <summary>Passes the manifest's models through to the real output, keeps the subject model's rows, and leaves completing to the simulation.</summary>
    private sealed class SubjectCapture(IDataOutput inner, string model) : IDataOutput
    {
        public ModelDescriptor? Model { get; private set; }

        public List<object?[]> Rows { get; } = [];

        public async ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor descriptor, CancellationToken cancellationToken = default)
        {
            var writer = await inner.OpenModelAsync(descriptor, cancellationToken).ConfigureAwait(false);
            if (descriptor.Name != model)
            {
                return writer;
            }

            Model = descriptor;
            return new CaptureWriter(writer, Rows);
        }

        public ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default) => inner.PrepareAsync(models, cancellationToken);

        public async ValueTask<IModelWriter> OpenUpdatesAsync(ModelDescriptor descriptor, CancellationToken cancellationToken = default)
        {
            var writer = await inner.OpenUpdatesAsync(descriptor, cancellationToken).ConfigureAwait(false);
            return descriptor.Name == model && Model is { } subject ? new UpdatingWriter(writer, subject, Rows) : writer;
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        /// <summary>Applies deferred refs to the captured subject rows as they go to the real output.</summary>
        private sealed class UpdatingWriter(IModelWriter inner, ModelDescriptor subject, List<object?[]> rows) : IModelWriter
        {
            private readonly UpdateApplier _applier = new(subject, rows);

            public ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
            {
                _applier.Apply(batch);
                return inner.WriteAsync(batch, cancellationToken);
            }

            public ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }

        private sealed class CaptureWriter(IModelWriter inner, List<object?[]> rows) : IModelWriter
        {
            public ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
            {
                rows.AddRange(batch.Rows);
                return inner.WriteAsync(batch, cancellationToken);
            }

            public ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
