using System.CommandLine;

namespace DataGen.Cli;

// datagen validate
internal static partial class DatagenCommand
{
    private static Command ValidateCommand(TextWriter output, TextWriter error)
    {
        var manifest = new Argument<FileInfo>("manifest") { Description = "The manifest to check." };
        var vars = CommonOptions.Variables();
        var maxValues = CommonOptions.MaxValues();
        var against = new Option<bool>("--against") { Description = "Also check the manifest against the live schema of its SQL datastores: tables, columns, NOT NULL columns, types, lengths, enums and checks; then a trial load of a few rows per model, rolled back, where it can be undone (a note says where it was not made and why)." };
        var command = new Command("validate", "Check a manifest and report every error with file, line and column.") { manifest, vars, maxValues, against };
        command.SetAction(async (parse, ct) =>
        {
            var loaded = await LoadAsync(parse.GetRequiredValue(manifest), null, null, parse.GetValue(vars), parse.GetValue(maxValues), error, ct).ConfigureAwait(false);
            if (loaded.Manifest is null)
            {
                return loaded.ExitCode;
            }

            if (parse.GetValue(against))
            {
                var checkedAgainst = await Failures.RunAsync(error, null, async () =>
                {
                    try
                    {
                        foreach (var note in await loaded.Manifest.ValidateAgainstAsync(Targets.Stores, ct).ConfigureAwait(false))
                        {
                            // Said on the output, before the verdict: "fits" is then known to rest on the catalog checks only there.
                            await output.WriteLineAsync($"datagen: note: {note}").ConfigureAwait(false);
                        }

                        return ExitCodes.Success;
                    }
                    catch (ManifestException e)
                    {
                        foreach (var problem in e.Errors)
                        {
                            await error.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
                        }

                        await error.WriteLineAsync($"datagen: {e.Errors.Count} error(s) against the live schema of {parse.GetRequiredValue(manifest).Name}; nothing was written.").ConfigureAwait(false);
                        return ExitCodes.InvalidManifest;
                    }
                }).ConfigureAwait(false);
                if (checkedAgainst != ExitCodes.Success)
                {
                    return checkedAgainst;
                }
            }

            await output.WriteLineAsync($"{loaded.Manifest.Source}: valid ({loaded.Manifest.Models.Count} models: {string.Join(", ", loaded.Manifest.Models)}; seed {loaded.Manifest.Seed}){(parse.GetValue(against) ? " and fits the live schema" : string.Empty)}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
