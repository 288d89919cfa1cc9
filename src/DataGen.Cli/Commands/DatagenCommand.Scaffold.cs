using System.CommandLine;
using DataGen.Schemas;

namespace DataGen.Cli;

// datagen scaffold
internal static partial class DatagenCommand
{
    private static Command ScaffoldCommand(TextWriter output, TextWriter error)
    {
        var kind = new Option<string>("--kind") { Description = "The store kind: postgres, sqlserver, mysql or sqlite.", Required = true };
        var connection = new Option<string>("--connection") { Description = "The connection string of the existing database (not written to the manifest).", Required = true };
        var schema = new Option<string?>("--schema") { Description = "Only tables of this schema." };
        var tables = new Option<string?>("--tables") { Description = "Only these tables, comma-separated (names or schema.name)." };
        var rows = new Option<long>("--rows") { Description = "Rows of an ordinary table (default 100; lookup tables get 10).", DefaultValueFactory = _ => 100 };
        var file = new Option<FileInfo?>("--output", "-o") { Description = "Write the manifest to a file instead of standard output." };
        var command = new Command("scaffold", "Write a manifest for an existing database: a model per table, refs for foreign keys, values that fit types, enums and checks.") { kind, connection, schema, tables, rows, file };
        command.SetAction(async (parse, ct) =>
        {
            var kindName = parse.GetRequiredValue(kind);
            var provider = Targets.Stores.Find(kindName);
            if (provider is null || !provider.CanReadSchema)
            {
                var readable = Targets.Stores.Kinds.Where(k => Targets.Stores.Find(k)!.CanReadSchema);
                await error.WriteLineAsync($"datagen: scaffold reads {string.Join(", ", readable)} databases; '{kindName}' is {(provider is null ? "not a store kind" : "not one of them")}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            if (parse.GetValue(rows) < 1)
            {
                await error.WriteLineAsync("datagen: --rows must be at least 1").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var filter = new SchemaFilter
            {
                Schema = parse.GetValue(schema),
                Tables = parse.GetValue(tables)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
            var store = new Datastore("db", provider.Kind, new Dictionary<string, string> { ["connection"] = parse.GetRequiredValue(connection) });
            return await Failures.RunAsync(error, "scaffold failed; nothing was written.", async () =>
            {
                var described = await provider.ReadSchemaAsync(store, filter, ct).ConfigureAwait(false);
                if (described.Tables.Count == 0)
                {
                    await error.WriteLineAsync($"datagen: no tables found{(filter.Schema is null ? string.Empty : $" in schema '{filter.Schema}'")}{(filter.Tables is null ? string.Empty : $" named {string.Join(", ", filter.Tables)}")}; nothing was written.").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }

                var yaml = ManifestScaffold.Write(described, new ScaffoldOptions { Kind = provider.Kind, Rows = parse.GetValue(rows) });
                if (parse.GetValue(file) is { } target)
                {
                    // Written whole or not at all: a temporary file renamed over the target.
                    var temporary = target.FullName + ".tmp";
                    await File.WriteAllTextAsync(temporary, yaml, ct).ConfigureAwait(false);
                    File.Move(temporary, target.FullName, overwrite: true);
                    await error.WriteLineAsync($"datagen: {described.Tables.Count} tables → {target.FullName}").ConfigureAwait(false);
                }
                else
                {
                    await output.WriteAsync(yaml).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
