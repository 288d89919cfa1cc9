using System.Globalization;
using DataGen.Generation;
using DataGen.Outputs;
using Spectre.Console;

namespace DataGen.Cli;

// Progress and summaries on the console
internal static partial class DatagenCommand
{
    private static IAnsiConsole Console(TextWriter output) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Interactive = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected ? InteractionSupport.Detect : InteractionSupport.No,
        Ansi = ReferenceEquals(output, System.Console.Out) ? AnsiSupport.Detect : AnsiSupport.No,
    });

    private static async Task<GenerationSummary> WithProgressAsync(IAnsiConsole console, Manifest manifest, IDataOutput files, GenerationOptions options, CancellationToken ct)
    {
        GenerationSummary? summary = null;
        await console.Progress().AutoClear(true).StartAsync(async context =>
        {
            var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
            var progress = new Progress<GenerationProgress>(p =>
            {
                if (!tasks.TryGetValue(p.Model, out var task))
                {
                    task = context.AddTask(p.Model, maxValue: Math.Max(1, p.Total));
                    tasks[p.Model] = task;
                }

                task.Value = p.Rows;
            });
            summary = await DataGenerator.GenerateAsync(manifest, files, options with { Progress = progress }, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return summary!;
    }

    private static void PrintSummary(IAnsiConsole console, Manifest manifest, GenerationSummary summary, string destination)
    {
        var table = new Table().AddColumns("model", "rows", "time", "rows/s");
        foreach (var m in summary.Models)
        {
            table.AddRow(
                m.Model,
                m.Rows.ToString("N0", CultureInfo.InvariantCulture),
                $"{m.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)} s",
                m.RowsPerSecond.ToString("N0", CultureInfo.InvariantCulture));
        }

        table.AddRow(
            "total",
            summary.TotalRows.ToString("N0", CultureInfo.InvariantCulture),
            $"{summary.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)} s",
            (summary.TotalRows / Math.Max(summary.Elapsed.TotalSeconds, 1e-9)).ToString("N0", CultureInfo.InvariantCulture));
        console.Write(table);
        console.WriteLine($"seed {summary.Seed}, scale {manifest.Scale.ToString(CultureInfo.InvariantCulture)}; written to {destination}");
    }
}
