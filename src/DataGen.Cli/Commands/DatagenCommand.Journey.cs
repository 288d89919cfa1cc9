using System.CommandLine;

namespace DataGen.Cli;

// datagen journey
internal static partial class DatagenCommand
{
    private static Command JourneyCommand(TextWriter output, TextWriter error)
    {
        var provider = new Option<string>("--provider", "-p") { Description = "Journey provider name (e.g. starfleet, or a journey of --manifest).", Required = true };
        var manifest = new Option<FileInfo?>("--manifest", "-m") { Description = "A manifest whose 'journeys:' section defines the provider." };
        var quantity = new Option<int>("--quantity", "-n") { Description = "How many journeys (one per simulated user).", DefaultValueFactory = _ => 10 };
        var outDir = new Option<DirectoryInfo?>("--output", "-o") { Description = "Directory for the zips and metadata files (needed unless --to publishes the steps)." };
        var seed = CommonOptions.SeedOverride($"Seed (default: the manifest's seed, else {Manifest.DefaultSeed}).");
        var start = new Option<DateTime>("--start") { Description = "When the journeys start (UTC, default 2025-01-01).", DefaultValueFactory = _ => new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc) };
        var targets = new StreamTargetOptions();
        var command = new Command("journey", "Export journeys: per simulated user a zip of step documents and a metadata JSON beside it; or publish their steps to a datastore (--to).") { provider, manifest, quantity, outDir, seed, start };
        targets.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetRequiredValue(provider);
            IReadOnlyDictionary<string, Journeys.JourneyProvider> all = Journeys.JourneyCatalog.All();
            Manifest? definitions = null;
            if (parse.GetValue(manifest) is { } file)
            {
                var loaded = await LoadAsync(file, parse.GetValue(seed), null, null, null, error, ct).ConfigureAwait(false);
                if (loaded.Manifest is null)
                {
                    return loaded.ExitCode;
                }

                definitions = loaded.Manifest;
                all = loaded.Manifest.Journeys.Concat(all.Where(p => !loaded.Manifest.Journeys.ContainsKey(p.Key))).ToDictionary(StringComparer.Ordinal);
            }

            var target = targets.Resolve(parse, definitions, null, null, out var problem);
            if (problem is not null || (target is null && parse.GetValue(outDir) is null))
            {
                await error.WriteLineAsync($"datagen: {problem ?? "give --output (a directory for the exports) or --to (a datastore for the steps)"}").ConfigureAwait(false);
                return ExitCodes.Usage;
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

            // The manifest's own seed counts, as in generate and simulate; --seed overrides it.
            var journeySeed = definitions?.Seed ?? parse.GetValue(seed) ?? Manifest.DefaultSeed;
            var directory = parse.GetValue(outDir)?.FullName;
            var from = DateTime.SpecifyKind(parse.GetValue(start), DateTimeKind.Utc);
            return await Failures.RunAsync(error, null, async () =>
            {
                if (directory is not null)
                {
                    var written = await Journeys.JourneyExport.WriteAsync(journeys, journeySeed, count, from, directory, ct).ConfigureAwait(false);
                    await output.WriteLineAsync($"{written.Count} {name} journeys written to {directory}").ConfigureAwait(false);
                }

                if (target is not null)
                {
                    var created = Enumerable.Range(0, count).Select(i => journeys.Create(journeySeed, i, from)).ToList();
                    await PublishStepsAsync(created, target, null, output, error, ct).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Replays journeys' steps into a stream target and says how many went where.</summary>
    private static async Task PublishStepsAsync(IReadOnlyList<Journeys.Journey> journeys, StreamTarget target, Journeys.ReplayOptions? options, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var sink = target.Open(new Outputs.StoreLoadOptions { Warning = message => error.WriteLine($"datagen: warning: {message}") });
        await using (sink.ConfigureAwait(false))
        {
            var steps = await Journeys.JourneyReplay.ReplayAsync(journeys, sink, options, ct).ConfigureAwait(false);
            await output.WriteLineAsync($"{steps} steps of {journeys.Count} journeys written to {target.Describe(Journeys.JourneyReplay.Model.Name)}").ConfigureAwait(false);
        }
    }
}
