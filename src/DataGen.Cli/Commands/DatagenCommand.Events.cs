using System.CommandLine;
using System.Globalization;
using DataGen.Events;
using DataGen.Outputs;

namespace DataGen.Cli;

// datagen events
internal static partial class DatagenCommand
{
    private static Command EventsCommand(TextWriter output, TextWriter error)
    {
        var manifest = new Argument<FileInfo?>("manifest") { Description = "A manifest with an 'events:' section (default: the built-in shop scenario, samples/manifests/events.yaml).", Arity = ArgumentArity.ZeroOrOne };
        var count = new Option<long?>("--count", "-n") { Description = "Stop after this many events (live; default: until Ctrl+C)." };
        var rate = new Option<double>("--rate") { Description = "Live: events per minute (default 600).", DefaultValueFactory = _ => 600 };
        var batch = new Option<bool>("--batch") { Description = "Write every event between the scenario's start and end (or --start/--end) as fast as possible, to files or --to." };
        var start = new Option<DateTime?>("--start") { Description = "Batch: the window's start (UTC)." };
        var end = new Option<DateTime?>("--end") { Description = "Batch: the window's end (UTC)." };
        var profiles = new Option<int?>("--profiles") { Description = "How many profiles to generate." };
        var profilesFile = new Option<FileInfo?>("--profiles-file") { Description = "Load profiles saved by --save-profiles (so runs share the same people)." };
        var saveProfiles = new Option<FileInfo?>("--save-profiles") { Description = "Save the profiles used to this NDJSON file." };
        var seed = CommonOptions.SeedOverride("Overrides the scenario's seed.");
        var outDir = new Option<DirectoryInfo>("--out", "-o") { Description = "Batch: output directory (default ./out/<name>)." };
        var format = new Option<FileFormat>("--format", "-f") { Description = "Batch: ndjson (default), csv or json.", DefaultValueFactory = _ => FileFormat.Ndjson };
        var print = CommonOptions.Print();
        var targets = new StreamTargetOptions();
        var command = new Command("events", "Run event flows over a pool of generated people: live (paced to a rate) or a batch between two times, to standard output, files, the scenario's datastore or --to.") { manifest, count, rate, batch, start, end, profiles, profilesFile, saveProfiles, seed, outDir, format, print };
        targets.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(manifest);
            var (loaded, exit) = file is null ? (await BuiltInEventsAsync(parse.GetValue(seed), ct).ConfigureAwait(false), ExitCodes.Success) : await LoadAsync(file, parse.GetValue(seed), null, null, null, error, ct).ConfigureAwait(false);
            if (loaded is null)
            {
                return exit;
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

            var target = targets.Resolve(parse, loaded, scenario.Store, scenario.Target, out var problem);
            var template = PrintTemplate.TryParse(parse.GetValue(print), EventFlowRun.Model, out var templateProblem);
            if (problem is not null || templateProblem is not null || (target is not null && template is not null))
            {
                await error.WriteLineAsync($"datagen: {problem ?? templateProblem ?? "--print writes to standard output: leave out --to (or the scenario's store:)"}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            return await Failures.RunAsync(error, target is null ? null : "what was sent before the failure stays in Kafka topics and MongoDB collections; SQL databases keep nothing of the run.", async () =>
            {
                var pool = await PoolAsync(scenario, parse.GetValue(profilesFile), parse.GetValue(profiles), parse.GetValue(saveProfiles), error, ct).ConfigureAwait(false);
                var run = scenario.CreateRun(pool);
                var load = new StoreLoadOptions { Warning = message => error.WriteLine($"datagen: warning: {message}") };
                if (parse.GetValue(batch))
                {
                    var from = parse.GetValue(start) is { } s ? DateTime.SpecifyKind(s, DateTimeKind.Utc) : scenario.Start;
                    var to = parse.GetValue(end) is { } e ? DateTime.SpecifyKind(e, DateTimeKind.Utc) : scenario.End;
                    var files = target is null && template is null ? new FileOutput(parse.GetValue(outDir)?.FullName ?? Path.Combine("out", file is null ? "events" : Path.GetFileNameWithoutExtension(file.Name)), parse.GetValue(format)) : null;
                    var sink = target?.Open(load) ?? (template is not null ? new PrintOutput(output, template) : files!);
                    await using (sink.ConfigureAwait(false))
                    {
                        var written = await run.WriteAsync(sink, from, to, ct).ConfigureAwait(false);
                        var where = target?.Describe(EventFlowRun.Model.Name) ?? files?.Written.FirstOrDefault() ?? "standard output";
                        await (template is null ? output : error).WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{written:N0} events of {pool.Count:N0} profiles from {from:O} to {to:O} written to {where}")).ConfigureAwait(false);
                    }

                    return ExitCodes.Success;
                }

                var live = target?.Open(load) ?? (template is not null ? new PrintOutput(output, template) : new JsonLinesOutput(output));
                await using (live.ConfigureAwait(false))
                {
                    // Ctrl+C ends a live stream: what was sent is flushed and acknowledged first.
                    var sent = await run.LiveAsync(live, parse.GetValue(rate), parse.GetValue(count), null, ct).ConfigureAwait(false);
                    if (target is not null)
                    {
                        await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"datagen: {sent:N0} events sent to {target.Describe(EventFlowRun.Model.Name)}")).ConfigureAwait(false);
                    }
                }

                return ExitCodes.Success;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<Manifest> BuiltInEventsAsync(ulong? seed, CancellationToken ct)
    {
        using var stream = typeof(DatagenCommand).Assembly.GetManifestResourceStream("events.yaml")!;
        using var reader = new StreamReader(stream);
        return Manifest.Parse(await reader.ReadToEndAsync(ct).ConfigureAwait(false), "events.yaml (built in)", new ManifestOptions { Seed = seed, Stores = Targets.Stores });
    }

    private static async Task<ProfilePool> PoolAsync(EventScenario scenario, FileInfo? file, int? count, FileInfo? save, TextWriter error, CancellationToken ct)
    {
        var pool = file is not null
            ? await ProfilePool.LoadAsync(file.FullName, ct).ConfigureAwait(false)
            : count is { } n ? await ProfilePool.GenerateAsync(n, scenario.Seed, scenario.Locale, ct).ConfigureAwait(false) : await scenario.ProfilesAsync(ct).ConfigureAwait(false);
        if (save is not null)
        {
            await pool.SaveAsync(save.FullName, ct).ConfigureAwait(false);
            await error.WriteLineAsync($"datagen: {pool.Count} profiles saved to {save.FullName}").ConfigureAwait(false);
        }

        return pool;
    }
}
