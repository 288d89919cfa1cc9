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
        var command = new Command("validate", "Check a manifest and report every error with file, line and column.") { manifest, vars, maxValues };
        command.SetAction(async (parse, ct) =>
        {
            var loaded = await LoadAsync(parse.GetRequiredValue(manifest), null, null, parse.GetValue(vars), parse.GetValue(maxValues), error, ct).ConfigureAwait(false);
            if (loaded.Manifest is null)
            {
                return loaded.ExitCode;
            }

            await output.WriteLineAsync($"{loaded.Manifest.Source}: valid ({loaded.Manifest.Models.Count} models: {string.Join(", ", loaded.Manifest.Models)}; seed {loaded.Manifest.Seed})").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
