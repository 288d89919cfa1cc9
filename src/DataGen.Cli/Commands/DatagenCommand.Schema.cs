using System.CommandLine;

namespace DataGen.Cli;

// datagen schema
internal static partial class DatagenCommand
{
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
}
