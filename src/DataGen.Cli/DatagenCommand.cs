using System.CommandLine;
using System.Globalization;
using DataGen.Documents;
using DataGen.Generation;
using DataGen;
using DataGen.Outputs;
using Spectre.Console;

namespace DataGen.Cli;

/// <summary>The <c>datagen</c> command line.</summary>
internal static class DatagenCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = Build(output, error);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors)
            {
                await error.WriteLineAsync($"datagen: {e.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'datagen --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken).ConfigureAwait(false);
    }

    private static RootCommand Build(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("datagen: deterministic, related test data from a YAML manifest.")
        {
            GenerateCommand(output, error),
            ValidateCommand(output, error),
            SchemaCommand(output),
            DocumentCommand(output, error),
            JourneyCommand(output, error),
            ReplayCommand(output, error),
            SimulateCommand(output, error),
            EventsCommand(output, error),
        };
        return root;
    }

    private static Command GenerateCommand(TextWriter output, TextWriter error)
    {
        var manifest = new Argument<FileInfo>("manifest") { Description = "The manifest (YAML or JSON)." };
        var seed = new Option<ulong?>("--seed") { Description = "Overrides the manifest's seed." };
        var scale = new Option<double?>("--scale") { Description = "Multiplies every root count." };
        var vars = new Option<string[]>("--var") { Description = "A variable, name=value (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var outDir = new Option<DirectoryInfo>("--out", "-o") { Description = "Output directory (default ./out): holds <manifest name>.db, or <manifest name>/ with --format." };
        var format = new Option<FileFormat?>("--format", "-f") { Description = "Write files instead of the SQLite default: ndjson, csv, or json (one file per row)." };
        var dropConflicting = new Option<bool>("--drop-conflicting") { Description = "Drop and recreate tables the manifest names that already hold data (a warning names each)." };
        var threads = new Option<int>("--threads") { Description = "Generating threads (output is identical for any value).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress or summary." };
        var command = new Command("generate", "Generate every model of a manifest into its datastores, the default SQLite database, or files.") { manifest, seed, scale, vars, outDir, format, dropConflicting, threads, quiet };
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetRequiredValue(manifest);
            var loaded = await LoadAsync(file, parse.GetValue(seed), parse.GetValue(scale), parse.GetValue(vars), error, ct).ConfigureAwait(false);
            if (loaded.Manifest is null)
            {
                return loaded.ExitCode;
            }

            var console = Console(output);
            var options = new GenerationOptions { MaxDegreeOfParallelism = Math.Max(1, parse.GetValue(threads)) };
            try
            {
                GenerationSummary summary;
                var load = new StoreLoadOptions
                {
                    DropConflicting = parse.GetValue(dropConflicting),
                    Warning = message => error.WriteLine($"datagen: warning: {message}"),
                };
                var (target, description) = Targets.Create(loaded.Manifest, Path.GetFileNameWithoutExtension(file.Name), parse.GetValue(outDir)?.FullName, parse.GetValue(format), load);
                await using (target.ConfigureAwait(false))
                {
                    summary = parse.GetValue(quiet) || !console.Profile.Capabilities.Interactive
                        ? await DataGenerator.GenerateAsync(loaded.Manifest, target, options, ct).ConfigureAwait(false)
                        : await WithProgressAsync(console, loaded.Manifest, target, options, ct).ConfigureAwait(false);
                }

                if (!parse.GetValue(quiet))
                {
                    PrintSummary(console, loaded.Manifest, summary, description);
                }

                return ExitCodes.Success;
            }
            catch (OperationCanceledException)
            {
                await error.WriteLineAsync("datagen: cancelled; nothing was written.").ConfigureAwait(false);
                return ExitCodes.Cancelled;
            }
            catch (Exception e) when (e is GenerationException or StoreConflictException or ArgumentException or IOException or UnauthorizedAccessException or System.Data.Common.DbException)
            {
                await error.WriteLineAsync($"datagen: {e.Message}").ConfigureAwait(false);
                await error.WriteLineAsync("datagen: generation failed; nothing was written for the failing model (files and the default database: nothing at all).").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static Command ValidateCommand(TextWriter output, TextWriter error)
    {
        var manifest = new Argument<FileInfo>("manifest") { Description = "The manifest to check." };
        var vars = new Option<string[]>("--var") { Description = "A variable, name=value (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("validate", "Check a manifest and report every error with file, line and column.") { manifest, vars };
        command.SetAction(async (parse, ct) =>
        {
            var loaded = await LoadAsync(parse.GetRequiredValue(manifest), null, null, parse.GetValue(vars), error, ct).ConfigureAwait(false);
            if (loaded.Manifest is null)
            {
                return loaded.ExitCode;
            }

            await output.WriteLineAsync($"{loaded.Manifest.Source}: valid ({loaded.Manifest.Models.Count} models: {string.Join(", ", loaded.Manifest.Models)}; seed {loaded.Manifest.Seed})").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command SchemaCommand(TextWriter output)
    {
        var file = new Option<FileInfo>("--output", "-o") { Description = "Write to a file instead of standard output." };
        var command = new Command("schema", "Print the manifest JSON Schema (for editor validation and completion).") { file };
        command.SetAction(async (parse, ct) =>
        {
            var json = ManifestSchema.Json(Targets.Stores);
            if (parse.GetValue(file) is { } target)
            {
                await File.WriteAllTextAsync(target.FullName, json + "\n", ct).ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync(json).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command DocumentCommand(TextWriter output, TextWriter error)
    {
        var provider = new Option<string>("--provider", "-p") { Description = "Document type name (e.g. starfleet_account).", Required = true };
        var quantity = new Option<int>("--quantity", "-n") { Description = "How many documents.", DefaultValueFactory = _ => 10 };
        var outDir = new Option<DirectoryInfo>("--output", "-o") { Description = "Directory for the JSON files.", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed (default 1).", DefaultValueFactory = _ => Manifest.DefaultSeed };
        var command = new Command("document", "Generate documents of a registered type, one JSON file each.") { provider, quantity, outDir, seed };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetRequiredValue(provider);
            var all = DocumentCatalog.All();
            if (!all.TryGetValue(name, out var type))
            {
                await error.WriteLineAsync($"datagen: unknown document provider '{name}'; known: {string.Join(", ", all.Keys)}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var count = parse.GetValue(quantity);
            if (count < 0)
            {
                await error.WriteLineAsync("datagen: --quantity must be 0 or more").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var files = new FileOutput(parse.GetRequiredValue(outDir).FullName, FileFormat.Json);
            await using (files.ConfigureAwait(false))
            {
                var written = await type.WriteAsync(files, parse.GetValue(seed), count, ct).ConfigureAwait(false);
                await output.WriteLineAsync($"{written} {name} documents written to {files.Written.FirstOrDefault() ?? files.Directory}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command JourneyCommand(TextWriter output, TextWriter error)
    {
        var provider = new Option<string>("--provider", "-p") { Description = "Journey provider name (e.g. starfleet, or a journey of --manifest).", Required = true };
        var manifest = new Option<FileInfo?>("--manifest", "-m") { Description = "A manifest whose 'journeys:' section defines the provider." };
        var quantity = new Option<int>("--quantity", "-n") { Description = "How many journeys (one per simulated user).", DefaultValueFactory = _ => 10 };
        var outDir = new Option<DirectoryInfo>("--output", "-o") { Description = "Directory for the zips and metadata files.", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed (default 1).", DefaultValueFactory = _ => Manifest.DefaultSeed };
        var start = new Option<DateTime>("--start") { Description = "When the journeys start (UTC, default 2025-01-01).", DefaultValueFactory = _ => new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc) };
        var command = new Command("journey", "Export journeys: per simulated user a zip of step documents and a metadata JSON beside it.") { provider, manifest, quantity, outDir, seed, start };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetRequiredValue(provider);
            IReadOnlyDictionary<string, Journeys.JourneyProvider> all = Journeys.JourneyCatalog.All();
            if (parse.GetValue(manifest) is { } file)
            {
                var loaded = await LoadAsync(file, null, null, null, error, ct).ConfigureAwait(false);
                if (loaded.Manifest is null)
                {
                    return loaded.ExitCode;
                }

                all = loaded.Manifest.Journeys.Concat(all.Where(p => !loaded.Manifest.Journeys.ContainsKey(p.Key))).ToDictionary(StringComparer.Ordinal);
            }

            if (!all.TryGetValue(name, out var journeys))
            {
                await error.WriteLineAsync($"datagen: unknown journey provider '{name}'; known: {string.Join(", ", all.Keys.Order(StringComparer.Ordinal))}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var count = parse.GetValue(quantity);
            if (count < 0)
            {
                await error.WriteLineAsync("datagen: --quantity must be 0 or more").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var directory = parse.GetRequiredValue(outDir).FullName;
            var written = await Journeys.JourneyExport.WriteAsync(journeys, parse.GetValue(seed), count, DateTime.SpecifyKind(parse.GetValue(start), DateTimeKind.Utc), directory, ct).ConfigureAwait(false);
            await output.WriteLineAsync($"{written.Count} {name} journeys written to {directory}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command ReplayCommand(TextWriter output, TextWriter error)
    {
        var input = new Argument<DirectoryInfo>("journeys") { Description = "A directory written by 'datagen journey'." };
        var speed = new Option<double?>("--speed") { Description = "Real time scaled by this factor (default: as fast as possible)." };
        var start = new Option<DateTime?>("--start") { Description = "Shift the steps so the first happens at this time (UTC)." };
        var outDir = new Option<DirectoryInfo>("--out", "-o") { Description = "Output directory (default ./out/replay)." };
        var format = new Option<FileFormat>("--format", "-f") { Description = "ndjson (default), csv or json.", DefaultValueFactory = _ => FileFormat.Ndjson };
        var command = new Command("replay", "Publish exported journeys' documents in step order, as fast as possible or in scaled real time.") { input, speed, start, outDir, format };
        command.SetAction(async (parse, ct) =>
        {
            var directory = parse.GetRequiredValue(input);
            if (!directory.Exists)
            {
                await error.WriteLineAsync($"datagen: no such directory: {directory.FullName}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            if (parse.GetValue(speed) is <= 0)
            {
                await error.WriteLineAsync("datagen: --speed must be greater than 0").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var journeys = Journeys.JourneyReplay.ReadExported(directory.FullName);
            var files = new FileOutput(parse.GetValue(outDir)?.FullName ?? Path.Combine("out", "replay"), parse.GetValue(format));
            await using (files.ConfigureAwait(false))
            {
                try
                {
                    var options = new Journeys.ReplayOptions { Speed = parse.GetValue(speed), Start = parse.GetValue(start) is { } s ? DateTime.SpecifyKind(s, DateTimeKind.Utc) : null };
                    var written = await Journeys.JourneyReplay.ReplayAsync(journeys, files, options, ct).ConfigureAwait(false);
                    await output.WriteLineAsync($"{written} steps of {journeys.Count} journeys replayed to {files.Written.FirstOrDefault()}").ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    await error.WriteLineAsync("datagen: cancelled; nothing was written.").ConfigureAwait(false);
                    return ExitCodes.Cancelled;
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command SimulateCommand(TextWriter output, TextWriter error)
    {
        var manifest = new Argument<FileInfo>("manifest") { Description = "A manifest with a 'simulation:' section." };
        var subjects = new Option<long?>("--subjects") { Description = "How many subjects (default: the subject model's count)." };
        var ticks = new Option<long?>("--ticks") { Description = "How many ticks (default: the manifest's)." };
        var tickLength = new Option<string?>("--tick-length") { Description = "Tick length: 30s, 1m, 1h, 1d or 00:01:00 (default: the manifest's)." };
        var seed = new Option<ulong?>("--seed") { Description = "Overrides the manifest's seed." };
        var vars = new Option<string[]>("--var") { Description = "A variable, name=value (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var outDir = new Option<DirectoryInfo>("--out", "-o") { Description = "Output directory (default ./out): holds <manifest name>.db, or <manifest name>/ with --format." };
        var format = new Option<FileFormat?>("--format", "-f") { Description = "Write files instead of the SQLite default: ndjson, csv, or json." };
        var dropConflicting = new Option<bool>("--drop-conflicting") { Description = "Drop and recreate tables the manifest names that already hold data." };
        var graph = new Option<bool>("--graph") { Description = "Print the state machine as a Mermaid diagram and exit." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No summary." };
        var command = new Command("simulate", "Run a manifest's state-machine simulation: its models, then the events of every fired transition in time order.") { manifest, subjects, ticks, tickLength, seed, vars, outDir, format, dropConflicting, graph, quiet };
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetRequiredValue(manifest);
            var loaded = await LoadAsync(file, parse.GetValue(seed), null, parse.GetValue(vars), error, ct).ConfigureAwait(false);
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

            var options = new Simulations.SimulationOptions { Subjects = parse.GetValue(subjects), Ticks = parse.GetValue(ticks), TickLength = length };
            var load = new StoreLoadOptions
            {
                DropConflicting = parse.GetValue(dropConflicting),
                Warning = message => error.WriteLine($"datagen: warning: {message}"),
            };
            try
            {
                var (target, description) = Targets.Create(loaded.Manifest, Path.GetFileNameWithoutExtension(file.Name), parse.GetValue(outDir)?.FullName, parse.GetValue(format), load);
                Simulations.SimulationResult result;
                await using (target.ConfigureAwait(false))
                {
                    result = await simulation.RunAsync(target, options, ct).ConfigureAwait(false);
                }

                if (!parse.GetValue(quiet))
                {
                    var console = Console(output);
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
            }
            catch (OperationCanceledException)
            {
                await error.WriteLineAsync("datagen: cancelled; nothing was written.").ConfigureAwait(false);
                return ExitCodes.Cancelled;
            }
            catch (Exception e) when (e is GenerationException or Simulations.SimulationException or StoreConflictException or ArgumentException or IOException or UnauthorizedAccessException or System.Data.Common.DbException)
            {
                await error.WriteLineAsync($"datagen: {e.Message}").ConfigureAwait(false);
                await error.WriteLineAsync("datagen: simulation failed; nothing was written for the failing model (files and the default database: nothing at all).").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static Command EventsCommand(TextWriter output, TextWriter error)
    {
        var manifest = new Argument<FileInfo?>("manifest") { Description = "A manifest with an 'events:' section (default: the built-in shop scenario, samples/manifests/events.yaml).", Arity = ArgumentArity.ZeroOrOne };
        var count = new Option<long?>("--count", "-n") { Description = "Stop after this many events (live; default: until Ctrl+C)." };
        var rate = new Option<double>("--rate") { Description = "Live: events per minute (default 600).", DefaultValueFactory = _ => 600 };
        var batch = new Option<bool>("--batch") { Description = "Write every event between the scenario's start and end (or --start/--end) as fast as possible, to files." };
        var start = new Option<DateTime?>("--start") { Description = "Batch: the window's start (UTC)." };
        var end = new Option<DateTime?>("--end") { Description = "Batch: the window's end (UTC)." };
        var profiles = new Option<int?>("--profiles") { Description = "How many profiles to generate." };
        var profilesFile = new Option<FileInfo?>("--profiles-file") { Description = "Load profiles saved by --save-profiles (so runs share the same people)." };
        var saveProfiles = new Option<FileInfo?>("--save-profiles") { Description = "Save the profiles used to this NDJSON file." };
        var seed = new Option<ulong?>("--seed") { Description = "Overrides the scenario's seed." };
        var outDir = new Option<DirectoryInfo>("--out", "-o") { Description = "Batch: output directory (default ./out/<name>)." };
        var format = new Option<FileFormat>("--format", "-f") { Description = "Batch: ndjson (default), csv or json.", DefaultValueFactory = _ => FileFormat.Ndjson };
        var command = new Command("events", "Run event flows over a pool of generated people: live JSON lines paced to a rate, or a batch between two times.") { manifest, count, rate, batch, start, end, profiles, profilesFile, saveProfiles, seed, outDir, format };
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(manifest);
            Manifest? loaded;
            if (file is null)
            {
                using var stream = typeof(DatagenCommand).Assembly.GetManifestResourceStream("events.yaml")!;
                using var reader = new StreamReader(stream);
                loaded = Manifest.Parse(await reader.ReadToEndAsync(ct).ConfigureAwait(false), "events.yaml (built in)", new ManifestOptions { Seed = parse.GetValue(seed) });
            }
            else
            {
                (loaded, var exit) = await LoadAsync(file, parse.GetValue(seed), null, null, error, ct).ConfigureAwait(false);
                if (loaded is null)
                {
                    return exit;
                }
            }

            if (loaded.Events is not { } scenario)
            {
                await error.WriteLineAsync($"datagen: {file?.Name} has no 'events:' section").ConfigureAwait(false);
                return ExitCodes.InvalidManifest;
            }

            if (parse.GetValue(rate) is not > 0 || parse.GetValue(count) is < 0 || parse.GetValue(profiles) is < 0)
            {
                await error.WriteLineAsync("datagen: --rate must be greater than 0, --count and --profiles not negative").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            try
            {
                var pool = parse.GetValue(profilesFile) is { } pf
                    ? await Events.ProfilePool.LoadAsync(pf.FullName, ct).ConfigureAwait(false)
                    : parse.GetValue(profiles) is { } n ? await Events.ProfilePool.GenerateAsync(n, scenario.Seed, scenario.Locale, ct).ConfigureAwait(false) : await scenario.ProfilesAsync(ct).ConfigureAwait(false);
                if (parse.GetValue(saveProfiles) is { } save)
                {
                    await pool.SaveAsync(save.FullName, ct).ConfigureAwait(false);
                    await error.WriteLineAsync($"datagen: {pool.Count} profiles saved to {save.FullName}").ConfigureAwait(false);
                }

                var run = scenario.CreateRun(pool);
                if (parse.GetValue(batch))
                {
                    var from = parse.GetValue(start) is { } s ? DateTime.SpecifyKind(s, DateTimeKind.Utc) : scenario.Start;
                    var to = parse.GetValue(end) is { } e ? DateTime.SpecifyKind(e, DateTimeKind.Utc) : scenario.End;
                    var files = new FileOutput(parse.GetValue(outDir)?.FullName ?? Path.Combine("out", file is null ? "events" : Path.GetFileNameWithoutExtension(file.Name)), parse.GetValue(format));
                    await using (files.ConfigureAwait(false))
                    {
                        var written = await run.WriteAsync(files, from, to, ct).ConfigureAwait(false);
                        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{written:N0} events of {pool.Count:N0} profiles from {from:O} to {to:O} written to {files.Written.FirstOrDefault()}")).ConfigureAwait(false);
                    }

                    return ExitCodes.Success;
                }

                try
                {
                    await run.LiveAsync(new JsonLinesOutput(output), parse.GetValue(rate), parse.GetValue(count), null, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C ends a live stream; what was sent is already out.
                }

                return ExitCodes.Success;
            }
            catch (OperationCanceledException)
            {
                await error.WriteLineAsync("datagen: cancelled; nothing was written.").ConfigureAwait(false);
                return ExitCodes.Cancelled;
            }
            catch (Exception e) when (e is GenerationException or InvalidDataException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                await error.WriteLineAsync($"datagen: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static async Task<(Manifest? Manifest, int ExitCode)> LoadAsync(FileInfo file, ulong? seed, double? scale, string[]? vars, TextWriter error, CancellationToken ct)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in vars ?? [])
        {
            var eq = v.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                await error.WriteLineAsync($"datagen: --var expects name=value, found '{v}'").ConfigureAwait(false);
                return (null, ExitCodes.Usage);
            }

            variables[v[..eq]] = v[(eq + 1)..];
        }

        if (scale is <= 0)
        {
            await error.WriteLineAsync("datagen: --scale must be greater than 0").ConfigureAwait(false);
            return (null, ExitCodes.Usage);
        }

        if (!file.Exists)
        {
            await error.WriteLineAsync($"datagen: manifest not found: {file.FullName}").ConfigureAwait(false);
            return (null, ExitCodes.Usage);
        }

        try
        {
            var manifest = await Manifest.LoadAsync(file.FullName, new ManifestOptions { Seed = seed, Scale = scale, Variables = variables, Stores = Targets.Stores }, ct).ConfigureAwait(false);
            return (manifest, ExitCodes.Success);
        }
        catch (ManifestException e)
        {
            foreach (var problem in e.Errors)
            {
                await error.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            }

            await error.WriteLineAsync($"datagen: {e.Errors.Count} error(s) in {file.Name}; nothing was written.").ConfigureAwait(false);
            return (null, ExitCodes.InvalidManifest);
        }
    }

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
