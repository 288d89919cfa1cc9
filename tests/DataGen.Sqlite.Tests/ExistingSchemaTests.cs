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

    private string NewDatabase(string name) => Database(name, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", "rental.sql")));

    /// <summary>A database file in the test's folder made by <paramref name="sql"/>, closed again.</summary>
    private string Database(string name, string sql)
    {
        var path = Path.Combine(_directory.FullName, name);
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
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
    public async Task Tables_named_with_spaces_and_dashes_are_scaffolded_and_filled()
    {
        // Northwind's shape: "Order Details" keyed by (OrderID, ProductID), and a dashed name.
        var path = Database("northwind.db", """
                CREATE TABLE "Orders" ("OrderID" INTEGER PRIMARY KEY AUTOINCREMENT, "CustomerName" TEXT NOT NULL);
                CREATE TABLE "Products" ("ProductID" INTEGER PRIMARY KEY, "ProductName" TEXT NOT NULL);
                CREATE TABLE "Order Details" ("OrderID" INTEGER NOT NULL REFERENCES "Orders", "ProductID" INTEGER NOT NULL REFERENCES "Products", "Quantity" INTEGER NOT NULL CHECK ("Quantity" > 0), PRIMARY KEY ("OrderID", "ProductID"));
                CREATE TABLE "audit-log" ("id" INTEGER PRIMARY KEY, "note" TEXT);
                """);

        var yaml = ManifestScaffold.Write(await DescribeAsync(path), new ScaffoldOptions { Kind = "sqlite", Rows = 50, Settings = new Dictionary<string, string> { ["path"] = path } });
        yaml.Should().Contain("table: Order Details").And.Contain("table: audit-log");
        var manifest = Manifest.Parse(yaml, "northwind.yaml", new ManifestOptions { Environment = _ => null, Stores = Stores });
        await using (var output = Stores.CreateOutput(manifest, new StoreLoadOptions(), null))
        {
            await DataGenerator.GenerateAsync(manifest, output, null, Ct);
            await output.CompleteAsync(Ct);
        }

        Convert.ToInt64(Scalar(path, "SELECT count(*) FROM \"Order Details\""), System.Globalization.CultureInfo.InvariantCulture).Should().BePositive();
        Convert.ToInt64(Scalar(path, "SELECT count(*) FROM \"audit-log\""), System.Globalization.CultureInfo.InvariantCulture).Should().Be(50);
        Scalar(path, "SELECT count(*) FROM pragma_foreign_key_check").Should().Be(0L, "every detail's order and product exist");
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData(" padded")]
    [InlineData("tab\there")]
    public void A_table_name_that_could_not_be_a_file_name_is_refused(string table)
    {
        var act = () => Manifest.Parse($"models:\n  m:\n    table: \"{table}\"\n    count: 1\n    fields:\n      a: int\n");

        act.Should().Throw<ManifestException>().WithMessage("*must be 1 to 128 characters without / \\ : * ? \" < > | ; ' ` [ ], control characters or surrounding spaces*");
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
        ((long)Scalar(first, "SELECT count(*) FROM store WHERE manager_staff_id IS NOT NULL")!).Should().BePositive("the store ↔ staff cycle is filled by an update once staff is loaded");
        Scalar(first, "SELECT count(*) FROM store s WHERE manager_staff_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM staff m WHERE m.staff_id = s.manager_staff_id)").Should().Be(0L);
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

    private static async Task LoadAsync(string path, string yaml)
    {
        var manifest = Manifest.Parse(yaml, "modes.yaml", new ManifestOptions { Environment = _ => null, Stores = Stores });
        await using var output = Stores.CreateOutput(manifest, new StoreLoadOptions(), null);
        await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
    }

    private static string Modes(string path, string mode, string model = "") => $$"""
        datastores:
          db: { kind: sqlite, path: "{{path}}"{{mode}} }
        models:
          country: { store: db, count: 5, key: country_id{{model}}, fields: { country_id: sequence, country: { type: mask, mask: "????????", unique: true } } }
          language: { store: db, count: 3, key: language_id, fields: { language_id: sequence, name: lorem.word } }
        """;

    [Fact]
    public async Task Load_modes_truncate_append_and_replace_existing_tables()
    {
        var path = Database("modes.db", "CREATE TABLE country (country_id INTEGER PRIMARY KEY AUTOINCREMENT, country TEXT NOT NULL UNIQUE); CREATE TABLE language (language_id INTEGER PRIMARY KEY, name TEXT NOT NULL)");

        await LoadAsync(path, Modes(path, string.Empty));

        await LoadAsync(path, Modes(path, ", mode: truncate"));
        Scalar(path, "SELECT count(*) FROM country").Should().Be(5L, "emptied, then refilled");

        var definition = Scalar(path, "SELECT group_concat(sql, ';') FROM sqlite_master");
        await LoadAsync(path, Modes(path, ", mode: append"));
        Scalar(path, "SELECT count(*) FROM country").Should().Be(10L, "the same manifest again appends: keys continue after the largest");
        Scalar(path, "SELECT max(country_id) FROM country").Should().Be(10L);
        Scalar(path, "SELECT count(DISTINCT country) FROM country").Should().Be(10L, "unique values avoid the ones already there");
        await LoadAsync(path, "seed: 2\n" + Modes(path, ", mode: append").Replace("country_id: sequence", "country_id: { type: sequence, start: 100 }", StringComparison.Ordinal).Replace("language_id: sequence", "language_id: { type: sequence, start: 100 }", StringComparison.Ordinal));
        Scalar(path, "SELECT count(*) FROM country").Should().Be(15L);
        Scalar(path, "SELECT min(country_id) FROM country WHERE country_id > 10").Should().Be(100L, "a start past the largest key is kept");

        await LoadAsync(path, Modes(path, string.Empty, ", mode: replace").Replace("language: { store: db,", "language: { store: db, mode: truncate,", StringComparison.Ordinal));
        Scalar(path, "SELECT count(*) FROM country").Should().Be(5L);
        Scalar(path, "SELECT group_concat(sql, ';') FROM sqlite_master").Should().Be(definition, "replace keeps the application's tables as they were (AUTOINCREMENT, UNIQUE)");
    }

    [Fact]
    public async Task Truncate_or_append_into_a_missing_table_fails_and_a_referenced_table_is_refused_naming_its_dependents()
    {
        var path = NewDatabase("missing.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO country (country) VALUES ('Held'); INSERT INTO city (city, country_id) VALUES ('Kept', 1), ('Also', 1);";
            insert.ExecuteNonQuery();
        }


        var missing = () => LoadAsync(path, Modes(path, ", mode: truncate").Replace("country:", "countries:", StringComparison.Ordinal));
        var referenced = () => LoadAsync(path, Modes(path, ", mode: truncate").Replace("  language: { store: db, count: 3, key: language_id, fields: { language_id: sequence, name: lorem.word } }\n", string.Empty, StringComparison.Ordinal));

        (await missing.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("table 'countries' does not exist; mode 'truncate' empties and refills a table the application owns");
        (await referenced.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("would empty table 'country', which city (2 row(s)) references").And.Contain("nothing was changed");
        Scalar(path, "SELECT count(*) FROM country").Should().Be(1L);
    }

    [Fact]
    public async Task Truncate_empties_and_reloads_a_not_null_foreign_key_cycle_and_replace_keeps_its_definition()
    {
        var path = Database("not-null-cycle.db", """
                CREATE TABLE store (id INTEGER PRIMARY KEY, manager_id INTEGER NOT NULL REFERENCES staff (id));
                CREATE TABLE staff (id INTEGER PRIMARY KEY, store_id INTEGER NOT NULL REFERENCES store (id));
                CREATE VIEW store_staff AS SELECT s.id, count(f.id) AS staff FROM store s JOIN staff f ON f.store_id = s.id GROUP BY s.id;
                """);
        var yaml = $$"""
            seed: 3
            datastores:
              db: { kind: sqlite, path: "{{path}}", mode: MODE }
            models:
              store: { store: db, count: 3, key: id, fields: { id: sequence, manager_id: { type: ref, ref: staff.id, deferred: true } } }
              staff: { store: db, count: 8, key: id, fields: { id: sequence, store_id: { type: ref, ref: store.id } } }
            """;
        await LoadAsync(path, yaml.Replace("MODE", "create", StringComparison.Ordinal));
        var definition = Scalar(path, "SELECT group_concat(sql, ';') FROM sqlite_master");
        var first = Scalar(path, "SELECT group_concat(id || ':' || store_id) FROM staff");

        await LoadAsync(path, yaml.Replace("MODE", "truncate", StringComparison.Ordinal));
        Scalar(path, "SELECT group_concat(id || ':' || store_id) FROM staff").Should().Be(first, "emptied together and refilled with the same rows");
        await LoadAsync(path, yaml.Replace("MODE", "replace", StringComparison.Ordinal));

        Scalar(path, "SELECT group_concat(sql, ';') FROM sqlite_master").Should().Be(definition);
        Scalar(path, "SELECT sum(staff) FROM store_staff").Should().Be(8L);
        Scalar(path, "SELECT count(*) FROM pragma_foreign_key_check").Should().Be(0L);
    }

    [Fact]
    public async Task A_second_pass_that_breaks_a_foreign_key_rolls_the_whole_run_back()
    {
        var path = Database("cycle.db", """
                CREATE TABLE branch (id INTEGER PRIMARY KEY, head_id INTEGER REFERENCES account (id));
                CREATE TABLE account (id INTEGER PRIMARY KEY, branch_id INTEGER NOT NULL REFERENCES branch (id));
                CREATE TABLE visitor (id INTEGER PRIMARY KEY);
                """);

        // The deferred ref points at visitors, whose keys are no accounts (and not known ahead: a second pass sets them):
        // the updates break branch.head_id's foreign key.
        var load = () => LoadAsync(path, $$"""
            datastores:
              db: { kind: sqlite, path: "{{path}}" }
            models:
              branch: { store: db, count: 4, key: id, fields: { id: sequence, head_id: { type: ref, ref: visitor.id, deferred: true } } }
              account: { store: db, count: 10, key: id, fields: { id: sequence, branch_id: { type: ref, ref: branch.id } } }
              visitor: { store: db, count: 3, key: id, fields: { id: { type: int, min: 900, max: 99999, unique: true } } }
            """);

        var error = (await load.Should().ThrowAsync<GenerationException>()).Which;
        error.Model.Should().Be("branch");
        error.Message.Should().Contain("setting head_id of table 'branch' (a reference cycle's second pass) failed").And.Contain("FOREIGN KEY constraint failed")
            .And.Contain("rolled back with the 3 model(s) loaded before it (branch, account, visitor): nothing was kept in this database");
        foreach (var table in new[] { "branch", "account", "visitor" })
        {
            Scalar(path, $"SELECT count(*) FROM {table}").Should().Be(0L, $"{table} is as it was");
        }
    }

    [Fact]
    public async Task A_held_foreign_key_a_cycle_breaks_fails_the_run_naming_it_and_keeps_nothing()
    {
        var path = Database("held.db", """
                CREATE TABLE branch (id INTEGER PRIMARY KEY, head_id INTEGER NOT NULL REFERENCES account (id));
                CREATE TABLE account (id INTEGER PRIMARY KEY, branch_id INTEGER NOT NULL REFERENCES branch (id));
                CREATE TABLE visitor (id INTEGER PRIMARY KEY);
                """);

        // Visitors' sequence keys are known ahead, so head_id goes in with the row and its foreign key is held: they are no accounts.
        var load = () => LoadAsync(path, $$"""
            datastores:
              db: { kind: sqlite, path: "{{path}}" }
            models:
              branch: { store: db, count: 4, key: id, fields: { id: sequence, head_id: { type: ref, ref: visitor.id, deferred: true } } }
              account: { store: db, count: 10, key: id, fields: { id: sequence, branch_id: { type: ref, ref: branch.id } } }
              visitor: { store: db, count: 3, key: id, fields: { id: { type: sequence, start: 900 } } }
            """);

        var error = (await load.Should().ThrowAsync<GenerationException>()).Which;
        error.Model.Should().Be("branch");
        error.Message.Should().Contain("4 row(s) of table 'branch' break a foreign key to account, held for a reference cycle until the run's end; nothing was kept in this database");
        foreach (var table in new[] { "branch", "account", "visitor" })
        {
            Scalar(path, $"SELECT count(*) FROM {table}").Should().Be(0L, $"{table} is as it was");
        }
    }

    [Fact]
    public async Task Every_table_holding_rows_is_refused_at_once_with_its_count_and_the_choices_before_anything_is_written()
    {
        var path = Database("held-rows.db", """
                CREATE TABLE team (id INTEGER PRIMARY KEY);
                CREATE TABLE member (id INTEGER PRIMARY KEY, team_id INTEGER NOT NULL REFERENCES team (id));
                CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT);
                INSERT INTO team VALUES (1), (2); INSERT INTO member VALUES (1, 1), (2, 1), (3, 2);
                """);

        var load = () => LoadAsync(path, $$"""
            datastores:
              db: { kind: sqlite, path: "{{path}}" }
            models:
              team: { store: db, count: 4, key: id, fields: { id: { type: sequence, start: 10 } } }
              member: { store: db, count: 4, key: id, fields: { id: { type: sequence, start: 10 }, team_id: { type: ref, ref: team.id } } }
              note: { store: db, count: 4, key: id, fields: { id: sequence, text: lorem.word } }
            """);

        var error = (await load.Should().ThrowAsync<StoreConflictException>()).Which;
        error.Conflicts.Should().Equal(new Dictionary<string, long> { ["team"] = 2, ["member"] = 3 });
        error.Message.Should().Contain("'team' already exists and holds 2 row(s), 'member' already exists and holds 3 row(s)")
            .And.Contain("mode: truncate").And.Contain("mode: append").And.Contain("--drop-conflicting").And.Contain("nothing was written");
        Scalar(path, "SELECT count(*) FROM note").Should().Be(0L, "nothing was written, not even to the empty table");
    }

    [Fact]
    public async Task Rows_this_runs_triggers_wrote_are_no_conflict()
    {
        var path = Database("trigger-rows.db", """
                CREATE TABLE film (id INTEGER PRIMARY KEY, title TEXT NOT NULL);
                CREATE TABLE log (id INTEGER PRIMARY KEY, film_id INTEGER NOT NULL REFERENCES film (id));
                CREATE TRIGGER film_logged AFTER INSERT ON film BEGIN INSERT INTO log (film_id) VALUES (new.id); END;
                """);

        // The manifest keeps 'log' as a model of its own: the trigger has filled it with 5 rows by the time its turn comes.
        await LoadAsync(path, $$"""
            datastores:
              db: { kind: sqlite, path: "{{path}}" }
            models:
              film: { store: db, count: 5, key: id, fields: { id: sequence, title: lorem.word } }
              log: { store: db, count: 3, fields: { id: { type: sequence, start: 100 }, film_id: { type: ref, ref: film.id } } }
            """);

        Scalar(path, "SELECT count(*) FROM log").Should().Be(8L, "5 rows from the trigger, 3 from the model");
    }

    [Fact]
    public void An_unknown_mode_is_located_with_a_suggestion()
    {
        var act = () => Manifest.Parse(Modes("x.db", ", mode: trunacte"), "modes.yaml", new ManifestOptions { Environment = _ => null, Stores = Stores });

        act.Should().Throw<ManifestException>().Which.Errors.Should().ContainSingle().Which.Message.Should().Be("datastore 'db': unknown mode 'trunacte' (did you mean 'truncate'?); modes: create, truncate, append, replace");
    }

    [Fact]
    public void A_mode_on_a_store_without_tables_is_located()
    {
        var stores = Stores.With(new NoSchemaProvider());
        var act = () => Manifest.Parse(
            "datastores:\n  bus: { kind: queue, mode: truncate }\nmodels:\n  m: { store: bus, count: 1, mode: append, fields: { id: uuid } }\n",
            "modes.yaml",
            new ManifestOptions { Environment = _ => null, Stores = stores });

        act.Should().Throw<ManifestException>().Which.Errors.Select(e => $"{e.Line}: {e.Message}").Should().Equal(
            "2: datastore 'bus' (queue): mode 'truncate' is for the SQL stores; queue loads as 'create'",
            "4: mode 'append' is for the SQL stores; queue loads as 'create'");
    }

    /// <summary>A store kind that has no tables (a stand-in for a broker in this test).</summary>
    private sealed class NoSchemaProvider : DataGen.Stores.StoreProvider
    {
        public override string Kind => "queue";

        public override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

        public override DataGen.Outputs.IDataOutput CreateOutput(Datastore store, StoreLoadOptions options) => new DataGen.Outputs.MemoryOutput();
    }
}
