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
        var outDir = new Option<DirectoryInfo>("--output", "-o") { Description = "Directory for the zips and metadata files.", Required = true };
        var seed = CommonOptions.Seed();
        var start = new Option<DateTime>("--start") { Description = "When the journeys start (UTC, default 2025-01-01).", DefaultValueFactory = _ => new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc) };
        var command = new Command("journey", "Export journeys: per simulated user a zip of step documents and a metadata JSON beside it.") { provider, manifest, quantity, outDir, seed, start };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetRequiredValue(provider);
            IReadOnlyDictionary<string, Journeys.JourneyProvider> all = Journeys.JourneyCatalog.All();
            if (parse.GetValue(manifest) is { } file)
            {
                var loaded = await LoadAsync(file, null, null, null, null, error, ct).ConfigureAwait(false);
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
            return await Failures.RunAsync(error, null, async () =>
            {
                var written = await Journeys.JourneyExport.WriteAsync(journeys, parse.GetValue(seed), count, DateTime.SpecifyKind(parse.GetValue(start), DateTimeKind.Utc), directory, ct).ConfigureAwait(false);
                await output.WriteLineAsync($"{written.Count} {name} journeys written to {directory}").ConfigureAwait(false);
                return ExitCodes.Success;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
