using System.Globalization;
using DataGen.Outputs;
using DataGen.Tests.Shared;
using Npgsql;

namespace DataGen.PostgreSql.Tests;

public sealed class PostgresOutputTests(PostgresServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Manifest Parse(string yaml) => Manifest.Parse(yaml, "test.yaml", new ManifestOptions { Environment = _ => null });

    private static async Task<T> Scalar<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync(Ct))!, typeof(T), CultureInfo.InvariantCulture);
    }

    private static async Task<GenerationSummary> Load(string connectionString, Manifest manifest, StoreLoadOptions? options = null, CancellationToken? cancellationToken = null)
    {
        await using var output = PostgresOutput.Create(connectionString, options);
        return await DataGenerator.GenerateAsync(manifest, output, cancellationToken: cancellationToken ?? Ct);
    }

    [Fact]
    public async Task Retail_sample_loads_with_typed_columns_keys_and_foreign_keys()
    {
        var db = await server.NewDatabaseAsync();
        var manifest = await Manifest.LoadAsync(Path.Combine(AppContext.BaseDirectory, "samples", "retail.yaml"), new ManifestOptions { Environment = _ => null }, Ct);
        var summary = await Load(db, manifest);

        foreach (var model in summary.Models)
        {
            (await Scalar<long>(db, $"SELECT COUNT(*) FROM {model.Model}")).Should().Be(model.Rows);
        }

        (await Scalar<long>(db, "SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id AND c.email = o.customer_email")).Should().Be(summary.Models.Single(m => m.Model == "orders").Rows);
        (await Scalar<string>(db, "SELECT format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = 'customers'::regclass AND attname = 'birth_date'")).Should().Be("date");
        (await Scalar<string>(db, "SELECT format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'items'")).Should().Be("jsonb");
        (await Scalar<long>(db, "SELECT COUNT(*) FROM orders WHERE jsonb_array_length(items) BETWEEN 1 AND 4")).Should().Be(summary.Models.Single(m => m.Model == "orders").Rows);
        (await Scalar<long>(db, "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'orders'::regclass")).Should().Be(1);
        (await Scalar<string>(db, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_customers_last_name_first_name'")).Should().Contain("(last_name, first_name)");
    }

    [Fact]
    public async Task Loading_the_same_manifest_twice_gives_identical_tables()
    {
        var a = await server.NewDatabaseAsync();
        var b = await server.NewDatabaseAsync();
        var manifest = Parse("models:\n  m:\n    count: 500\n    key: id\n    fields: { id: uuid, name: name.fullName, amount: { type: decimal, min: 0, max: 99 }, at: { type: datetime, min: -1y } }");
        await Load(a, manifest);
        await Load(b, manifest);

        const string digest = "SELECT md5(string_agg(m::text, ',' ORDER BY id)) FROM m";
        (await Scalar<string>(a, digest)).Should().Be(await Scalar<string>(b, digest));
    }

    [Fact]
    public async Task A_conflict_fails_and_drop_conflicting_recreates_only_named_tables()
    {
        var db = await server.NewDatabaseAsync();
        await Load(db, Parse("models:\n  people:\n    count: 5\n    fields: { id: uuid }\n  other:\n    count: 2\n    fields: { id: uuid }"));

        var act = () => Load(db, Parse("models:\n  people:\n    count: 3\n    fields: { id: uuid }"));
        (await act.Should().ThrowAsync<StoreConflictException>()).Which.Message.Should().Contain("'people' already exists and holds 5 row(s)");

        var warnings = new List<string>();
        await Load(db, Parse("models:\n  people:\n    count: 3\n    fields: { id: uuid }"), new StoreLoadOptions { DropConflicting = true, Warning = warnings.Add });
        (await Scalar<long>(db, "SELECT COUNT(*) FROM people")).Should().Be(3);
        (await Scalar<long>(db, "SELECT COUNT(*) FROM other")).Should().Be(2);
        warnings.Should().ContainSingle().Which.Should().Contain("dropped table 'people' (5 rows)");
    }

    [Fact]
    public async Task A_load_that_fails_half_way_rolls_back_the_run_and_its_tables()
    {
        var db = await server.NewDatabaseAsync();
        var act = () => Load(db, Parse("""
            models:
              people:
                count: 10
                fields: { id: uuid }
              broken:
                count: 6000
                fields:
                  n: { type: int, min: 1, max: 4999, unique: true }
            """));

        await act.Should().ThrowAsync<GenerationException>().WithMessage("model 'broken', field 'n'*");
        (await Scalar<bool>(db, "SELECT to_regclass('people') IS NULL")).Should().BeTrue("the models of a run commit together");
        (await Scalar<bool>(db, "SELECT to_regclass('broken') IS NULL")).Should().BeTrue();
    }

    [Fact]
    public async Task A_store_failure_names_what_was_rolled_back_and_leaves_the_database_as_it_was()
    {
        var db = await server.NewDatabaseAsync();
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync(Ct);
            await using var create = new NpgsqlCommand("CREATE TABLE customers (id bigint PRIMARY KEY); CREATE TABLE orders (id bigint PRIMARY KEY, total int NOT NULL CHECK (total < 0))", connection);
            await create.ExecuteNonQueryAsync(Ct);
        }

        var act = () => Load(db, Parse("models:\n  customers: { count: 5, fields: { id: sequence } }\n  orders: { count: 5, fields: { id: sequence, total: { type: int, min: 1, max: 9 } } }\n"));

        (await act.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("violates check constraint").And.EndWith("rolled back with the 1 model(s) loaded before it (customers): nothing was kept in this database");
        (await Scalar<long>(db, "SELECT COUNT(*) FROM customers")).Should().Be(0);
    }

    [Fact]
    public async Task Existing_tables_are_loaded_with_their_own_column_types()
    {
        var db = await server.NewDatabaseAsync();
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync(Ct);
            await using var create = new NpgsqlCommand("CREATE TABLE accounts (id integer PRIMARY KEY, owner varchar(200) NOT NULL, balance numeric(12,2), opened timestamp, created_at timestamptz DEFAULT now())", connection);
            await create.ExecuteNonQueryAsync(Ct);
        }

        await Load(db, Parse("""
            models:
              accounts:
                count: 50
                fields:
                  id: sequence
                  owner: name.fullName
                  balance: { type: decimal, min: 0, max: 5000 }
                  opened: { type: datetime, min: -5y }
            """));

        (await Scalar<long>(db, "SELECT COUNT(*) FROM accounts WHERE created_at IS NOT NULL")).Should().Be(50);
        (await Scalar<int>(db, "SELECT MAX(id) FROM accounts")).Should().Be(50);
    }

    [Fact]
    public async Task Serial_and_identity_keys_move_past_the_loaded_ones_so_the_next_insert_succeeds()
    {
        var db = await server.NewDatabaseAsync();
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync(Ct);
            await using var create = new NpgsqlCommand(
                """
                CREATE TABLE actor (actor_id serial PRIMARY KEY, name text NOT NULL);
                CREATE TABLE film (film_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL);
                CREATE TABLE note (note_id bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 1000) PRIMARY KEY, body text);
                """,
                connection);
            await create.ExecuteNonQueryAsync(Ct);
        }

        await Load(db, Parse("""
            models:
              actor: { count: 40, fields: { actor_id: { type: sequence, start: 1 }, name: name.fullName } }
              film: { count: 25, fields: { film_id: { type: sequence, start: 500 }, title: lorem.word } }
              note: { count: 3, fields: { body: lorem.word } }
            """));

        // What an application does next: insert without a key.
        (await Scalar<int>(db, "INSERT INTO actor (name) VALUES ('new') RETURNING actor_id")).Should().Be(41);
        (await Scalar<long>(db, "INSERT INTO film (title) VALUES ('new') RETURNING film_id")).Should().Be(525);
        (await Scalar<long>(db, "SELECT last_value FROM actor_actor_id_seq")).Should().Be(41);
        // A model that does not load the key column leaves its identity to the database.
        (await Scalar<long>(db, "SELECT min(note_id) FROM note")).Should().Be(1000);
        (await Scalar<long>(db, "INSERT INTO note (body) VALUES ('new') RETURNING note_id")).Should().Be(1003);
    }

    [Fact]
    public async Task Of_two_concurrent_loads_into_one_empty_table_exactly_one_succeeds()
    {
        var db = await server.NewDatabaseAsync();
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync(Ct);
            await using var create = new NpgsqlCommand("CREATE TABLE people (id uuid PRIMARY KEY, name text)", connection);
            await create.ExecuteNonQueryAsync(Ct);
        }

        Task<GenerationSummary> Run(int seed) => Load(db, Parse($"seed: {seed}\nmodels:\n  people:\n    count: 50000\n    fields: {{ id: uuid, name: name.fullName }}"));
        var runs = new[] { Run(1), Run(2) };
        await Task.WhenAll(runs.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));

        runs.Count(r => r.IsCompletedSuccessfully).Should().Be(1);
        var failure = runs.Single(r => r.IsFaulted).Exception!.InnerException;
        failure.Should().BeOfType<StoreConflictException>().Which.Message.Should().Contain("'people' already exists and holds 50000 row(s)");
        (await Scalar<long>(db, "SELECT COUNT(*) FROM people")).Should().Be(50000);
    }

    [Fact]
    public async Task A_missing_column_in_an_existing_table_is_named()
    {
        var db = await server.NewDatabaseAsync();
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync(Ct);
            await using var create = new NpgsqlCommand("CREATE TABLE t (id uuid)", connection);
            await create.ExecuteNonQueryAsync(Ct);
        }

        var act = () => Load(db, Parse("models:\n  t:\n    count: 1\n    fields: { id: uuid, name: name.firstName }"));
        await act.Should().ThrowAsync<GenerationException>().WithMessage("*table 't' has no column(s) name*");
    }

    [Fact(Timeout = 120_000)]
    public async Task Wrong_credentials_fail_without_revealing_the_password()
    {
        var db = await server.NewDatabaseAsync();
        var wrong = new NpgsqlConnectionStringBuilder(db) { Password = "definitely-wrong-pw" }.ConnectionString;

        var act = () => Load(wrong, Parse("models:\n  m:\n    count: 1\n    fields: { id: uuid }"), cancellationToken: TestContext.Current.CancellationToken);
        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;

        error.Message.Should().Contain("cannot connect to").And.Contain("28P01").And.NotContain("definitely-wrong-pw");
    }
}

public sealed class PostgresOfflineTests
{
    [Fact(Timeout = 120_000)]
    public async Task An_unreachable_server_fails_naming_host_and_port_only()
    {
        // Port 1 on loopback: nothing listens, the connection is refused at once (with bounded retries).
        await using var output = PostgresOutput.Create("Host=127.0.0.1;Port=1;Database=shop;Username=u;Password=hunter2");
        var act = () => DataGen.DataGenerator.GenerateAsync(Manifest.Parse("models:\n  m:\n    count: 1\n    fields: { id: uuid }"), output, cancellationToken: TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Message.Should().StartWith("postgres 'postgres': cannot connect to 127.0.0.1:1/shop").And.NotContain("hunter2");
    }

    [Fact]
    public void Ddl_quotes_identifiers_and_maps_types()
    {
        var model = new ModelDescriptor("orders", "id", [new("id", ValueKind.Integer, false), new("customer_id", ValueKind.Uuid, false), new("items", ValueKind.Array, true), new("a\"b", ValueKind.Decimal, true)], 0)
        {
            Store = "main",
            References = [new ReferenceDescriptor("customer_id", "customers", "id", "customers", "main")],
        };

        PostgresDialect.Instance.CreateTable(model).Should().Be(
            "CREATE TABLE \"orders\" (\"id\" bigint PRIMARY KEY, \"customer_id\" uuid NOT NULL, \"items\" jsonb, \"a\"\"b\" numeric, FOREIGN KEY (\"customer_id\") REFERENCES \"customers\" (\"id\"))");
        PostgresDialect.Copy(model).Should().Be("COPY \"orders\" (\"id\", \"customer_id\", \"items\", \"a\"\"b\") FROM STDIN (FORMAT BINARY)");
    }

    [Fact]
    public void Values_convert_to_the_column_types()
    {
        PostgresDialect.ConverterFor("integer")(5L).Should().Be(5);
        PostgresDialect.ConverterFor("jsonb")(new object?[] { 1L, "a" }).Should().Be("[1,\"a\"]");
        PostgresDialect.ConverterFor("text")(new DateOnly(2024, 2, 29)).Should().Be("2024-02-29");
        PostgresDialect.ConverterFor("timestamp without time zone")(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc)).Should().Match<DateTime>(d => d.Kind == DateTimeKind.Unspecified);
    }

    [Fact]
    public void An_invalid_connection_string_is_reported_without_echoing_it()
    {
        var act = () => PostgresOutput.Create("Host=x;Pasword=secret-value");
        act.Should().Throw<ArgumentException>().Which.Message.Should().NotContain("secret-value");
    }
}
