using System.CommandLine;
using System.Globalization;
using DataGen.Outputs;
using Spectre.Console;

namespace DataGen.Cli;

// datagen simulate
internal static partial class DatagenCommand
{
    private static Command SimulateCommand(TextWriter output, TextWriter error)
    {
        var manifest = new Argument<FileInfo>("manifest") { Description = "A manifest with a 'simulation:' section." };
        var subjects = new Option<long?>("--subjects") { Description = "How many subjects (default: the subject model's count)." };
        var ticks = new Option<long?>("--ticks") { Description = "How many ticks (default: the manifest's)." };
        var tickLength = new Option<string?>("--tick-length") { Description = "Tick length: 30s, 1m, 1h, 1d or 00:01:00 (default: the manifest's)." };
        var seed = CommonOptions.SeedOverride("Overrides the manifest's seed.");
        var vars = CommonOptions.Variables();
        var maxValues = CommonOptions.MaxValues();
        var outDir = CommonOptions.ManifestOut();
        var format = new Option<FileFormat?>("--format", "-f") { Description = "Write files instead of the SQLite default: ndjson, csv, or json." };
        var dropConflicting = CommonOptions.DropConflicting();
        var graph = new Option<bool>("--graph") { Description = "Print the state machine as a Mermaid diagram and exit." };
        var quiet = CommonOptions.Quiet("No summary.");
        var print = CommonOptions.Print();
        var targets = new StreamTargetOptions();
        var command = new Command("simulate", "Run a manifest's state-machine simulation: its models, then the events of every fired transition in time order, to the streams' datastores, --to or --print.") { manifest, subjects, ticks, tickLength, seed, vars, maxValues, outDir, format, dropConflicting, graph, quiet, print };
        targets.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetRequiredValue(manifest);
            var loaded = await LoadAsync(file, parse.GetValue(seed), null, parse.GetValue(vars), parse.GetValue(maxValues), error, ct).ConfigureAwait(false);
            if (loaded.Manifest is null)
            {
                return loaded.ExitCode;
            }

            if (loaded.Manifest.Simulation is not { } simulation)
            {
                await error.WriteLineAsync($"datagen: {file.Name} has no 'simulation:' section").ConfigureAwait(false);
                return ExitCodes.InvalidManifest;
            }

            foreach (var warning in simulation.Warnings)
            {
                await error.WriteLineAsync($"datagen: warning: {warning}").ConfigureAwait(false);
            }

            if (parse.GetValue(graph))
            {
                await output.WriteAsync(simulation.ToMermaid()).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            TimeSpan? length = null;
            if (parse.GetValue(tickLength) is { } lengthText)
            {
                if (!Durations.TryParse(lengthText, out var l) || l <= TimeSpan.Zero)
                {
                    await error.WriteLineAsync($"datagen: --tick-length must be a positive duration such as 30s, 1m, 1h or 00:01:00, found '{lengthText}'").ConfigureAwait(false);
                    return ExitCodes.Usage;
                }

                length = l;
            }

            if (parse.GetValue(subjects) is < 0 || parse.GetValue(ticks) is <= 0)
            {
                await error.WriteLineAsync("datagen: --subjects must be 0 or more and --ticks greater than 0").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var streams = simulation.Streams.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            var target = targets.Resolve(parse, loaded.Manifest, null, null, out var problem);
            var template = PrintTemplate.TryParse(parse.GetValue(print), null, out var templateProblem);
            problem ??= templateProblem
                ?? (target is not null && template is not null ? "--print and --to both say where the streams go: give one" : null)
                ?? (target?.Target is not null && streams.Count > 1 ? $"--to names one table or topic, and the simulation has {streams.Count} streams ({string.Join(", ", streams)}): leave out '/{target.Target}' (each stream keeps its own) or give each its 'target:'" : null);
            if (problem is not null)
            {
                await error.WriteLineAsync($"datagen: {problem}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var options = new Simulations.SimulationOptions { Subjects = parse.GetValue(subjects), Ticks = parse.GetValue(ticks), TickLength = length };
            var load = new StoreLoadOptions
            {
                DropConflicting = parse.GetValue(dropConflicting),
                Warning = message => error.WriteLine($"datagen: warning: {message}"),
            };
            return await Failures.RunAsync(error, "simulation failed; SQL databases and files keep nothing of this run (each database takes the run in one transaction); MongoDB collections and Kafka topics keep the models completed before the failure.", async () =>
            {
                var streamOutput = target?.Open(load) ?? (template is not null ? new PrintOutput(output, template) : null);
                IDataOutput models;
                string description;
                try
                {
                    (models, description) = Targets.Create(loaded.Manifest, Path.GetFileNameWithoutExtension(file.Name), parse.GetValue(outDir)?.FullName, parse.GetValue(format), load);
                }
                catch when (streamOutput is not null)
                {
                    await streamOutput.DisposeAsync().ConfigureAwait(false);
                    throw;
                }

                var run = streamOutput is null ? models : new SplitOutput(models, streamOutput, streams);
                description += target is not null ? $"; streams to {target.Describe(string.Join(", ", streams))}" : template is not null ? "; streams printed" : string.Empty;
                Simulations.SimulationResult result;
                await using (run.ConfigureAwait(false))
                {
                    result = await simulation.RunAsync(run, options, ct).ConfigureAwait(false);
                }

                if (!parse.GetValue(quiet))
                {
                    var console = Console(template is null ? output : error);
                    var table = new Table().AddColumns("trigger", "events");
                    foreach (var (trigger, count) in result.EventsByTrigger)
                    {
                        table.AddRow(trigger, count.ToString("N0", CultureInfo.InvariantCulture));
                    }

                    table.AddRow("total", result.Events.ToString("N0", CultureInfo.InvariantCulture));
                    console.Write(table);
                    var seconds = Math.Max(result.Elapsed.TotalSeconds, 1e-9);
                    console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed {result.Seed}: {result.Subjects.Count:N0} subjects × {result.SubjectTicks / Math.Max(1, result.Subjects.Count):N0} ticks in {result.Elapsed.TotalSeconds:0.000} s ({result.SubjectTicks / seconds:N0} subject-ticks/s, {result.Events / seconds:N0} events/s); written to {description}"));
                }

                return ExitCodes.Success;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
