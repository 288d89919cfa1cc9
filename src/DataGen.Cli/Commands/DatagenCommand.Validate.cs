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
        var against = new Option<bool>("--against") { Description = "Also check the manifest against the live schema of its SQL datastores: tables, columns, NOT NULL columns, types, lengths, enums and checks." };
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
                        await loaded.Manifest.ValidateAgainstAsync(Targets.Stores, ct).ConfigureAwait(false);
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
