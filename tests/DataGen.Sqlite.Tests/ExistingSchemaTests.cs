using DataGen.Outputs;
using DataGen.Schemas;
using DataGen.Stores;
using Microsoft.Data.Sqlite;

namespace DataGen.Sqlite.Tests;

/// <summary>The existing-schema journey in SQLite: describe → scaffold → fill with no edits → zero violations.</summary>
public sealed class ExistingSchemaTests : IDisposable
{
    private static readonly StoreCatalog Stores = StoreCatalog.FilesOnly.With(SqliteStoreProvider.Instance);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-sqlite-schema-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private string NewDatabase(string name)
    {
        var path = Path.Combine(_directory.FullName, name);
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", "rental.sql"));
        command.ExecuteNonQuery();
        return path;
    }

    private static object? Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static Task<DatabaseSchema> DescribeAsync(string path) =>
        SqliteStoreProvider.Instance.ReadSchemaAsync(new Datastore("db", "sqlite", new Dictionary<string, string> { ["path"] = path }), null, Ct);

    [Fact]
    public async Task The_pragmas_describe_keys_checks_and_relations()
    {
        var schema = await DescribeAsync(NewDatabase("describe.db"));

        schema.Tables.Should().HaveCount(16).And.NotContain(t => t.Name == "film_list");
        schema.Find("film")!.Column("film_id")!.Identity.Should().BeTrue();
        schema.Find("film")!.Column("title_length")!.Computed.Should().BeTrue();
        schema.Find("film")!.Checks.Should().Contain("rating IN ('G', 'PG', 'PG-13', 'R', 'NC-17')");
        schema.Find("film_actor")!.PrimaryKey.Should().Equal("actor_id", "film_id");
        schema.Find("address")!.ForeignKeys.Should().ContainSingle(fk => fk.ReferencedTable == "city" && fk.ReferencedColumns[0] == "city_id", "a reference without columns points at the primary key");
        schema.Find("staff")!.UniqueKeys.Should().ContainSingle(k => k[0] == "email");
        schema.Find("customer")!.Column("external_id")!.Kind.Should().Be(ValueKind.Uuid);
        schema.Find("address")!.Column("postal_code")!.MaxLength.Should().Be(10);
    }

    [Fact]
    public async Task A_scaffolded_manifest_fills_every_table_with_no_violations_and_the_same_rows_per_seed()
    {
        var first = NewDatabase("first.db");
        var second = NewDatabase("second.db");
        var schema = await DescribeAsync(first);
        var yaml = ManifestScaffold.Write(schema, new ScaffoldOptions { Kind = "sqlite", Rows = 200, Settings = new Dictionary<string, string> { ["path"] = "{{path}}" } })
            .Replace("seed: 1\n", "seed: 1\nvariables:\n  path: null\n", StringComparison.Ordinal);

        foreach (var path in new[] { first, second })
        {
            var manifest = Manifest.Parse(yaml, "rental.yaml", new ManifestOptions { Variables = new Dictionary<string, string> { ["path"] = path }, Environment = _ => null, Stores = Stores });
            await using var output = Stores.CreateOutput(manifest, new StoreLoadOptions(), null);
            await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
        }

        Scalar(first, "SELECT count(*) FROM pragma_foreign_key_check").Should().Be(0L);
        Scalar(first, "SELECT count(*) FROM rental WHERE return_date < rental_date").Should().Be(0L);
        foreach (var table in schema.Tables)
        {
            ((long)Scalar(first, $"SELECT count(*) FROM \"{table.Name}\"")!).Should().BePositive(table.Name);
            var row = string.Join(" || ',' || ", table.Columns.Select(c => $"quote(\"{c.Name}\")"));
            var digest = $"SELECT group_concat(x, '|') FROM (SELECT {row} AS x FROM \"{table.Name}\" ORDER BY x)";
            Scalar(first, digest).Should().Be(Scalar(second, digest), $"{table.Name} holds the same rows for the same seed");
        }

        Scalar(first, "INSERT INTO actor (first_name, last_name) VALUES ('New', 'Actor') RETURNING actor_id").Should().BeOfType<long>().Which.Should().BeGreaterThan((long)Scalar(first, "SELECT count(*) FROM actor")! - 1);
        Scalar(first, "INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) VALUES ('2025-01-01', 1, 1, 1) RETURNING rental_id").Should().BeOfType<long>();
    }
}
