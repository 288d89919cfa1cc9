using System.CommandLine;
using DataGen.Documents;
using DataGen.Outputs;

namespace DataGen.Cli;

// datagen document
internal static partial class DatagenCommand
{
    private static Command DocumentCommand(TextWriter output, TextWriter error)
    {
        var provider = new Option<string>("--provider", "-p") { Description = "Document type name (e.g. starfleet_account).", Required = true };
        var quantity = new Option<int>("--quantity", "-n") { Description = "How many documents.", DefaultValueFactory = _ => 10 };
        var outDir = new Option<DirectoryInfo>("--output", "-o") { Description = "Directory for the JSON files.", Required = true };
        var seed = CommonOptions.Seed();
        var command = new Command("document", "Generate documents of a registered type, one JSON file each.") { provider, quantity, outDir, seed };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetRequiredValue(provider);
            var all = DocumentCatalog.All();
            if (!all.TryGetValue(name, out var type))
            {
                await error.WriteLineAsync($"datagen: unknown document provider '{name}'; known: {string.Join(", ", all.Keys)}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var count = parse.GetValue(quantity);
            if (count < 0)
            {
                await error.WriteLineAsync("datagen: --quantity must be 0 or more").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            return await Failures.RunAsync(error, null, async () =>
            {
                var files = new FileOutput(parse.GetRequiredValue(outDir).FullName, FileFormat.Json);
                await using (files.ConfigureAwait(false))
                {
                    var written = await type.WriteAsync(files, parse.GetValue(seed), count, ct).ConfigureAwait(false);
                    await output.WriteLineAsync($"{written} {name} documents written to {files.Written.FirstOrDefault() ?? files.Directory}").ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
