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

    /// <summary>Runs a streaming measurement (a mode of this program) in a fresh process so its peak working set is its own.</summary>
    public static string Child(int rows, string mode = "stream", IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (!Environment.ProcessPath!.EndsWith("DataGen.Benchmarks", StringComparison.Ordinal))
        {
            start.ArgumentList.Add(typeof(Measure).Assembly.Location);
        }

        start.ArgumentList.Add(mode);
        start.ArgumentList.Add("--rows");
        start.ArgumentList.Add(rows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var line = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 ? line : throw new InvalidOperationException($"child '{mode}' exited with {process.ExitCode}");
    }

    /// <summary>This process's peak working set, in bytes.</summary>
    public static long PeakWorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.PeakWorkingSet64;
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
