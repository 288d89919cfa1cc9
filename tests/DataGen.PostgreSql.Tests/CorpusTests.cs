using System.Globalization;
using System.Text.RegularExpressions;
using DataGen.Tests.Shared;
using Npgsql;

namespace DataGen.PostgreSql.Tests;

/// <summary>
/// Public sample databases nobody here wrote (tests/Corpus, licences beside each), through <see cref="CorpusRun"/>; on
/// PostgreSQL also: every sequence a column's default draws from, owned or not, is past the loaded keys.
/// </summary>
public sealed partial class CorpusTests(PostgresServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Schemas => CorpusRun.Schemas("postgres");

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

        var (_, first) = await CorpusRun.RunAsync(name, PostgresStoreProvider.Instance, () => DatabaseAsync(name), db => new NpgsqlConnection(db), t => $"SELECT r::text FROM {PostgresDialect.Instance.QuoteTable(t)} r", Ct);
        await SequencesArePastTheLoadedKeysAsync(first, name);
    }

    [Fact]
    public async Task Pagila_is_described_with_its_triggers_partition_bounds_and_partition_foreign_keys()
    {
        var db = await DatabaseAsync("pagila");

        var schema = await PostgresStoreProvider.Instance.ReadSchemaAsync(new Datastore("db", "postgres", new Dictionary<string, string> { ["connection"] = db }), null, Ct);

        schema.Find("film")!.Column("fulltext")!.FilledByTrigger.Should().Be("film_fulltext_trigger", "a BEFORE INSERT tsvector_update_trigger fills it");
        schema.Find("film")!.Column("last_update")!.FilledByTrigger.Should().BeNull("last_updated() stamps the clock on UPDATE only");
        var payment = schema.Find("payment")!;
        payment.ForeignKeys.Select(k => k.ReferencedTable).Should().Contain(["public.customer", "public.rental", "public.staff"], "the first partitions declare them");
        payment.Checks.Should().Contain("payment_date >= '2022-01-01' AND payment_date <= '2026-07-31'", "the partitions' range, upper bound exclusive");
        var yaml = DataGen.Schemas.ManifestScaffold.Write(schema, new DataGen.Schemas.ScaffoldOptions { Kind = "postgres" });
        yaml.Should().Contain("column \"fulltext\" is set by trigger film_fulltext_trigger").And.Contain("customer_id: { type: ref, ref: customer.customer_id");
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

    /// <summary>A fresh database with the schema as published: psql's meta-commands and the script's own database statements left out.</summary>
    private async Task<string> DatabaseAsync(string name)
    {
        var db = await server.NewDatabaseAsync();
        var lines = CorpusRun.Script(name, "postgres").Split('\n').Where(l => !l.StartsWith('\\') && !DatabaseStatement().IsMatch(l));
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(string.Join('\n', lines), connection);
        await command.ExecuteNonQueryAsync(Ct);
        return db;
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
