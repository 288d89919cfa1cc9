using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using DataGen.Outputs;
using DataGen.Schemas;
using DataGen.Stores;
using DataGen.Tests.Shared;
using Npgsql;

namespace DataGen.PostgreSql.Tests;

/// <summary>
/// Public sample databases nobody here wrote (tests/Corpus, licences beside each): each schema as published is
/// scaffolded, validated against the live database and loaded with no edit to the manifest; every table fills, every
/// sequence a default draws from is past the loaded keys, the same seed gives the same tables in a fresh database, and
/// ten times the rows load too.
/// </summary>
public sealed partial class CorpusTests(PostgresServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly StoreCatalog Stores = StoreCatalog.FilesOnly.With(PostgresStoreProvider.Instance);

    public static TheoryData<string> Schemas => new(Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "Corpus"))
        .Where(d => File.Exists(Path.Combine(d, "postgres.sql"))).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    /// <summary>Schemas that cannot load yet, each with the reason (printed as the skip reason, never silent).</summary>
    private static readonly Dictionary<string, string> NotYet = new(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task A_public_schema_is_filled_with_no_edits_reproducibly_and_at_ten_times_the_rows(string name)
    {
        if (NotYet.TryGetValue(name, out var reason))
        {
            Assert.Skip(reason);
        }

        var started = Stopwatch.StartNew();
        var first = await DatabaseAsync(name);
        var schema = await PostgresStoreProvider.Instance.ReadSchemaAsync(Datastore(first), null, Ct);
        var yaml = ManifestScaffold.Write(schema, new ScaffoldOptions { Kind = "postgres" });

        var manifest = Parse(yaml, first);
        await manifest.ValidateAgainstAsync(Stores, Ct); // throws, listing every problem, where the manifest does not fit
        await LoadAsync(manifest);

        var second = await DatabaseAsync(name);
        await LoadAsync(Parse(yaml, second));
        var models = Regex.Matches(yaml, @"^    table: (\S+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        models.Should().NotBeEmpty();
        foreach (var table in models)
        {
            var quoted = PostgresDialect.Instance.QuoteTable(table);
            (await Scalar<long>(first, $"SELECT count(*) FROM {quoted}")).Should().BePositive($"{name}: {table} is filled");
            var digest = $"SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {quoted} t";
            (await Scalar<string>(second, digest)).Should().Be(await Scalar<string>(first, digest), $"{name}: {table} holds the same rows for the same seed");
        }

        await SequencesArePastTheLoadedKeysAsync(first, name);

        var scaled = await DatabaseAsync(name);
        await LoadAsync(Parse(yaml, scaled, scale: 10));
        foreach (var table in models.Take(3))
        {
            (await Scalar<long>(scaled, $"SELECT count(*) FROM {PostgresDialect.Instance.QuoteTable(table)}")).Should().BeGreaterThanOrEqualTo(await Scalar<long>(first, $"SELECT count(*) FROM {PostgresDialect.Instance.QuoteTable(table)}"));
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: {models.Count} tables, {await TotalRowsAsync(first, models)} rows, {started.Elapsed.TotalSeconds:F1} s (three loads)");
    }

    /// <summary>Every sequence a column's default takes nextval of, owned or not, gives a key past the loaded ones.</summary>
    private static async Task SequencesArePastTheLoadedKeysAsync(string db, string name)
    {
        var uses = new List<(string Table, string Column, string Sequence)>();
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand(
                """
                SELECT d.adrelid::regclass::text, a.attname, s.oid::regclass::text FROM pg_attrdef d
                JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
                JOIN pg_class t ON t.oid = d.adrelid AND t.relkind IN ('r', 'p') AND NOT t.relispartition
                JOIN pg_depend dep ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid AND dep.refclassid = 'pg_class'::regclass
                JOIN pg_class s ON s.oid = dep.refobjid AND s.relkind = 'S'
                """,
                connection);
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                uses.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var (table, column, sequence) in uses)
        {
            var max = await Scalar<long?>(db, $"SELECT max({PostgresDialect.QuoteIdentifier(column)})::bigint FROM {table}");
            if (max is { } loaded)
            {
                (await Scalar<long>(db, $"SELECT nextval('{sequence.Replace("'", "''", StringComparison.Ordinal)}')")).Should().BeGreaterThan(loaded, $"{name}: {table}.{column} draws from {sequence}, which must be past the loaded keys");
            }
        }
    }

    private static async Task<long> TotalRowsAsync(string db, IEnumerable<string> tables)
    {
        long total = 0;
        foreach (var table in tables)
        {
            total += await Scalar<long>(db, $"SELECT count(*) FROM {PostgresDialect.Instance.QuoteTable(table)}");
        }

        return total;
    }

    /// <summary>A fresh database with the schema as published: psql's meta-commands and the script's own database statements left out.</summary>
    private async Task<string> DatabaseAsync(string name)
    {
        var db = await server.NewDatabaseAsync();
        var script = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Corpus", name, "postgres.sql"), Ct);
        var lines = script.Split('\n').Where(l => !l.StartsWith('\\') && !DatabaseStatement().IsMatch(l));
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(string.Join('\n', lines), connection);
        await command.ExecuteNonQueryAsync(Ct);
        return db;
    }

    private static Datastore Datastore(string db) => new("db", "postgres", new Dictionary<string, string> { ["connection"] = db });

    private static Manifest Parse(string yaml, string db, double scale = 1) =>
        Manifest.Parse(yaml, "corpus.yaml", new ManifestOptions { Variables = new Dictionary<string, string> { ["connection"] = db }, Environment = _ => null, Stores = Stores, Scale = scale });

    private static async Task LoadAsync(Manifest manifest)
    {
        await using var output = Stores.CreateOutput(manifest, new StoreLoadOptions(), null);
        await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
    }

    private static async Task<T> Scalar<T>(string db, string sql)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(Ct);
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\s*(DROP|CREATE)\s+DATABASE\b", RegexOptions.IgnoreCase)]
    private static partial Regex DatabaseStatement();
}
