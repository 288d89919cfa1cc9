using System.CommandLine;
using System.Globalization;
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
        var batch = new Option<bool>("--batch") { Description = "Write every event between the scenario's start and end (or --start/--end) as fast as possible, to files." };
        var start = new Option<DateTime?>("--start") { Description = "Batch: the window's start (UTC)." };
        var end = new Option<DateTime?>("--end") { Description = "Batch: the window's end (UTC)." };
        var profiles = new Option<int?>("--profiles") { Description = "How many profiles to generate." };
        var profilesFile = new Option<FileInfo?>("--profiles-file") { Description = "Load profiles saved by --save-profiles (so runs share the same people)." };
        var saveProfiles = new Option<FileInfo?>("--save-profiles") { Description = "Save the profiles used to this NDJSON file." };
        var seed = CommonOptions.SeedOverride("Overrides the scenario's seed.");
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
                (loaded, var exit) = await LoadAsync(file, parse.GetValue(seed), null, null, null, error, ct).ConfigureAwait(false);
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

            return await Failures.RunAsync(error, null, async () =>
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
            }).ConfigureAwait(false);
        });
        return command;
    }
}
