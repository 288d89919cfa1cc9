using System.CommandLine;
using DataGen.Schemas;

namespace DataGen.Cli;

// datagen scaffold
internal static partial class DatagenCommand
{
    private static Command ScaffoldCommand(TextWriter output, TextWriter error)
    {
        var kind = new Option<string?>("--kind") { Description = "The store kind: postgres, sqlserver, mysql or sqlite." };
        var connection = new Option<string?>("--connection") { Description = "The connection string of the existing database (not written to the manifest)." };
        var mapping = new Option<FileInfo?>("--from-mapping") { Description = "Read an Elasticsearch index mapping from a JSON file (what GET /<index>/_mapping answers) instead of a database." };
        var index = new Option<string?>("--index") { Description = "With --from-mapping: the index name of a mapping file that does not say (default: the file's name)." };
        var schema = new Option<string?>("--schema") { Description = "Only tables of this schema." };
        var tables = new Option<string?>("--tables") { Description = "Only these tables, comma-separated (names or schema.name)." };
        var rows = new Option<long>("--rows") { Description = "Rows of an ordinary table (default 100; lookup tables get 10).", DefaultValueFactory = _ => 100 };
        var file = new Option<FileInfo?>("--output", "-o") { Description = "Write the manifest to a file instead of standard output." };
        var command = new Command("scaffold", "Write a manifest for an existing database: a model per table, refs for foreign keys, values that fit types, enums and checks.") { kind, connection, mapping, index, schema, tables, rows, file };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(mapping) is { } mappingFile)
            {
                return await FailuresOrUsage(parse.GetValue(kind) is { } k && k != "elasticsearch" ? $"--from-mapping reads an Elasticsearch mapping; --kind '{k}' does not go with it" : null, () => WriteScaffoldAsync(
                    _ => Task.FromResult(Elasticsearch.MappingSchema.Read(mappingFile.FullName, parse.GetValue(index))), "elasticsearch", parse, (rows, file), output, error, ct)).ConfigureAwait(false);
            }

            if (parse.GetValue(kind) is not { } kindName || parse.GetValue(connection) is not { } connectionString)
            {
                await error.WriteLineAsync("datagen: scaffold needs --kind and --connection (a database), or --from-mapping (an Elasticsearch mapping file)").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

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
            var store = new Datastore("db", provider.Kind, new Dictionary<string, string> { ["connection"] = connectionString });
            var where = (filter.Schema is null ? string.Empty : $" in schema '{filter.Schema}'") + (filter.Tables is null ? string.Empty : $" named {string.Join(", ", filter.Tables)}");
            return await Failures.RunAsync(error, "scaffold failed; nothing was written.", () => WriteScaffoldAsync(c => provider.ReadSchemaAsync(store, filter, c), provider.Kind, parse, (rows, file), output, error, ct, where)).ConfigureAwait(false);

            async Task<int> FailuresOrUsage(string? usage, Func<Task<int>> run)
            {
                if (usage is not null)
                {
                    await error.WriteLineAsync($"datagen: {usage}").ConfigureAwait(false);
                    return ExitCodes.Usage;
                }

                return await Failures.RunAsync(error, "scaffold failed; nothing was written.", run).ConfigureAwait(false);
            }
        });
        return command;
    }

    /// <summary>Describes the tables, writes the manifest to the file (whole or not at all) or standard output.</summary>
    private static async Task<int> WriteScaffoldAsync(
        Func<CancellationToken, Task<DatabaseSchema>> describe,
        string kind,
        ParseResult parse,
        (Option<long> Rows, Option<FileInfo?> File) options,
        TextWriter output,
        TextWriter error,
        CancellationToken ct,
        string where = "")
    {
        var described = await describe(ct).ConfigureAwait(false);
        if (described.Tables.Count == 0)
        {
            await error.WriteLineAsync($"datagen: no tables found{where}; nothing was written.").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        var yaml = ManifestScaffold.Write(described, new ScaffoldOptions { Kind = kind, Rows = parse.GetValue(options.Rows) });
        if (parse.GetValue(options.File) is { } target)
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
    }
}
