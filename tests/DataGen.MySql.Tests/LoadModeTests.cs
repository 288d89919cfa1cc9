using System.Globalization;
using System.Text.RegularExpressions;
using DataGen.Outputs;
using DataGen.Stores;
using MySqlConnector;

namespace DataGen.MySql.Tests;

/// <summary>
/// Load modes on MariaDB/MySQL tables the application owns (issue 25): replace keeps each definition (SHOW CREATE TABLE
/// and VIEW identical), truncate empties a NOT NULL foreign-key cycle and reloads it, append continues keys, unique values
/// and refs over three runs, and a second load is refused naming every table with its rows.
/// </summary>
public sealed partial class LoadModeTests(MySqlServer server)
{
    private const string Schema = """
        CREATE TABLE customer (id int AUTO_INCREMENT PRIMARY KEY, email varchar(120) NOT NULL UNIQUE, tier ENUM('a','b') NOT NULL DEFAULT 'a',
            joined timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP) COMMENT = 'the application''s customers';
        CREATE TABLE orders (id bigint AUTO_INCREMENT PRIMARY KEY, customer_id int NOT NULL, total decimal(10,2) NOT NULL, placed date NOT NULL,
            CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customer (id), INDEX ix_placed (placed));
        CREATE VIEW customer_orders AS SELECT c.email, COUNT(o.id) AS orders FROM customer c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.email;
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly StoreCatalog Stores = StoreCatalog.FilesOnly.With(MySqlStoreProvider.Instance);

    private static string Manifest(string mode, int customers = 20, int orders = 50) => $$$"""
        seed: 7
        variables: { connection: null }
        datastores:
          db: { kind: mysql, connection: "{{connection}}", mode: {{{mode}}} }
        models:
          customer:
            store: db
            count: {{{customers}}}
            key: id
            fields:
              id: sequence
              email: { type: internet.email, unique: true }
          orders:
            store: db
            count: {{{orders}}}
            key: id
            fields:
              id: sequence
              customer_id: { type: ref, ref: customer.id, existing: true }
              total: { type: decimal, min: 1, max: 500 }
              placed: date
        """;

    private async Task<string> DatabaseAsync(string sql)
    {
        var db = await server.NewDatabaseAsync();
        await ExecuteAsync(db, sql);
        return db;
    }

    private static async Task ExecuteAsync(string db, string sql)
    {
        await using var connection = new MySqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<List<string>> Rows(string db, string sql)
    {
        var rows = new List<string>();
        await using var connection = new MySqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    private static async Task<long> Scalar(string db, string sql) => long.Parse((await Rows(db, sql)).Single(), CultureInfo.InvariantCulture);

    private static async Task LoadAsync(string db, string yaml, StoreLoadOptions? options = null)
    {
        var manifest = DataGen.Manifest.Parse(yaml, "modes.yaml", new ManifestOptions { Variables = new Dictionary<string, string> { ["connection"] = db }, Environment = _ => null, Stores = Stores });
        await using var output = Stores.CreateOutput(manifest, options ?? new StoreLoadOptions(), null);
        await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
    }

    /// <summary>SHOW CREATE of the tables and the view, less the AUTO_INCREMENT counter (the table's state, not its definition).</summary>
    private static async Task<string> DefinitionAsync(string db)
    {
        var parts = new List<string>();
        foreach (var statement in new[] { "SHOW CREATE TABLE customer", "SHOW CREATE TABLE orders", "SHOW CREATE VIEW customer_orders" })
        {
            await using var connection = new MySqlConnection(db);
            await connection.OpenAsync(Ct);
            await using var command = new MySqlCommand(statement, connection);
            await using var reader = await command.ExecuteReaderAsync(Ct);
            await reader.ReadAsync(Ct);
            parts.Add(AutoIncrement().Replace(reader.GetString(1), string.Empty));
        }

        return string.Join("\n", parts);
    }

    [GeneratedRegex(@" AUTO_INCREMENT=\d+")]
    private static partial Regex AutoIncrement();

    [Fact]
    public async Task Replace_and_drop_conflicting_keep_a_referenced_tables_definition_and_its_view()
    {
        var db = await DatabaseAsync(Schema);
        await LoadAsync(db, Manifest("create"));
        var before = await DefinitionAsync(db);
        before.Should().Contain("ON UPDATE current_timestamp()").And.Contain("COMMENT='the application''s customers'");

        await LoadAsync(db, Manifest("replace", customers: 30, orders: 40));

        (await DefinitionAsync(db)).Should().Be(before);
        (await Scalar(db, "SELECT COUNT(*) FROM customer")).Should().Be(30);
        (await Scalar(db, "SELECT SUM(orders) FROM customer_orders")).Should().Be(40, "the view still reads the tables");
        await ExecuteAsync(db, "INSERT INTO customer (email) VALUES ('next@example.com')");
        (await Scalar(db, "SELECT id FROM customer WHERE email = 'next@example.com'")).Should().Be(31);

        await LoadAsync(db, Manifest("create", customers: 5, orders: 5), new StoreLoadOptions { DropConflicting = true });
        (await DefinitionAsync(db)).Should().Be(before, "--drop-conflicting keeps an application's table too");
        (await Scalar(db, "SELECT COUNT(*) FROM orders")).Should().Be(5);
    }

    [Fact]
    public async Task A_second_load_is_refused_naming_every_table_and_a_table_outside_the_run_blocks_emptying()
    {
        var db = await DatabaseAsync(Schema);
        await LoadAsync(db, Manifest("create"));

        var again = () => LoadAsync(db, Manifest("create"));
        var only = () => LoadAsync(db, Manifest("truncate").Split("\n  orders:")[0]);

        (await again.Should().ThrowAsync<StoreConflictException>()).Which.Conflicts.Should().BeEquivalentTo(new Dictionary<string, long> { ["customer"] = 20, ["orders"] = 50 });
        (await only.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("mode 'truncate' would empty table 'customer', which orders (50 row(s)) references").And.Contain("nothing was changed");
        (await Scalar(db, "SELECT COUNT(*) FROM customer")).Should().Be(20);
    }

    [Fact]
    public async Task Truncate_empties_and_reloads_a_not_null_foreign_key_cycle()
    {
        var db = await DatabaseAsync("""
            CREATE TABLE store (id int PRIMARY KEY, manager_id int NOT NULL);
            CREATE TABLE staff (id int PRIMARY KEY, store_id int NOT NULL, CONSTRAINT fk_staff_store FOREIGN KEY (store_id) REFERENCES store (id));
            ALTER TABLE store ADD CONSTRAINT fk_store_manager FOREIGN KEY (manager_id) REFERENCES staff (id);
            """);
        var yaml = """
            seed: 3
            variables: { connection: null }
            datastores:
              db: { kind: mysql, connection: "{{connection}}", mode: MODE }
            models:
              store: { store: db, count: 3, key: id, fields: { id: sequence, manager_id: { type: ref, ref: staff.id, deferred: true } } }
              staff: { store: db, count: 8, key: id, fields: { id: sequence, store_id: { type: ref, ref: store.id } } }
            """;
        await LoadAsync(db, yaml.Replace("MODE", "create", StringComparison.Ordinal));
        var first = await Rows(db, "SELECT * FROM staff ORDER BY id");

        await LoadAsync(db, yaml.Replace("MODE", "truncate", StringComparison.Ordinal));

        (await Rows(db, "SELECT * FROM staff ORDER BY id")).Should().Equal(first, "emptied together and refilled with the same rows");
        (await Scalar(db, "SELECT COUNT(*) FROM store s LEFT JOIN staff m ON m.id = s.manager_id WHERE m.id IS NULL")).Should().Be(0);
        (await Scalar(db, "SELECT @@FOREIGN_KEY_CHECKS")).Should().Be(1);
    }

    [Fact]
    public async Task Replace_of_DataGen_s_own_table_that_fails_mid_load_keeps_its_earlier_content()
    {
        // made and made_line (referencing it): DataGen's tables (made by the first run, so replace makes them again); strict: the application's, whose CHECK
        // the second model breaks after made has been loaded. DDL commits by itself on MariaDB: made is renamed aside, not dropped.
        var db = await DatabaseAsync("CREATE TABLE strict (id int PRIMARY KEY, code varchar(8) NOT NULL, CONSTRAINT no_bad CHECK (code <> 'bad'));");
        var yaml = """
            seed: 5
            variables: { connection: null }
            datastores:
              db: { kind: mysql, connection: "{{connection}}", mode: MODE }
            models:
              made: { store: db, count: COUNT, key: id, fields: { id: sequence, name: { type: choice, values: [ann, bob, cy] } } }
              made_line: { store: db, count: 4, key: id, fields: { id: sequence, made_id: { type: ref, ref: made.id } } }
              strict: { store: db, count: 3, key: id, fields: { id: sequence, code: { type: choice, values: [CODE] } } }
            """;
        string Run(string mode, int count, string code) => yaml.Replace("MODE", mode, StringComparison.Ordinal).Replace("COUNT", count.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("CODE", code, StringComparison.Ordinal);
        await LoadAsync(db, Run("create", 5, "ok"));
        var before = await Rows(db, "SELECT * FROM made ORDER BY id");
        var lines = await Rows(db, "SELECT * FROM made_line ORDER BY id");

        var failing = () => LoadAsync(db, Run("replace", 9, "bad"));

        (await failing.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("strict").And.Contain("nothing was kept");
        (await Rows(db, "SELECT * FROM made ORDER BY id")).Should().Equal(before, "the failed run gave DataGen's table its earlier content back");
        (await Rows(db, "SELECT * FROM made_line ORDER BY id")).Should().Equal(lines, "and the table referencing it, with its foreign key");
        (await Scalar(db, "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'made_line' AND REFERENCED_TABLE_NAME = 'made'")).Should().Be(1);
        (await Scalar(db, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'datagen\\_aside%'")).Should().Be(0);
        (await Scalar(db, "SELECT COUNT(*) FROM strict")).Should().Be(3, "the application's table keeps its rows too");

        var warnings = new List<string>();
        await LoadAsync(db, Run("replace", 9, "fine"), new StoreLoadOptions { Warning = warnings.Add });
        (await Scalar(db, "SELECT COUNT(*) FROM made")).Should().Be(9);
        (await Scalar(db, "SELECT COUNT(*) FROM made_line l JOIN made m ON m.id = l.made_id")).Should().Be(4, "the tables made again reference each other");
        warnings.Should().Contain(w => w.Contains("dropped table 'made' as it was", StringComparison.Ordinal));
        (await Scalar(db, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'datagen\\_aside%'")).Should().Be(0, "the copy set aside is dropped once the run commits");
    }

    [Theory]
    [InlineData("chinook")]
    [InlineData("sakila-mysql")]
    public async Task A_public_schema_goes_through_create_refusal_truncate_replace_and_append(string name)
    {
        var db = await server.NewDatabaseAsync();
        await using (var connection = new MySqlConnection(new MySqlConnectionStringBuilder(db) { AllowUserVariables = true }.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            foreach (var statement in DataGen.Tests.Shared.CorpusRun.Statements(DataGen.Tests.Shared.CorpusRun.Script(name, "mysql"), connection.Database))
            {
                await using var command = new MySqlCommand(statement, connection);
                await command.ExecuteNonQueryAsync(Ct);
            }
        }

        await DataGen.Tests.Shared.CorpusModes.RunAsync(MySqlStoreProvider.Instance, db, c => new MySqlConnection(c), MySqlDialect.Instance.QuoteTable, () => SchemaTextAsync(db), Ct);
    }

    /// <summary>SHOW CREATE of every table, view and trigger of the database, less the AUTO_INCREMENT counters.</summary>
    private static async Task<string> SchemaTextAsync(string db)
    {
        var parts = new List<string>();
        var objects = await Rows(db, """
            SELECT CONCAT(IF(TABLE_TYPE = 'VIEW', 'VIEW', 'TABLE'), ' `', TABLE_NAME, '`') FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()
            UNION ALL SELECT CONCAT('TRIGGER `', TRIGGER_NAME, '`') FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()
            ORDER BY 1
            """);
        foreach (var item in objects)
        {
            await using var connection = new MySqlConnection(db);
            await connection.OpenAsync(Ct);
            await using var command = new MySqlCommand($"SHOW CREATE {item}", connection);
            await using var reader = await command.ExecuteReaderAsync(Ct);
            await reader.ReadAsync(Ct);
            parts.Add(AutoIncrement().Replace(reader.GetString(item.StartsWith("TRIGGER", StringComparison.Ordinal) ? 2 : 1), string.Empty));
        }

        return string.Join("\n", parts);
    }

    [Fact]
    public async Task Append_three_days_continues_keys_reaches_earlier_rows_and_repeats_no_unique_value_or_pair()
    {
        var db = await DataGen.Tests.Shared.DailyAppend.RunAsync(MySqlStoreProvider.Instance, () => DatabaseAsync(DailySchema), c => new MySqlConnection(c), Ct);

        await ExecuteAsync(db, "INSERT INTO customer (email) VALUES ('walk-in@example.com')");
        (await Scalar(db, "SELECT MAX(id) FROM customer")).Should().Be(17, "the application's next insert continues after the appended keys");
    }

    /// <summary>The tables of the shared daily scenario: AUTO_INCREMENT keys, a join table keyed by two refs.</summary>
    private const string DailySchema = """
        CREATE TABLE customer (id int AUTO_INCREMENT PRIMARY KEY, email varchar(120) NOT NULL UNIQUE,
            joined timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP);
        CREATE TABLE tag (id int AUTO_INCREMENT PRIMARY KEY, name varchar(20) NOT NULL);
        CREATE TABLE orders (id bigint AUTO_INCREMENT PRIMARY KEY, customer_id int NOT NULL, customer_email varchar(120) NOT NULL, total decimal(10,2) NOT NULL, placed date NOT NULL,
            CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customer (id));
        CREATE TABLE customer_tag (customer_id int NOT NULL, tag_id int NOT NULL, PRIMARY KEY (customer_id, tag_id),
            CONSTRAINT fk_tagged FOREIGN KEY (customer_id) REFERENCES customer (id), CONSTRAINT fk_tag FOREIGN KEY (tag_id) REFERENCES tag (id));
        """;
}
