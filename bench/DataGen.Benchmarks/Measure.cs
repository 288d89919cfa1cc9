using System.Diagnostics;
using DataGen.Outputs;

namespace DataGen.Benchmarks;

internal static class Measure
{
    /// <summary>Generates the manifest's customers into a discarding output; returns rows/s.</summary>
    public static async Task<double> ManifestAsync(string path, int rows, int threads)
    {
        var manifest = await Manifest.LoadAsync(path, new ManifestOptions { Scale = rows / 100_000.0 });
        var output = new DiscardOutput();
        var watch = Stopwatch.StartNew();
        var summary = await DataGenerator.GenerateAsync(manifest, output, new GenerationOptions { MaxDegreeOfParallelism = threads });
        var elapsed = watch.Elapsed.TotalSeconds;
        if (summary.TotalRows != rows || output.Checksum == 0)
        {
            throw new InvalidOperationException($"expected {rows} rows, got {summary.TotalRows}");
        }

        return rows / elapsed;
    }

    /// <summary>Runs the streaming measurement in a fresh process so its peak working set is its own.</summary>
    public static string Child(int rows)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (!Environment.ProcessPath!.EndsWith("DataGen.Benchmarks", StringComparison.Ordinal))
        {
            start.ArgumentList.Add(typeof(Measure).Assembly.Location);
        }

        start.ArgumentList.Add("stream");
        start.ArgumentList.Add("--rows");
        start.ArgumentList.Add(rows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var process = Process.Start(start)!;
        var line = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return line;
    }

    /// <summary>Touches every row (so nothing is optimised away) and keeps nothing.</summary>
    internal sealed class DiscardOutput : IDataOutput
    {
        public long Checksum { get; private set; }

        public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IModelWriter>(new Writer(this));

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private sealed class Writer(DiscardOutput owner) : IModelWriter
        {
            private long _rows;

            public ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
            {
                foreach (var row in batch.Rows)
                {
                    owner.Checksum += row.Length + (row[^1]?.GetHashCode() ?? 0);
                }

                _rows += batch.Rows.Count;
                return ValueTask.CompletedTask;
            }

            public ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_rows);

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
