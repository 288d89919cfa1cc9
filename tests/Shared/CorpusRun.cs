using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using DataGen.Outputs;
using DataGen.Schemas;
using DataGen.Stores;

namespace DataGen.Tests.Shared;

/// <summary>
/// The corpus check every SQL store's tests run over the public sample databases in tests/Corpus (licences beside each):
/// the schema as published is scaffolded, validated against the live database and loaded with no edit to the manifest;
/// every table fills, the same seed gives the same rows in a fresh database, and ten times the rows load too.
/// </summary>
public static partial class CorpusRun
{
    /// <summary>The corpus schemas published for <paramref name="store"/> (a <c>store.sql</c> in their folder).</summary>
    public static TheoryData<string> Schemas(string store) => new(Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "Corpus"))
        .Where(d => File.Exists(Path.Combine(d, $"{store}.sql"))).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal));

    /// <summary>The schema's script as published.</summary>
    public static string Script(string name, string store) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Corpus", name, $"{store}.sql"));

    /// <summary>
    /// Runs the check; <paramref name="newDatabase"/> gives a fresh database holding the schema, as a connection string;
    /// <paramref name="selectRows"/> the query reading a table's rows for comparison.
    /// </summary>
    /// <returns>The tables (as the manifest names them) and the first database's connection string.</returns>
    public static async Task<(IReadOnlyList<string> Tables, string Database)> RunAsync(
        string name, StoreProvider provider, Func<Task<string>> newDatabase, Func<string, DbConnection> connect, Func<string, string> selectRows, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var stores = StoreCatalog.FilesOnly.With(provider);
        var first = await newDatabase();
        var schema = await provider.ReadSchemaAsync(new Datastore("db", provider.Kind, new Dictionary<string, string> { ["connection"] = first }), null, cancellationToken);
        var yaml = ManifestScaffold.Write(schema, new ScaffoldOptions { Kind = provider.Kind });
        var manifest = Parse(yaml, first, stores, 1);
        foreach (var note in await manifest.ValidateAgainstAsync(stores, cancellationToken)) // throws, listing every problem, where it does not fit
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{name} ({provider.Kind}): {note}");
        }

        await LoadAsync(manifest, stores, cancellationToken);

        var second = await newDatabase();
        await LoadAsync(Parse(yaml, second, stores, 1), stores, cancellationToken);
        var tables = Regex.Matches(yaml, @"^    table: (\S+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        tables.Should().NotBeEmpty();
        long rows = 0;
        foreach (var table in tables)
        {
            var (count, digest) = await DigestAsync(first, table);
            count.Should().BePositive($"{name}: {table} is filled");
            (await DigestAsync(second, table)).Should().Be((count, digest), $"{name}: {table} holds the same rows for the same seed");
            rows += count;
        }

        var scaled = await newDatabase();
        await LoadAsync(Parse(yaml, scaled, stores, 10), stores, cancellationToken);
        (await DigestAsync(scaled, tables[^1])).Count.Should().BeGreaterThanOrEqualTo((await DigestAsync(first, tables[^1])).Count, "--scale 10 loads too");
        TestContext.Current.TestOutputHelper?.WriteLine($"{name} ({provider.Kind}): {tables.Count} tables, {rows} rows, {started.Elapsed.TotalSeconds:F1} s for three loads");
        return (tables, first);

        async Task<(long Count, string Digest)> DigestAsync(string db, string table)
        {
            var lines = new List<string>();
            var connection = connect(db);
            await using (connection)
            {
                await connection.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = selectRows(table);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var values = new string[reader.FieldCount];
                    for (var i = 0; i < values.Length; i++)
                    {
                        values[i] = reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i) is byte[] b ? Convert.ToBase64String(b) : reader.GetValue(i), CultureInfo.InvariantCulture) ?? string.Empty;
                    }

                    lines.Add(string.Join('|', values));
                }
            }

            lines.Sort(StringComparer.Ordinal);
            return (lines.Count, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines)))));
        }
    }

    private static Manifest Parse(string yaml, string db, StoreCatalog stores, double scale) =>
        Manifest.Parse(yaml, "corpus.yaml", new ManifestOptions { Variables = new Dictionary<string, string> { ["connection"] = db }, Environment = _ => null, Stores = stores, Scale = scale });

    private static async Task LoadAsync(Manifest manifest, StoreCatalog stores, CancellationToken cancellationToken)
    {
        await using var output = stores.CreateOutput(manifest, new StoreLoadOptions(), null);
        await DataGenerator.GenerateAsync(manifest, output, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// A script's statements for a driver that runs one at a time: comments kept inside statements, the client's own
    /// commands (<c>DELIMITER</c>, <c>USE</c>, <c>source</c>, psql's backslash commands) and the script's database
    /// statements left out (the test makes its own database); names qualified by the script's database
    /// (<c>sakila.actor</c>) point at <paramref name="database"/> instead.
    /// </summary>
    public static IEnumerable<string> Statements(string script, string database)
    {
        if (ScriptDatabase().Match(script) is { Success: true } named)
        {
            var name = Regex.Escape(named.Groups[1].Value);
            script = Regex.Replace(script, $@"(?<![\w.`])`?{name}`?\.", $"`{database}`.", RegexOptions.IgnoreCase);
        }

        var delimiter = ";";
        var current = new StringBuilder();
        foreach (var raw in script.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.TrimEnd();
            if (OnlyComments().IsMatch(current.ToString()) && ClientCommand().Match(line) is { Success: true } command)
            {
                if (command.Groups[1].Value.Equals("DELIMITER", StringComparison.OrdinalIgnoreCase))
                {
                    delimiter = command.Groups[2].Value.Trim();
                }

                continue;
            }

            current.Append(line).Append('\n');
            if (line.EndsWith(delimiter, StringComparison.Ordinal))
            {
                var statement = current.ToString().TrimEnd()[..^delimiter.Length].Trim();
                current.Clear();
                if (statement.Length > 0 && !DatabaseStatement().IsMatch(statement) && !OnlyComments().IsMatch(statement))
                {
                    yield return statement;
                }
            }
        }
    }

    [GeneratedRegex(@"^\s*(?:CREATE\s+(?:DATABASE|SCHEMA)|USE)\s+`?(\w+)`?", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex ScriptDatabase();

    [GeneratedRegex(@"^\s*(DELIMITER|USE|source|\\\w+)\b\s*(.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex ClientCommand();

    [GeneratedRegex(@"^(\s*(--[^\n]*|/\*.*?\*/)\s*)*\s*(DROP|CREATE)\s+(DATABASE|SCHEMA)\b", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex DatabaseStatement();

    [GeneratedRegex(@"\A\s*(?:(?:--[^\n]*|/\*.*?\*/)\s*)*\z", RegexOptions.Singleline)]
    private static partial Regex OnlyComments();
}
