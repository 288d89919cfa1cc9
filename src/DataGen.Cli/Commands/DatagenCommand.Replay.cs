using System.CommandLine;
using DataGen.Outputs;

namespace DataGen.Cli;

// datagen replay
internal static partial class DatagenCommand
{
    private static Command ReplayCommand(TextWriter output, TextWriter error)
    {
        var input = new Argument<DirectoryInfo>("journeys") { Description = "A directory written by 'datagen journey'." };
        var speed = new Option<double?>("--speed") { Description = "Real time scaled by this factor (default: as fast as possible)." };
        var start = new Option<DateTime?>("--start") { Description = "Shift the steps so the first happens at this time (UTC)." };
        var outDir = new Option<DirectoryInfo>("--out", "-o") { Description = "Output directory (default ./out/replay)." };
        var format = new Option<FileFormat>("--format", "-f") { Description = "ndjson (default), csv or json.", DefaultValueFactory = _ => FileFormat.Ndjson };
        var manifest = new Option<FileInfo?>("--manifest", "-m") { Description = "A manifest whose datastores --to may name." };
        var targets = new StreamTargetOptions();
        var command = new Command("replay", "Publish exported journeys' documents in step order, as fast as possible or in scaled real time, to files or a datastore (--to).") { input, speed, start, outDir, format, manifest };
        targets.AddTo(command);
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

            Manifest? definitions = null;
            if (parse.GetValue(manifest) is { } file)
            {
                var loaded = await LoadAsync(file, null, null, null, null, error, ct).ConfigureAwait(false);
                if (loaded.Manifest is null)
                {
                    return loaded.ExitCode;
                }

                definitions = loaded.Manifest;
            }

            var target = targets.Resolve(parse, definitions, null, null, out var problem);
            if (problem is not null)
            {
                await error.WriteLineAsync($"datagen: {problem}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            return await Failures.RunAsync(error, null, async () =>
            {
                var journeys = Journeys.JourneyReplay.ReadExported(directory.FullName);
                var options = new Journeys.ReplayOptions { Speed = parse.GetValue(speed), Start = parse.GetValue(start) is { } s ? DateTime.SpecifyKind(s, DateTimeKind.Utc) : null };
                if (target is not null)
                {
                    await PublishStepsAsync(journeys, target, options, output, error, ct).ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                var files = new FileOutput(parse.GetValue(outDir)?.FullName ?? Path.Combine("out", "replay"), parse.GetValue(format));
                await using (files.ConfigureAwait(false))
                {
                    var written = await Journeys.JourneyReplay.ReplayAsync(journeys, files, options, ct).ConfigureAwait(false);
                    await output.WriteLineAsync($"{written} steps of {journeys.Count} journeys replayed to {files.Written.FirstOrDefault()}").ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
