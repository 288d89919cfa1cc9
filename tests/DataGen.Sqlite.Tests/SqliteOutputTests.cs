using DataGen.Outputs;
using Microsoft.Data.Sqlite;

namespace DataGen.Sqlite.Tests;

public sealed class SqliteOutputTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-sqlite-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private string Database => $"Data Source={Path.Combine(_directory.FullName, "test.db")}";

    private static Manifest Parse(string yaml) => Manifest.Parse(yaml, "test.yaml", new ManifestOptions { Environment = _ => null });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection(Database);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private string? Text(string sql)
    {
        using var connection = new SqliteConnection(Database);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() as string;
    }

    private async Task Load(string yaml, StoreLoadOptions? options = null)
    {
        await using var output = SqliteOutput.ToDatabase(Database, options);
        await DataGenerator.GenerateAsync(Parse(yaml), output, cancellationToken: Ct);
    }

    [Fact]
    public async Task Retail_sample_loads_with_keys_and_foreign_keys()
    {
        var manifest = await Manifest.LoadAsync(Path.Combine(AppContext.BaseDirectory, "samples", "retail.yaml"), new ManifestOptions { Environment = _ => null }, Ct);
        await using (var output = SqliteOutput.ToDatabase(Database))
        {
            var summary = await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
            Scalar("SELECT COUNT(*) FROM orders").Should().Be(summary.Models.Single(m => m.Model == "orders").Rows);
        }

        Scalar("SELECT COUNT(*) FROM customers").Should().Be(1000);
        Scalar("SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id AND c.email = o.customer_email").Should().Be(Scalar("SELECT COUNT(*) FROM orders"));
        Text("SELECT sql FROM sqlite_master WHERE name = 'orders'").Should()
            .Contain("\"id\" INTEGER PRIMARY KEY").And.Contain("FOREIGN KEY (\"customer_id\") REFERENCES \"customers\" (\"id\")");
        Text("SELECT items FROM orders LIMIT 1").Should().StartWith("[{\"line\":1,");
        Text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'ix_customers_last_name_first_name'").Should()
            .Be("CREATE INDEX \"ix_customers_last_name_first_name\" ON \"customers\" (\"last_name\", \"first_name\")");
        Scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ('ix_customers_city', 'ix_orders_placed_at')").Should().Be(2);
    }

    [Fact]
    public async Task A_table_that_already_holds_data_is_a_conflict_and_stays_untouched()
    {
        const string yaml = "models:\n  people:\n    count: 5\n    fields: { id: uuid }";
        await Load(yaml);

        var act = () => Load(yaml.Replace("count: 5", "count: 7", StringComparison.Ordinal));
        (await act.Should().ThrowAsync<StoreConflictException>()).Which.Message
            .Should().Contain("'people' already exists and holds 5 row(s)").And.Contain("--drop-conflicting");
        Scalar("SELECT COUNT(*) FROM people").Should().Be(5);
    }

    [Fact]
    public async Task Drop_conflicting_recreates_only_the_named_table_and_warns()
    {
        await Load("models:\n  people:\n    count: 5\n    fields: { id: uuid }\n  other:\n    count: 2\n    fields: { id: uuid }");
        var warnings = new List<string>();

        await Load("models:\n  people:\n    count: 3\n    fields: { id: uuid, name: name.firstName }", new StoreLoadOptions { DropConflicting = true, Warning = warnings.Add });

        Scalar("SELECT COUNT(*) FROM people").Should().Be(3);
        Scalar("SELECT COUNT(*) FROM other").Should().Be(2, "tables the manifest does not name are never touched");
        warnings.Should().ContainSingle().Which.Should().Contain("dropped table 'people' (5 rows)");
    }

    [Fact]
    public async Task A_load_that_fails_half_way_leaves_the_database_as_it_was()
    {
        // 'broken' fails on its 5000th row, after a full batch was inserted: that batch must be rolled back with the table.
        var act = () => Load("""
            models:
              people:
                count: 10
                fields: { id: uuid }
              broken:
                count: 6000
                fields:
                  n: { type: int, min: 1, max: 4999, unique: true }
            """);

        await act.Should().ThrowAsync<GenerationException>().WithMessage("model 'broken', field 'n'*");
        Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'people'").Should().Be(0, "the models of a run commit together: the one before the failure went too");
        Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'broken'").Should().Be(0, "the failing model's table and rows were rolled back");
    }

    [Fact]
    public async Task An_existing_empty_table_is_loaded_into()
    {
        using (var connection = new SqliteConnection(Database))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE people (id TEXT PRIMARY KEY, extra TEXT DEFAULT 'x')";
            command.ExecuteNonQuery();
        }

        await Load("models:\n  people:\n    count: 4\n    fields: { id: uuid }");
        Scalar("SELECT COUNT(*) FROM people WHERE extra = 'x'").Should().Be(4);
    }

    [Fact]
    public async Task With_table_creation_off_a_missing_table_fails_and_the_run_is_rolled_back()
    {
        var options = new StoreLoadOptions { CreateTables = false };
        using (var connection = new SqliteConnection(Database))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE people (id TEXT PRIMARY KEY)";
            command.ExecuteNonQuery();
        }

        var act = () => Load("models:\n  people:\n    count: 3\n    key: id\n    fields: { id: uuid }\n  pets:\n    count: 2\n    fields: { id: uuid }", options);

        await act.Should().ThrowAsync<GenerationException>().WithMessage("model 'pets': sqlite 'sqlite': table 'pets' does not exist and table creation is off; rolled back with the 1 model(s) loaded before it (people): nothing was kept in this database");
        Scalar("SELECT COUNT(*) FROM people").Should().Be(0, "the table the application owns is kept, the rows of the failed run are not");
        Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'pets'").Should().Be(0);
    }

    [Fact]
    public async Task Of_two_concurrent_loads_into_one_empty_table_exactly_one_succeeds()
    {
        using (var connection = new SqliteConnection(Database))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT)";
            command.ExecuteNonQuery();
        }

        var runs = new[] { 1, 2 }.Select(seed => Task.Run(() => Load($"seed: {seed}\nmodels:\n  people:\n    count: 20000\n    fields: {{ id: uuid, name: name.fullName }}"))).ToArray();
        await Task.WhenAll(runs.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));

        runs.Count(r => r.IsCompletedSuccessfully).Should().Be(1);
        runs.Single(r => r.IsFaulted).Exception!.InnerException.Should().BeOfType<StoreConflictException>();
        Scalar("SELECT COUNT(*) FROM people").Should().Be(20000);
    }

    [Fact]
    public async Task A_new_file_replaces_the_old_one_only_on_success()
    {
        var path = Path.Combine(_directory.FullName, "out", "m.db");
        await using (var first = SqliteOutput.ToNewFile(path))
        {
            await DataGenerator.GenerateAsync(Parse("models:\n  m:\n    count: 3\n    fields: { id: uuid }"), first, cancellationToken: Ct);
        }

        var before = await File.ReadAllBytesAsync(path, Ct);
        var act = async () =>
        {
            await using var second = SqliteOutput.ToNewFile(path);
            await DataGenerator.GenerateAsync(Parse("models:\n  m:\n    count: 3\n    fields: { x: { type: constant, value: 1, unique: true } }"), second, cancellationToken: Ct);
        };

        await act.Should().ThrowAsync<GenerationException>();
        (await File.ReadAllBytesAsync(path, Ct)).Should().Equal(before);
        Directory.GetFiles(Path.GetDirectoryName(path)!).Should().ContainSingle();
    }

    [Fact]
    public void Identifiers_are_quoted_and_types_mapped()
    {
        var model = new ModelDescriptor("m", "id", [new("id", ValueKind.Integer, false), new("a\"b", ValueKind.Decimal, true), new("when", ValueKind.DateTime, false)], 0);
        SqliteDialect.Instance.CreateTable(model).Should().Be("CREATE TABLE \"m\" (/* Created by DataGen from model 'm'; a run with mode replace or --drop-conflicting may drop and recreate it */ \"id\" INTEGER PRIMARY KEY, \"a\"\"b\" NUMERIC, \"when\" TEXT NOT NULL)");
        SqliteDialect.ToDb(new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc)).Should().Be("2025-01-02T03:04:05Z");
        SqliteDialect.ToDb(true).Should().Be(1L);
        SqliteDialect.ToDb(null).Should().Be(DBNull.Value);
    }
}
