using System.Text.Json;
using static DataGen.Cli.Tests.CliRun;

namespace DataGen.Cli.Tests;

public sealed class CliTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-cli-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Generate_with_shards_writes_slices_that_add_up_to_the_whole_run()
    {
        var parts = Path.Combine(_directory.FullName, "parts");
        var whole = Path.Combine(_directory.FullName, "whole");
        for (var i = 0; i < 4; i++)
        {
            (await Run("generate", Sample("retail.yaml"), "--format", "csv", "--shard", $"{i}/4", "-o", parts, "--quiet")).Exit.Should().Be(0);
        }

        (await Run("generate", Sample("retail.yaml"), "--format", "csv", "-o", whole, "--quiet")).Exit.Should().Be(0);
        foreach (var model in new[] { "customers", "products", "orders", "payments" })
        {
            var concatenated = Enumerable.Range(0, 4).SelectMany(i => File.ReadAllBytes(Path.Combine(parts, $"{model}.shard-{i}-of-4.csv"))).ToArray();
            concatenated.Should().Equal(File.ReadAllBytes(Path.Combine(whole, $"{model}.csv")), model);
        }

        // Without --format, workers would share the local default file or a SQL database: refused before anything is written.
        var (exit, _, error) = await Run("generate", Sample("retail.yaml"), "--shard", "1/4", "-o", Path.Combine(_directory.FullName, "local"));
        exit.Should().Be(1);
        error.Should().Contain("--shard: models without a datastore (customers, products, orders, payments) go to the local SQLite file").And.Contain("--format").And.Contain("nothing was written");
        Directory.Exists(Path.Combine(_directory.FullName, "local")).Should().BeFalse();

        var database = Path.Combine(_directory.FullName, "shared.db");
        var manifest = Path.Combine(_directory.FullName, "sql.yaml");
        await File.WriteAllTextAsync(manifest, $$"""
            datastores:
              db: { kind: sqlite, path: "{{database}}" }
            models:
              customers: { store: db, count: 10, key: id, fields: { id: sequence } }
            """, TestContext.Current.CancellationToken);
        (exit, _, error) = await Run("generate", manifest, "--shard", "0/2");
        exit.Should().Be(1);
        error.Should().Contain("sqlite 'db': a sharded run (slice 0/2) cannot load into a SQL database").And.Contain("nothing was written");
        File.Exists(database).Should().BeFalse();

        (exit, _, error) = await Run("generate", manifest, "--shard", "2/2");
        exit.Should().Be(2);
        error.Should().Contain("--shard");
    }

    /// <summary>An SQLite database file in the test's folder made by <paramref name="sql"/>, closed again (an application's own schema).</summary>
    private string SqliteDatabase(string name, string sql)
    {
        var path = Path.Combine(_directory.FullName, name);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return path;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Generate_writes_every_model_and_prints_a_summary_table()
    {
        var outDir = Path.Combine(_directory.FullName, "out");
        var (exit, stdout, stderr) = await Run("generate", Sample("retail.yaml"), "--out", outDir, "--format", "ndjson");

        exit.Should().Be(ExitCodes.Success, stderr);
        Directory.GetFiles(outDir).Select(Path.GetFileName).Order().Should().Equal("customers.ndjson", "orders.ndjson", "payments.ndjson", "products.ndjson");
        stdout.Should().Contain("customers").And.Contain("1,000").And.Contain("rows/s").And.Contain("seed 42");
        File.ReadLines(Path.Combine(outDir, "customers.ndjson")).Should().HaveCount(1000);
    }

    [Fact]
    public async Task Generate_without_a_target_builds_the_default_sqlite_database()
    {
        var outDir = Path.Combine(_directory.FullName, "db");
        var (exit, stdout, stderr) = await Run("generate", Sample("retail.yaml"), "--out", outDir);

        exit.Should().Be(ExitCodes.Success, stderr);
        Directory.GetFiles(outDir).Select(Path.GetFileName).Should().Equal("retail.db");
        stdout.Should().Contain("retail.db");

        // Running again replaces the default database whole (it is DataGen's own output).
        (await Run("generate", Sample("retail.yaml"), "--out", outDir, "-q", "--seed", "3")).Exit.Should().Be(ExitCodes.Success);
        Directory.GetFiles(outDir).Select(Path.GetFileName).Should().Equal("retail.db");
    }

    [Fact]
    public async Task A_sqlite_datastore_that_already_holds_data_is_a_conflict_unless_dropping_is_allowed()
    {
        var db = Path.Combine(_directory.FullName, "app.db").Replace('\\', '/');
        var manifest = Write("stores.yaml", $$"""
            datastores:
              app: { kind: sqlite, path: "{{db}}" }
            models:
              people: { store: app, count: 5, fields: { id: uuid } }
            """);

        var first = await Run("generate", manifest, "-q");
        first.Exit.Should().Be(ExitCodes.Success, first.Err);
        var (exit, _, stderr) = await Run("generate", manifest, "-q");
        exit.Should().Be(ExitCodes.Failure);
        stderr.Should().Contain("'people' already exists and holds 5 row(s)").And.Contain("--drop-conflicting");

        var dropped = await Run("generate", manifest, "-q", "--drop-conflicting");
        dropped.Exit.Should().Be(ExitCodes.Success, dropped.Err);
        dropped.Err.Should().Contain("warning: sqlite 'app': dropped table 'people' (5 rows)");
    }

    [Fact]
    public async Task Generate_honours_seed_scale_vars_and_format()
    {
        var manifest = Write("m.yaml", """
            variables:
              domain: null
            models:
              users:
                count: 10
                fields:
                  email: { type: template, template: "u{{n}}@{{domain}}" }
                  n: sequence
            """);
        var outDir = Path.Combine(_directory.FullName, "csv");
        var (exit, _, stderr) = await Run("generate", manifest, "--seed", "9", "--scale", "2", "--var", "domain=corp.test", "--format", "csv", "--out", outDir, "-q");

        exit.Should().Be(ExitCodes.Success, stderr);
        var lines = File.ReadAllLines(Path.Combine(outDir, "users.csv"));
        lines.Should().HaveCount(21);
        lines[1].Should().Be("u1@corp.test,1");
    }

    [Fact]
    public async Task Same_command_twice_gives_identical_bytes()
    {
        var a = Path.Combine(_directory.FullName, "a");
        var b = Path.Combine(_directory.FullName, "b");
        (await Run("generate", Sample("starfleet.yaml"), "--out", a, "-f", "ndjson", "-q", "--threads", "1")).Exit.Should().Be(0);
        (await Run("generate", Sample("starfleet.yaml"), "--out", b, "-f", "ndjson", "-q", "--threads", "2")).Exit.Should().Be(0);

        File.ReadAllBytes(Path.Combine(a, "crew.ndjson")).Should().Equal(File.ReadAllBytes(Path.Combine(b, "crew.ndjson")));
    }

    [Fact]
    public async Task Invalid_manifest_exits_3_prints_every_error_and_writes_nothing()
    {
        var manifest = Write("bad.yaml", """
            models:
              customers:
                count: ten
                fields:
                  id: uuid
                  name: name.frstName
              orders:
                count: 1
                fields:
                  c: { type: ref, ref: customer.id }
            """);
        var outDir = Path.Combine(_directory.FullName, "never");
        var (exit, _, stderr) = await Run("generate", manifest, "--out", outDir);

        exit.Should().Be(ExitCodes.InvalidManifest);
        stderr.Should().Contain("bad.yaml(3,12): error: model 'customers': 'count' must be a whole number ≥ 0, found 'ten'")
            .And.Contain("bad.yaml(6,13): error: model 'customers', field 'name': unknown Bogus method 'name.frstName'")
            .And.Contain("bad.yaml(10,28): error: model 'orders', field 'c': reference to unknown model 'customer'")
            .And.Contain("3 error(s) in bad.yaml; nothing was written.");
        Directory.Exists(outDir).Should().BeFalse();
    }

    [Fact]
    public async Task Validate_reports_valid_manifests_and_exits_0()
    {
        var (exit, stdout, _) = await Run("validate", Sample("retail.yaml"));
        exit.Should().Be(ExitCodes.Success);
        stdout.Should().Contain("valid (4 models: customers, products, orders, payments; seed 42)");
    }

    [Fact]
    public async Task Validate_reports_all_errors_and_exits_3()
    {
        var manifest = Write("bad.yaml", "models:\n  m:\n    count: 1\n    fields:\n      a: nope\n      b: { type: int, min: x }\n");
        var (exit, _, stderr) = await Run("validate", manifest);

        exit.Should().Be(ExitCodes.InvalidManifest);
        stderr.Should().Contain("bad.yaml(5,10)").And.Contain("bad.yaml(6,28)").And.Contain("2 error(s)");
    }

    [Fact]
    public async Task A_run_past_the_work_limit_is_refused_by_validate_and_generate_until_the_limit_is_raised()
    {
        var manifest = Write("huge.yaml", "models:\n  m:\n    count: 2000000000000\n    fields: { id: uuid }\n");
        var outDir = Path.Combine(_directory.FullName, "huge");

        var (validateExit, _, validateErrors) = await Run("validate", manifest);
        var (generateExit, _, generateErrors) = await Run("generate", manifest, "--format", "ndjson", "--out", outDir);
        var (raisedExit, stdout, raisedErrors) = await Run("validate", manifest, "--max-values", "1e13");

        validateExit.Should().Be(ExitCodes.InvalidManifest);
        validateErrors.Should().Contain("huge.yaml(3,12): error: model 'm': the run could generate up to 2E+12 values").And.Contain("--max-values");
        generateExit.Should().Be(ExitCodes.InvalidManifest, generateErrors);
        Directory.Exists(outDir).Should().BeFalse();
        raisedExit.Should().Be(ExitCodes.Success, raisedErrors);
        stdout.Should().Contain("valid (1 models: m;");
    }

    [Fact]
    public async Task Scaffold_writes_a_manifest_that_generate_fills_the_existing_database_with()
    {
        var path = SqliteDatabase("shop.db", """
            CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(40) NOT NULL UNIQUE, tier TEXT NOT NULL CHECK (tier IN ('gold', 'silver')));
            CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id), total DECIMAL(8,2) NOT NULL CHECK (total > 0));
            """);
        var manifest = Path.Combine(_directory.FullName, "shop.yaml");

        var (scaffoldExit, _, scaffoldErrors) = await Run("scaffold", "--kind", "sqlite", "--connection", $"Data Source={path}", "--rows", "50", "-o", manifest);
        var (generateExit, _, generateErrors) = await Run("generate", manifest, "--var", $"connection=Data Source={path}", "-q");

        scaffoldExit.Should().Be(ExitCodes.Success, scaffoldErrors);
        (await File.ReadAllTextAsync(manifest, TestContext.Current.CancellationToken)).Should().Contain("table: orders").And.Contain("ref: customers.id").And.NotContain(path, "the connection string is a variable, not written");
        generateExit.Should().Be(ExitCodes.Success, generateErrors);
        using var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
        check.Open();
        using var count = check.CreateCommand();
        count.CommandText = "SELECT (SELECT count(*) FROM orders) || '/' || (SELECT count(*) FROM customers WHERE tier IN ('gold', 'silver'))";
        count.ExecuteScalar().Should().Be("50/50");
    }

    [Fact]
    public async Task Validate_against_checks_the_live_schema_and_locates_each_mistake()
    {
        var path = SqliteDatabase("app.db", "CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(40) NOT NULL, tier TEXT NOT NULL CHECK (tier IN ('gold', 'silver')))");
        var manifest = Write("app.yaml", $"datastores:\n  db: {{ kind: sqlite, path: \"{path}\" }}\nmodels:\n  customers:\n    store: db\n    count: 3\n    fields: {{ id: sequence, tier: {{ type: choice, values: [gold, bronze] }} }}\n  customer: {{ store: db, count: 1, fields: {{ id: sequence }} }}\n");
        var good = Write("good.yaml", $"datastores:\n  db: {{ kind: sqlite, path: \"{path}\" }}\nmodels:\n  customers:\n    store: db\n    count: 3\n    fields: {{ id: sequence, email: internet.email, tier: {{ type: choice, values: [gold] }} }}\n");

        var (exit, _, stderr) = await Run("validate", manifest, "--against");
        var (plain, _, _) = await Run("validate", manifest);
        var (fits, stdout, fitsErrors) = await Run("validate", good, "--against");

        exit.Should().Be(ExitCodes.InvalidManifest);
        stderr.Should().Contain("app.yaml(7,13): error: model 'customers': table 'customers' has NOT NULL column(s) without a default that the model does not fill: email")
            .And.Contain("app.yaml(7,35): error: model 'customers', field 'tier': column 'tier' allows only gold, silver; the field can produce bronze")
            .And.Contain("app.yaml(8,3): error: model 'customer': table 'customer' does not exist in sqlite 'db' (did you mean 'customers'?)")
            .And.Contain("3 error(s) against the live schema");
        plain.Should().Be(ExitCodes.Success, "without --against the database is not consulted");
        fits.Should().Be(ExitCodes.Success, fitsErrors);
        stdout.Should().Contain("and fits the live schema");
    }

    [Fact]
    public async Task Validate_against_says_on_its_output_where_no_trial_load_was_made_and_why()
    {
        var path = SqliteDatabase("trial.db", "CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(40) NOT NULL)");
        var tried = Write("tried.yaml", $"datastores:\n  db: {{ kind: sqlite, path: \"{path}\" }}\nmodels:\n  customers:\n    store: db\n    count: 3\n    fields: {{ id: sequence, email: internet.email }}\n");
        var replaced = Write("replaced.yaml", $"datastores:\n  db: {{ kind: sqlite, path: \"{path}\" }}\nmodels:\n  customers:\n    store: db\n    mode: replace\n    count: 3\n    fields: {{ id: sequence, email: internet.email }}\n");

        var (triedExit, triedOut, triedErrors) = await Run("validate", tried, "--against");
        var (replacedExit, replacedOut, replacedErrors) = await Run("validate", replaced, "--against");

        triedExit.Should().Be(ExitCodes.Success, triedErrors);
        triedOut.Should().Contain("and fits the live schema").And.NotContain("note:", "the trial load was made");
        replacedExit.Should().Be(ExitCodes.Success, replacedErrors);
        replacedOut.Should().Contain("datagen: note: sqlite 'db': no trial load was made: model 'customers' has mode replace").And.Contain("and fits the live schema");
    }

    [Theory]
    [InlineData("kafka", "'kafka' is not one of them")]
    [InlineData("nosuch", "'nosuch' is not a store kind")]
    public async Task Scaffold_of_a_kind_without_a_schema_is_a_usage_error(string kind, string message)
    {
        var (exit, _, stderr) = await Run("scaffold", "--kind", kind, "--connection", "x");

        exit.Should().Be(ExitCodes.Usage);
        stderr.Should().Contain(message).And.Contain("postgres");
    }

    [Fact]
    public async Task Scaffold_of_a_missing_database_file_fails_naming_it_and_writes_nothing()
    {
        var target = Path.Combine(_directory.FullName, "never.yaml");

        var (exit, _, stderr) = await Run("scaffold", "--kind", "sqlite", "--connection", "Data Source=/nonexistent/x.db", "-o", target);

        exit.Should().Be(ExitCodes.Failure);
        stderr.Should().Contain("database file '/nonexistent/x.db' does not exist");
        File.Exists(target).Should().BeFalse();
    }

    [Fact]
    public async Task Schema_prints_a_json_schema()
    {
        var (exit, stdout, _) = await Run("schema");
        exit.Should().Be(ExitCodes.Success);
        using var schema = JsonDocument.Parse(stdout);
        schema.RootElement.GetProperty("title").GetString().Should().Be("DataGen manifest");
    }

    [Fact]
    public async Task Document_writes_json_files_for_a_provider()
    {
        var outDir = Path.Combine(_directory.FullName, "docs");
        var (exit, stdout, stderr) = await Run("document", "--provider", "starfleet_account", "--quantity", "3", "--output", outDir);

        exit.Should().Be(ExitCodes.Success, stderr);
        stdout.Should().Contain("3 starfleet_account documents written");
        Directory.GetFiles(Path.Combine(outDir, "starfleet_account"), "*.json").Should().HaveCount(3);
    }

    [Fact]
    public async Task Journey_exports_zips_and_metadata()
    {
        var outDir = Path.Combine(_directory.FullName, "journeys");
        var (exit, stdout, stderr) = await Run("journey", "--provider", "starfleet", "--quantity", "5", "--output", outDir, "--seed", "3");

        exit.Should().Be(ExitCodes.Success, stderr);
        stdout.Should().Contain("5 starfleet journeys written");
        Directory.GetFiles(outDir, "starfleet-*.zip").Should().HaveCount(5);
        Directory.GetFiles(outDir, "starfleet-*.json").Should().HaveCount(5);
        (await Run("journey", "--provider", "nope", "--output", outDir)).Exit.Should().Be(ExitCodes.Usage);

        var replayed = Path.Combine(_directory.FullName, "replayed");
        var replay = await Run("replay", outDir, "--out", replayed, "--start", "2030-01-01T00:00:00Z");
        replay.Exit.Should().Be(ExitCodes.Success, replay.Err);
        var lines = File.ReadAllLines(Path.Combine(replayed, "journey_steps.ndjson"));
        lines.Should().HaveCountGreaterThanOrEqualTo(5 * 3);
        lines[0].Should().Contain("\"at\":\"2030-01-01T00:00:00Z\"");
    }

    [Fact]
    public async Task Unknown_provider_and_bad_usage_exit_2()
    {
        (await Run("document", "--provider", "nope", "--output", _directory.FullName)).Should().Match<(int Exit, string Out, string Err)>(r => r.Exit == ExitCodes.Usage && r.Err.Contains("starfleet_account"));
        (await Run("generate")).Exit.Should().Be(ExitCodes.Usage);
        (await Run("generate", Sample("retail.yaml"), "--var", "novalue", "--out", _directory.FullName)).Exit.Should().Be(ExitCodes.Usage);
        (await Run("generate", Path.Combine(_directory.FullName, "missing.yaml"))).Should().Match<(int Exit, string Out, string Err)>(r => r.Exit == ExitCodes.Usage && r.Err.Contains("manifest not found"));
    }

    [Fact]
    public async Task Generation_failure_exits_1_and_writes_nothing()
    {
        var manifest = Write("dup.yaml", "models:\n  m:\n    count: 3\n    fields:\n      x: { type: constant, value: 1, unique: true }\n");
        var outDir = Path.Combine(_directory.FullName, "dup");
        var (exit, _, stderr) = await Run("generate", manifest, "--out", outDir, "--format", "csv");

        exit.Should().Be(ExitCodes.Failure);
        stderr.Should().Contain("model 'm', field 'x', row 1").And.Contain("SQL databases and files keep nothing of this run");
        (Directory.Exists(outDir) ? Directory.GetFileSystemEntries(outDir) : []).Should().BeEmpty();
    }

    [Fact]
    public async Task Simulate_writes_the_subjects_and_events_and_prints_counts_by_trigger()
    {
        var outDir = Path.Combine(_directory.FullName, "bank");
        var (exit, stdout, stderr) = await Run("simulate", Sample("banking.yaml"), "--subjects", "100", "--ticks", "1440", "--tick-length", "1m", "--seed", "9", "--out", outDir, "-f", "csv");

        exit.Should().Be(ExitCodes.Success, stderr);
        File.ReadLines(Path.Combine(outDir, "users.csv")).Should().HaveCount(101);
        var events = File.ReadAllLines(Path.Combine(outDir, "transactions.csv"));
        events[0].Should().Be("at,subject,trigger,from,to,amount,balance,loan_balance");
        stdout.Should().Contain("login").And.Contain("seed 9").And.Contain("100 subjects × 1,440 ticks").And.Contain("events/s");
        stdout.Should().Contain($"{events.Length - 1:N0}");
    }

    [Fact]
    public async Task Simulate_graph_prints_mermaid_and_bad_input_is_reported()
    {
        var (exit, stdout, _) = await Run("simulate", Sample("banking.yaml"), "--graph");
        exit.Should().Be(ExitCodes.Success);
        stdout.Should().StartWith("stateDiagram-v2").And.Contain("offline --> online : login (0.2%, hourly)");

        (await Run("simulate", Sample("retail.yaml"), "--out", _directory.FullName)).Should().Match<(int Exit, string Out, string Err)>(r => r.Exit == ExitCodes.InvalidManifest && r.Err.Contains("no 'simulation:' section"));
        (await Run("simulate", Sample("banking.yaml"), "--tick-length", "soon")).Should().Match<(int Exit, string Out, string Err)>(r => r.Exit == ExitCodes.Usage && r.Err.Contains("--tick-length"));
        var broken = Write("broken.yaml", "models:\n  u:\n    count: 1\n    fields: { id: uuid }\nsimulation:\n  subjects: u\n  states: [a]\n  transitions:\n    - { trigger: t, from: a, to: b, probability: 1% }\n");
        (await Run("simulate", broken)).Should().Match<(int Exit, string Out, string Err)>(r => r.Exit == ExitCodes.InvalidManifest && r.Err.Contains("broken.yaml(9,34)") && r.Err.Contains("unknown state 'b'"));
    }

    [Fact]
    public async Task Events_prints_a_live_stream_of_json_lines()
    {
        var (exit, stdout, stderr) = await Run("events", "-n", "10", "--rate", "60000");

        exit.Should().Be(ExitCodes.Success, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(10);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            json.RootElement.GetProperty("event").GetString().Should().BeOneOf("signup", "login", "view_product", "add_to_cart", "checkout", "logout");
            json.RootElement.GetProperty("data").ValueKind.Should().Be(JsonValueKind.Object);
        }
    }

    [Fact]
    public async Task Events_batch_with_saved_profiles_is_repeatable()
    {
        var profiles = Path.Combine(_directory.FullName, "people.ndjson");
        var a = Path.Combine(_directory.FullName, "a");
        var b = Path.Combine(_directory.FullName, "b");

        var first = await Run("events", "--batch", "--profiles", "25", "--save-profiles", profiles, "--end", "2025-01-03", "--out", a);
        first.Exit.Should().Be(ExitCodes.Success, first.Err);
        File.ReadLines(profiles).Should().HaveCount(25);
        var second = await Run("events", "--batch", "--profiles-file", profiles, "--end", "2025-01-03", "--out", b);
        second.Exit.Should().Be(ExitCodes.Success, second.Err);

        second.Out.Should().Contain("events of 25 profiles");
        File.ReadAllBytes(Path.Combine(b, "events.ndjson")).Should().Equal(File.ReadAllBytes(Path.Combine(a, "events.ndjson")));
        (await Run("events", "--profiles-file", Path.Combine(_directory.FullName, "missing.ndjson"), "-n", "1")).Exit.Should().Be(ExitCodes.Failure);
        (await Run("events", Sample("retail.yaml"), "-n", "1")).Should().Match<(int Exit, string Out, string Err)>(r => r.Exit == ExitCodes.InvalidManifest && r.Err.Contains("no 'events:' section"));
    }

    [Fact]
    public async Task Journey_runs_a_journey_defined_in_a_manifest()
    {
        var outDir = Path.Combine(_directory.FullName, "enlistment");
        var (exit, stdout, stderr) = await Run("journey", "--manifest", Sample("journeys.yaml"), "--provider", "enlistment", "--quantity", "4", "--output", outDir);

        exit.Should().Be(ExitCodes.Success, stderr);
        stdout.Should().Contain("4 enlistment journeys");
        Directory.GetFiles(outDir, "*.zip").Should().HaveCount(4);
        (await Run("journey", "--manifest", Sample("journeys.yaml"), "--provider", "enlist", "--output", outDir)).Should().Match<(int Exit, string Out, string Err)>(r => r.Exit == ExitCodes.Usage && r.Err.Contains("enlistment") && r.Err.Contains("starfleet"));
    }

    [Fact]
    public async Task Journey_takes_the_manifests_seed_unless_seed_is_given()
    {
        var seeded = Path.Combine(_directory.FullName, "seeded-journeys.yaml");
        File.WriteAllText(seeded, "seed: 7\n" + File.ReadAllText(Sample("journeys.yaml")));
        async Task<string> Exported(string name, params string[] extra)
        {
            var outDir = Path.Combine(_directory.FullName, name);
            var (exit, _, stderr) = await Run(["journey", "--provider", "enlistment", "--quantity", "3", "--output", outDir, .. extra]);
            exit.Should().Be(ExitCodes.Success, stderr);
            return string.Concat(Directory.GetFiles(outDir, "*.json").Order(StringComparer.Ordinal).Select(File.ReadAllText));
        }

        var fromFile = await Exported("from-file", "--manifest", seeded);
        fromFile.Should().Be(await Exported("given", "--manifest", Sample("journeys.yaml"), "--seed", "7"), "the manifest's seed: 7 is the seed when --seed is not given");
        fromFile.Should().NotBe(await Exported("default", "--manifest", Sample("journeys.yaml")));
        (await Exported("overridden", "--manifest", seeded, "--seed", "8")).Should().Be(await Exported("eight", "--manifest", Sample("journeys.yaml"), "--seed", "8"));
    }
}
