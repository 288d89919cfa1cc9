using System.CommandLine;
using DataGen.Generation;
using DataGen.Outputs;

namespace DataGen.Cli;

// datagen generate
internal static partial class DatagenCommand
{
    private static Command GenerateCommand(TextWriter output, TextWriter error)
    {
        var manifest = new Argument<FileInfo>("manifest") { Description = "The manifest (YAML or JSON)." };
        var seed = CommonOptions.SeedOverride("Overrides the manifest's seed.");
        var scale = new Option<double?>("--scale") { Description = "Multiplies every root count." };
        var vars = CommonOptions.Variables();
        var maxValues = CommonOptions.MaxValues();
        var outDir = CommonOptions.ManifestOut();
        var format = new Option<FileFormat?>("--format", "-f") { Description = "Write files instead of the SQLite default: ndjson, csv, or json (one file per row)." };
        var dropConflicting = CommonOptions.DropConflicting();
        var threads = new Option<int>("--threads") { Description = "Generating threads (output is identical for any value).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var quiet = CommonOptions.Quiet("No progress or summary.");
        var shardOption = new Option<string?>("--shard") { Description = "Write slice i of n of every model (i from 0), as one of n workers: with --format, model.shard-i-of-n files whose concatenation is the whole output; without, each worker appends its slice to the datastores (Kafka; SQL databases and MongoDB refuse)." };
        var command = new Command("generate", "Generate every model of a manifest into its datastores, the default SQLite database, or files.") { manifest, seed, scale, vars, maxValues, outDir, format, dropConflicting, threads, shardOption, quiet };
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetRequiredValue(manifest);
            var loaded = await LoadAsync(file, parse.GetValue(seed), parse.GetValue(scale), parse.GetValue(vars), parse.GetValue(maxValues), error, ct).ConfigureAwait(false);
            if (loaded.Manifest is null)
            {
                return loaded.ExitCode;
            }

            GenerationShard? shard = null;
            if (parse.GetValue(shardOption) is { } shardText)
            {
                shard = GenerationShard.Parse(shardText, out var why);
                if (shard is null)
                {
                    await error.WriteLineAsync($"datagen: --shard: {why}").ConfigureAwait(false);
                    return ExitCodes.Usage;
                }
            }

            var console = Console(output);
            var options = new GenerationOptions { MaxDegreeOfParallelism = Math.Max(1, parse.GetValue(threads)), Shard = shard };
            return await Failures.RunAsync(error, "generation failed; SQL databases and files keep nothing of this run (each database takes the run in one transaction); MongoDB collections and Kafka topics keep the models completed before the failure.", async () =>
            {
                GenerationSummary summary;
                var load = new StoreLoadOptions
                {
                    DropConflicting = parse.GetValue(dropConflicting),
                    Shard = shard,
                    Warning = message => error.WriteLine($"datagen: warning: {message}"),
                };
                var (target, description) = Targets.Create(loaded.Manifest, Path.GetFileNameWithoutExtension(file.Name), parse.GetValue(outDir)?.FullName, parse.GetValue(format), load, shard);
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
            }).ConfigureAwait(false);
        });
        return command;
    }
}
