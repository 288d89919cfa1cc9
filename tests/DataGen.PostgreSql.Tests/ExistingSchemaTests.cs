using System.Globalization;
using DataGen.Outputs;
using DataGen.Schemas;
using DataGen.Stores;
using DataGen.Tests.Shared;
using Npgsql;

namespace DataGen.PostgreSql.Tests;

/// <summary>
/// A schema the application owns (Schemas/rental.sql: 16 tables, enum, domain, arrays, a partitioned table, triggers,
/// composite keys, a hierarchy, a foreign-key cycle, identity and serial keys, checks, views): described, scaffolded,
/// filled with no edits, reproducibly, and left ready for the application's own inserts.
/// </summary>
public sealed class ExistingSchemaTests(PostgresServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly StoreCatalog Stores = StoreCatalog.FilesOnly.With(PostgresStoreProvider.Instance);

    private async Task<string> RentalDatabaseAsync()
    {
        var db = await server.NewDatabaseAsync();
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Schemas", "rental.sql"), Ct), connection);
        await command.ExecuteNonQueryAsync(Ct);
        return db;
    }

    private static Task<DatabaseSchema> DescribeAsync(string db, SchemaFilter? filter = null) =>
        PostgresStoreProvider.Instance.ReadSchemaAsync(new Datastore("db", "postgres", new Dictionary<string, string> { ["connection"] = db }), filter, Ct);

    private static async Task<T> Scalar<T>(string db, string sql)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync(Ct))!, typeof(T), CultureInfo.InvariantCulture);
    }

    private static async Task LoadAsync(string db, string yaml)
    {
        var manifest = Manifest.Parse(yaml, "rental.yaml", new ManifestOptions { Variables = new Dictionary<string, string> { ["connection"] = db }, Environment = _ => null, Stores = Stores });
        await using var output = Stores.CreateOutput(manifest, new StoreLoadOptions(), null);
        await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
    }

    [Fact]
    public async Task The_catalog_is_described_with_keys_types_checks_and_relations()
    {
        var db = await RentalDatabaseAsync();

        var schema = await DescribeAsync(db);

        schema.Tables.Select(t => t.QualifiedName).Should().HaveCount(16).And.Contain(["public.film", "sales.payment", "sales.loyalty_tier"])
            .And.NotContain(["sales.payment_2020s", "sales.customer_list", "public.film_list"], "partitions and views are not tables to fill");
        var film = schema.Find("film")!;
        film.Column("rating")!.AllowedValues.Should().Equal("G", "PG", "PG-13", "R", "NC-17");
        film.Column("release_year")!.Kind.Should().Be(ValueKind.Integer, "a domain is described by its base type");
        film.Checks.Should().Contain(c => c.Contains("release_year", StringComparison.Ordinal) && c.Contains("1901", StringComparison.Ordinal), "the domain's check moves to the column");
        film.Column("special_features")!.ElementKind.Should().Be(ValueKind.String);
        film.Column("fulltext")!.Computed.Should().BeTrue();
        film.Column("film_id")!.Identity.Should().BeTrue("serial");
        schema.Find("country")!.Column("country_id")!.Identity.Should().BeTrue("identity");
        schema.Find("sales.payment")!.Partitioned.Should().BeTrue();
        schema.Find("sales.payment")!.PrimaryKey.Should().Equal("payment_id", "payment_date");
        schema.Find("film_actor")!.PrimaryKey.Should().Equal("actor_id", "film_id");
        schema.Find("category")!.ForeignKeys.Should().ContainSingle(fk => fk.ReferencedTable == "public.category" && fk.Columns[0] == "parent_id");
        schema.Find("sales.store")!.ForeignKeys.Should().Contain(fk => fk.ReferencedTable == "sales.staff");
        schema.Find("sales.staff")!.ForeignKeys.Should().Contain(fk => fk.ReferencedTable == "sales.store");
        schema.Find("sales.staff")!.UniqueKeys.Should().ContainSingle(k => k.Count == 1 && k[0] == "email");
        schema.Find("address")!.Column("postal_code")!.MaxLength.Should().Be(10);
        schema.Find("film")!.Column("rental_rate")!.Scale.Should().Be(2);
        (await DescribeAsync(db, new SchemaFilter { Schema = "sales" })).Tables.Should().OnlyContain(t => t.Schema == "sales");
        (await DescribeAsync(db, new SchemaFilter { Tables = ["film", "sales.rental"] })).Tables.Select(t => t.Name).Should().BeEquivalentTo(["film", "rental"]);
    }

    [Fact]
    public async Task A_scaffolded_manifest_fills_every_table_with_no_edits_reproducibly_and_leaves_keys_to_the_application()
    {
        var first = await RentalDatabaseAsync();
        var second = await RentalDatabaseAsync();
        var schema = await DescribeAsync(first);
        var yaml = ManifestScaffold.Write(schema, new ScaffoldOptions { Kind = "postgres", Rows = 300 });

        await LoadAsync(first, yaml);
        await LoadAsync(second, yaml);

        foreach (var table in schema.Tables)
        {
            var name = $"{table.Schema}.{table.Name}";
            (await Scalar<long>(first, $"SELECT count(*) FROM {name}")).Should().BePositive($"{name} is filled");
            var digest = $"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {name} t";
            (await Scalar<string>(first, digest)).Should().Be(await Scalar<string>(second, digest), $"{name} holds the same rows for the same seed");
        }

        // Constraints the database enforced on the way in are complemented by the ones it cannot see.
        (await Scalar<long>(first, "SELECT count(*) FROM sales.rental WHERE return_date < rental_date")).Should().Be(0);
        (await Scalar<long>(first, "SELECT count(*) FROM category WHERE parent_id >= category_id")).Should().Be(0, "parents come before children");
        (await Scalar<long>(first, "SELECT count(*) FROM category WHERE parent_id IS NULL")).Should().BePositive();
        yaml.Should().Contain("manager_staff_id: { type: ref, ref: staff.staff_id, deferred: true");
        (await Scalar<long>(first, "SELECT count(*) FROM sales.store WHERE manager_staff_id IS NOT NULL")).Should().BePositive("the store ↔ staff cycle is filled: stores go in without a manager, then get one by an update");
        (await Scalar<long>(first, "SELECT count(*) FROM sales.store s LEFT JOIN sales.staff m ON m.staff_id = s.manager_staff_id WHERE s.manager_staff_id IS NOT NULL AND m.staff_id IS NULL")).Should().Be(0);

        // Every sequence owned by a loaded column is past the loaded keys, so the application's inserts succeed.
        foreach (var table in schema.Tables)
        {
            foreach (var column in table.Columns.Where(c => c.Identity))
            {
                var sequence = $"pg_get_serial_sequence('{table.Schema}.{table.Name}', '{column.Name}')";
                (await Scalar<long>(first, $"SELECT nextval({sequence}) - (SELECT max({column.Name}) FROM {table.Schema}.{table.Name})")).Should().BePositive($"{table.Name}.{column.Name}'s sequence is past the loaded keys");
            }
        }

        (await Scalar<long>(first, "INSERT INTO actor (first_name, last_name) VALUES ('New', 'Actor') RETURNING actor_id")).Should().BePositive();
        (await Scalar<long>(first, "INSERT INTO sales.rental (rental_date, inventory_id, customer_id, staff_id) VALUES (now(), 1, 1, 1) RETURNING rental_id")).Should().BePositive();
        (await Scalar<long>(first, "INSERT INTO sales.payment (customer_id, staff_id, amount, method, payment_date) VALUES (1, 1, 1, 'card', now()) RETURNING payment_id")).Should().BePositive();
    }

    [Fact]
    public async Task Mode_truncate_empties_and_refills_the_schema_keeping_its_definition()
    {
        var db = await RentalDatabaseAsync();
        var yaml = ManifestScaffold.Write(await DescribeAsync(db), new ScaffoldOptions { Kind = "postgres", Rows = 50 });
        await LoadAsync(db, yaml);
        const string digest = "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM sales.rental t";
        var first = await Scalar<string>(db, digest);
        await Scalar<long>(db, "INSERT INTO actor (first_name, last_name) VALUES ('Kept', 'Until') RETURNING actor_id");

        var again = () => LoadAsync(db, yaml);
        await again.Should().ThrowAsync<StoreConflictException>("by default a table holding rows is a conflict");
        await LoadAsync(db, yaml.Replace("    kind: postgres\n", "    kind: postgres\n    mode: truncate\n", StringComparison.Ordinal));

        (await Scalar<string>(db, digest)).Should().Be(first, "the same seed refills the same rows");
        (await Scalar<long>(db, "SELECT count(*) FROM actor WHERE first_name = 'Kept'")).Should().Be(0);
        (await Scalar<long>(db, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'sales.payment'::regclass")).Should().Be(2, "partitions are kept");
        (await Scalar<long>(db, "SELECT count(*) FROM pg_trigger WHERE tgname = 'film_last_update'")).Should().Be(1, "triggers are kept");
        (await Scalar<long>(db, "INSERT INTO actor (first_name, last_name) VALUES ('Next', 'Actor') RETURNING actor_id")).Should().BeGreaterThan(50);
    }

    [Fact]
    public async Task Truncating_a_table_others_outside_the_run_reference_is_refused_naming_them()
    {
        var db = await RentalDatabaseAsync();
        await LoadAsync(db, ManifestScaffold.Write(await DescribeAsync(db), new ScaffoldOptions { Kind = "postgres", Rows = 20 }));
        var films = await Scalar<long>(db, "SELECT count(*) FROM film");
        var yaml = ManifestScaffold.Write(await DescribeAsync(db, new SchemaFilter { Tables = ["language"] }), new ScaffoldOptions { Kind = "postgres" })
            .Replace("    kind: postgres\n", "    kind: postgres\n    mode: truncate\n", StringComparison.Ordinal);

        var act = () => LoadAsync(db, yaml);

        (await act.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain($"would empty table 'public.language', which film ({films} row(s))").And.Contain("nothing was changed");
        (await Scalar<long>(db, "SELECT count(*) FROM film")).Should().Be(films);
    }

    [Fact]
    public async Task Validating_against_the_live_schema_reports_every_mistake_located()
    {
        var db = await RentalDatabaseAsync();
        var manifest = Manifest.Parse(
            """
            variables: { connection: null }
            datastores:
              db: { kind: postgres, connection: "{{connection}}" }
            models:
              actors: { store: db, count: 5, fields: { actor_id: sequence } }
              actor:
                store: db
                count: 5
                fields: { actor_id: sequence, frist_name: name.firstName, last_name: name.lastName }
              store: { store: db, table: sales.store, count: 5, fields: { store_id: sequence, opened: date } }
              film:
                store: db
                count: 5
                fields:
                  film_id: sequence
                  title: lorem.word
                  language_id: { type: constant, value: 1 }
                  rating: { type: choice, values: [G, X] }
                  release_year: date
                  fulltext: lorem.word
              city:
                store: db
                count: 5
                fields: { city_id: { type: int, min: 1, max: 100000, unique: true }, country_id: { type: constant, value: 1 }, city: { type: constant, value: "a city name far longer than the fifty characters the column holds" } }
              scratch: { store: db, mode: create, count: 5, fields: { id: sequence } }
              address: { store: db, count: 5, key: address_id, fields: { address_id: sequence, address: { type: constant, value: a }, district: { type: constant, value: d }, phone: { type: constant, value: "1" }, city_id: { type: ref, ref: city.city_id, deferred: true } } }
            """,
            "shop.yaml",
            new ManifestOptions { Variables = new Dictionary<string, string> { ["connection"] = db }, Environment = _ => null, Stores = Stores });

        var act = () => manifest.ValidateAgainstAsync(Stores, Ct);

        var errors = (await act.Should().ThrowAsync<ManifestException>()).Which.Errors;
        errors.Select(e => $"{e.Line}: {e.Message}").Should().BeEquivalentTo(
        [
            "5: table 'actors' does not exist in postgres 'db' (did you mean 'actor'?); to have DataGen create it, say so: mode: create",
            "9: table 'public.actor' has no column 'frist_name' (did you mean 'first_name'?); its columns: actor_id, first_name, last_name, last_update",
            "9: table 'public.actor' has NOT NULL column(s) without a default that the model does not fill: first_name; add a field for each",
            "10: table 'sales.store' has NOT NULL column(s) without a default that the model does not fill: address_id; add a field for each",
            "18: column 'rating' allows only G, NC-17, PG, PG-13, R; the field can produce X",
            "19: column 'release_year' is release_year, but the field's values are date",
            "20: column 'fulltext' of 'public.film' is computed by the database and cannot be written; remove the field",
            "24: column 'city' holds at most 50 characters (character varying(50)); the field can produce 65 (add maxLength: 50)",
            "26: column 'city_id' is NOT NULL, but this deferred ref goes in NULL and is set by an update after every model is written (the referenced key is not a sequence or uuid with a count known ahead, so its values cannot be written with the row); give the referenced model such a key, or cut the cycle at a nullable column",
        ]);
        errors.Should().OnlyContain(e => e.File == "shop.yaml" && e.Column > 0);
    }

    [Fact]
    public async Task A_partial_manifest_naming_three_fields_fills_the_whole_schema()
    {
        var db = await RentalDatabaseAsync();
        var yaml = """
            variables: { connection: null }
            datastores:
              db: { kind: postgres, connection: "{{connection}}", infer: true }
            models:
              customers:
                store: db
                table: sales.customer
                count: 40
                fields:
                  email: { type: template, template: "{{first_name}}@corp.test", lowercase: true }
                  status: { type: constant, value: active }
              film:
                store: db
                fields:
                  title: { type: constant, value: "The Same Film" }
            """;
        var options = new ManifestOptions { Variables = new Dictionary<string, string> { ["connection"] = db }, Environment = _ => null, Stores = Stores };

        var manifest = await Manifest.ParseAsync(yaml, "partial.yaml", options, Ct);
        await using (var output = Stores.CreateOutput(manifest, new StoreLoadOptions(), null))
        {
            await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
        }

        manifest.Models.Should().HaveCount(16).And.Contain(["customers", "film", "rental", "film_actor"]);
        foreach (var table in (await DescribeAsync(db)).Tables)
        {
            (await Scalar<long>(db, $"SELECT count(*) FROM {table.Schema}.{table.Name}")).Should().BePositive($"{table.Name} is filled");
        }

        (await Scalar<long>(db, "SELECT count(*) FROM sales.customer")).Should().Be(40);
        (await Scalar<long>(db, "SELECT count(*) FROM sales.customer WHERE email = lower(first_name) || '@corp.test' AND status = 'active'")).Should().Be(40, "the manifest's own fields win and may use inferred ones");
        (await Scalar<long>(db, "SELECT count(DISTINCT customer_id) FROM sales.rental")).Should().BeLessThanOrEqualTo(40, "inferred models reference the manifest's own model");
        (await Scalar<long>(db, "SELECT count(*) FROM film WHERE title <> 'The Same Film'")).Should().Be(0);
        var sync = () => Manifest.Parse(yaml, "partial.yaml", options);
        sync.Should().Throw<ManifestException>().Which.Errors.Single().Message.Should().Contain("use Manifest.LoadAsync or Manifest.ParseAsync");
    }

    [Fact]
    public async Task An_unreachable_server_is_named_without_the_password()
    {
        var act = () => DescribeAsync("Host=127.0.0.1;Port=1;Username=u;Password=hunter2;Timeout=1");

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Message.Should().Contain("cannot connect to 127.0.0.1:1").And.NotContain("hunter2");
    }
}
