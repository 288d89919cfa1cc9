using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using DataGen.Outputs;
using DataGen.Schemas;
using DataGen.Stores;

namespace DataGen.Tests.Shared;

/// <summary>
/// A public schema from tests/Corpus through the four load modes on one database (issue 25), its manifest scaffolded
/// and never edited but for the mode: create fills every table; a second create is refused naming every table;
/// truncate empties and refills them; replace keeps every definition; append adds as many rows again, keys and unique
/// values (composite ones too) past the held ones, definitions unchanged.
/// </summary>
public static class CorpusModes
{
    /// <summary>
    /// Runs it on <paramref name="db"/> (a fresh database holding the schema as published); <paramref name="definition"/>
    /// gives the store's own text of the schema (the tables' definitions, their views and triggers).
    /// </summary>
    public static async Task RunAsync(StoreProvider provider, string db, Func<string, DbConnection> connect, Func<string, string> quoteTable, Func<Task<string>> definition, CancellationToken cancellationToken)
    {
        var stores = StoreCatalog.FilesOnly.With(provider);
        var schema = await provider.ReadSchemaAsync(new Datastore("db", provider.Kind, new Dictionary<string, string> { ["connection"] = db }), null, cancellationToken);
        var yaml = ManifestScaffold.Write(schema, new ScaffoldOptions { Kind = provider.Kind, Rows = 10 });
        var tables = Regex.Matches(yaml, @"^    table: (\S+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        tables.Should().NotBeEmpty();

        await LoadAsync(yaml);
        var loaded = await CountsAsync();
        var before = await definition();
        loaded.Should().OnlyContain(c => c > 0, "every table fills");

        var again = () => LoadAsync(yaml);
        (await again.Should().ThrowAsync<StoreConflictException>()).Which.Conflicts.Should().HaveCount(tables.Count, "every table holding rows is named");

        await LoadAsync(Mode("truncate"));
        (await CountsAsync()).Should().Equal(loaded, "truncate empties every table and fills it again");
        await LoadAsync(Mode("replace"));
        (await definition()).Should().Be(before, "replace keeps the application's tables, views and triggers as they were");
        (await CountsAsync()).Should().Equal(loaded);

        await LoadAsync(Mode("append"));
        (await CountsAsync()).Should().Equal(loaded.Select(c => c * 2), "append adds as many rows again, with keys and unique values past the held ones");
        (await definition()).Should().Be(before);

        string Mode(string mode) => yaml.Replace($"    kind: {provider.Kind}\n", $"    kind: {provider.Kind}\n    mode: {mode}\n", StringComparison.Ordinal);

        async Task LoadAsync(string text)
        {
            var manifest = Manifest.Parse(text, "corpus.yaml", new ManifestOptions { Variables = new Dictionary<string, string> { ["connection"] = db }, Environment = _ => null, Stores = stores });
            await using var output = stores.CreateOutput(manifest, new StoreLoadOptions(), null);
            await DataGenerator.GenerateAsync(manifest, output, cancellationToken: cancellationToken);
        }

        async Task<List<long>> CountsAsync()
        {
            var counts = new List<long>();
            var connection = connect(db);
            await using (connection)
            {
                await connection.OpenAsync(cancellationToken);
                foreach (var table in tables)
                {
                    await using var command = connection.CreateCommand();
                    command.CommandText = $"SELECT COUNT(*) FROM {quoteTable(table)}";
                    counts.Add(Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture));
                }
            }

            return counts;
        }
    }
}
