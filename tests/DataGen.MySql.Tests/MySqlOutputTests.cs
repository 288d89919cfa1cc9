using DataGen.Outputs;
using DataGen.Schemas;
using MySqlConnector;

namespace DataGen.MySql.Tests;

public sealed class MySqlOfflineTests
{
    [Fact]
    public void Ddl_quotes_identifiers_maps_types_and_bounds_key_columns()
    {
        var model = new ModelDescriptor("orders", "sku", [new("sku", ValueKind.String, false), new("customer_id", ValueKind.Uuid, false), new("items", ValueKind.Array, true), new("a`b", ValueKind.Decimal, true), new("at", ValueKind.DateTime, false)], 0)
        {
            Store = "db",
            References = [new ReferenceDescriptor("customer_id", "customers", "id", "customers", "db")],
        };

        MySqlDialect.Instance.CreateTable(model).Should().Be(
            "CREATE TABLE `orders` (`sku` varchar(255) NOT NULL PRIMARY KEY, `customer_id` char(36) NOT NULL, `items` json NULL, `a``b` decimal(38, 12) NULL, `at` datetime(6) NOT NULL, FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`)) COMMENT = 'Created by DataGen from model ''orders''; a run with mode replace or --drop-conflicting may drop and recreate it'");
    }

    [Fact]
    public void Batches_become_tables_with_dates_uuids_booleans_and_json()
    {
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var model = new ModelDescriptor("m", null, [new("d", ValueKind.Date, false), new("tags", ValueKind.Array, false), new("id", ValueKind.Uuid, false), new("raw", ValueKind.Uuid, false), new("ok", ValueKind.Boolean, false), new("n", ValueKind.Integer, true)], 1);

        using var table = MySqlDialect.NewTable(model, new Dictionary<string, string> { ["raw"] = "binary" });
        MySqlDialect.Fill(table, model, [[new DateOnly(2024, 2, 29), new object?[] { "a", 1L }, id, id, true, null]]);

        table.Rows[0]["d"].Should().Be(new DateTime(2024, 2, 29));
        table.Rows[0]["tags"].Should().Be("[\"a\",1]");
        table.Rows[0]["id"].Should().Be("0f8fad5b-d9cb-469f-a165-70867728950e");
        table.Rows[0]["raw"].Should().BeEquivalentTo(id.ToByteArray(bigEndian: true));
        table.Rows[0]["ok"].Should().Be(1);
        table.Rows[0]["n"].Should().Be(DBNull.Value);
    }

    [Fact]
    public async Task An_unreachable_server_fails_without_the_password()
    {
        await using var output = MySqlOutput.Create("Server=127.0.0.1;Port=1;Database=shop;User ID=root;Password=hunter2");
        var model = new ModelDescriptor("m", null, [new("a", ValueKind.Integer, false)], 0);

        var act = async () => await output.OpenModelAsync(model, TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Message.Should().StartWith("mysql 'mysql': cannot connect to 127.0.0.1:1/shop").And.NotContain("hunter2");
    }

    [Fact]
    public void The_store_kind_is_registered_with_its_setting()
    {
        MySqlStoreProvider.Instance.Kind.Should().Be("mysql");
        MySqlStoreProvider.Instance.CanReadSchema.Should().BeTrue();
        MySqlStoreProvider.Instance.Settings.Keys.Should().Equal("connection", "create");
        MySqlStoreProvider.Instance.Validate(new Datastore("db", "mysql", new Dictionary<string, string> { ["connection"] = "Server=x", ["create"] = "schema" }))
            .Should().ContainSingle().Which.Should().Contain("create: 'schema' is not something the run can create; the one choice is 'database'");
    }
}

public sealed class MySqlOutputTests(MySqlServer server)
{
    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task<Manifest> RetailAsync(string connectionString, double scale = 0.05) => Manifest.LoadAsync(
        Path.Combine(AppContext.BaseDirectory, "samples", "retail.yaml"),
        new ManifestOptions { Scale = scale },
        TestContext.Current.CancellationToken);

    [Fact]
    public async Task The_retail_manifest_loads_with_verified_counts_and_keys_that_agree()
    {
        var connection = await server.NewDatabaseAsync();
        var manifest = await RetailAsync(connection);

        var summary = await DataGenerator.GenerateAsync(manifest, MySqlOutput.Create(connection), cancellationToken: TestContext.Current.CancellationToken);

        foreach (var model in summary.Models)
        {
            (await ScalarAsync(connection, $"SELECT COUNT(*) FROM `{model.Model}`")).Should().Be(model.Rows, model.Model);
        }

        (await ScalarAsync(connection, "SELECT COUNT(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL")).Should().Be(0, "every order's customer exists");
    }

    [Fact]
    public async Task A_hidden_ground_truth_loads_with_its_model_and_follows_its_mode_on_the_next_run()
    {
        var connection = await server.NewDatabaseAsync();
        Manifest Parse(string mode) => Manifest.Parse($$"""
            seed: 3
            models:
              people:
                count: 200
                key: id
                mode: {{mode}}
                fields:
                  id: sequence
                  name: name.fullName
                duplicates: { rate: 20, hidden: true, truth: entity, fields: { name: [typo] } }
            """);

        var first = await DataGenerator.GenerateAsync(Parse("create"), MySqlOutput.Create(connection), cancellationToken: TestContext.Current.CancellationToken);
        var again = await DataGenerator.GenerateAsync(Parse("truncate"), MySqlOutput.Create(connection), cancellationToken: TestContext.Current.CancellationToken);

        var truth = first.Models.Single(m => m.Model == "people_truth").Rows;
        truth.Should().BePositive("the truth table is written in the run's transaction, prepared with its model");
        again.Models.Single(m => m.Model == "people_truth").Rows.Should().Be(truth);
        (await ScalarAsync(connection, "SELECT COUNT(*) FROM people_truth")).Should().Be(truth, "truncate empties the truth table with its model instead of refusing it as a conflict");
    }

    [Fact]
    public async Task A_failed_run_leaves_nothing_although_DDL_commits_by_itself()
    {
        var connection = await server.NewDatabaseAsync();
        var manifest = Manifest.Parse("""
            seed: 1
            models:
              parents:
                count: 20
                key: id
                fields:
                  id: sequence
              children:
                count: 30
                fields:
                  parent_id: { type: ref, ref: parents.id }
                  code: { type: template, template: "same" }
            """);

        await using (var existing = new MySqlConnection(connection))
        {
            await existing.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new MySqlCommand("CREATE TABLE children (parent_id bigint NOT NULL, code varchar(10) NOT NULL UNIQUE)", existing);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var output = MySqlOutput.Create(connection);
        var act = () => DataGenerator.GenerateAsync(manifest, output, cancellationToken: TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("children");

        // Known as soon as the model fails, before the output is disposed.
        (await ScalarAsync(connection, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'parents'")).Should().Be(0, "the table the run made is dropped again");
        (await ScalarAsync(connection, "SELECT COUNT(*) FROM children")).Should().Be(0, "the application's table keeps no rows");
        await output.DisposeAsync();
    }

    [Fact]
    public async Task An_existing_schema_is_described_scaffolded_and_filled_with_auto_increment_moved_on()
    {
        var connection = await server.NewDatabaseAsync();
        await using (var admin = new MySqlConnection(connection))
        {
            await admin.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new MySqlCommand("""
                CREATE TABLE account_types (code varchar(10) NOT NULL PRIMARY KEY, label varchar(40) NOT NULL);
                CREATE TABLE branches (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(40) NOT NULL, head_account_id int NULL);
                CREATE TABLE accounts (
                  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  type_code varchar(10) NOT NULL,
                  branch_id int NOT NULL,
                  email varchar(120) NOT NULL UNIQUE,
                  status enum('open','frozen','closed') NOT NULL DEFAULT 'open',
                  balance decimal(12,2) NOT NULL CHECK (balance BETWEEN -1000 AND 100000),
                  active tinyint(1) NOT NULL,
                  opened date NOT NULL,
                  settings json NULL,
                  email_domain varchar(120) AS (substring_index(email, '@', -1)) VIRTUAL,
                  FOREIGN KEY (type_code) REFERENCES account_types (code),
                  FOREIGN KEY (branch_id) REFERENCES branches (id));
                ALTER TABLE branches ADD FOREIGN KEY (head_account_id) REFERENCES accounts (id);
                """, admin);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var schema = await MySqlStoreProvider.Instance.ReadSchemaAsync(new Datastore("db", "mysql", new Dictionary<string, string> { ["connection"] = connection }), null, TestContext.Current.CancellationToken);

        var accounts = schema.Find("accounts")!;
        accounts.PrimaryKey.Should().Equal("id");
        accounts.Column("id")!.Identity.Should().BeTrue();
        accounts.Column("status")!.AllowedValues.Should().Equal("open", "frozen", "closed");
        accounts.Column("active")!.Kind.Should().Be(ValueKind.Boolean);
        accounts.Column("balance")!.Precision.Should().Be(12);
        accounts.Column("email")!.MaxLength.Should().Be(120);
        accounts.Column("settings")!.Kind.Should().Be(ValueKind.Object, "MariaDB's json is longtext with a json_valid check; MySQL's is json");
        accounts.Column("email_domain")!.Computed.Should().BeTrue();
        accounts.UniqueKeys.Should().ContainSingle().Which.Should().Equal("email");
        accounts.ForeignKeys.Select(fk => fk.ReferencedTable).Should().BeEquivalentTo(["account_types", "branches"]);
        accounts.Checks.Should().ContainSingle().Which.Should().Contain("balance");

        var yaml = ManifestScaffold.Write(schema, new ScaffoldOptions { Kind = "mysql", Settings = new Dictionary<string, string> { ["connection"] = connection } });
        var manifest = Manifest.Parse(yaml, "scaffold.yaml", new ManifestOptions { Stores = new Stores.StoreCatalog([MySqlStoreProvider.Instance]) });
        await manifest.ValidateAgainstAsync(new Stores.StoreCatalog([MySqlStoreProvider.Instance]), TestContext.Current.CancellationToken);
        var summary = await DataGenerator.GenerateAsync(manifest, new Stores.StoreCatalog([MySqlStoreProvider.Instance]).CreateOutput(manifest, new StoreLoadOptions(), null), cancellationToken: TestContext.Current.CancellationToken);

        var rows = summary.Models.Single(m => m.Model == "accounts").Rows;
        (await ScalarAsync(connection, "SELECT COUNT(*) FROM accounts WHERE balance < -1000 OR balance > 100000")).Should().Be(0);
        (await ScalarAsync(connection, "SELECT COUNT(*) FROM branches WHERE head_account_id IS NOT NULL")).Should().BePositive("the branches ↔ accounts cycle is filled: branches go in without a head, then get one by an update");
        (await ScalarAsync(connection, "SELECT COUNT(*) FROM branches b LEFT JOIN accounts a ON a.id = b.head_account_id WHERE b.head_account_id IS NOT NULL AND a.id IS NULL")).Should().Be(0);
        (await ScalarAsync(connection, "INSERT INTO accounts (type_code, branch_id, email, balance, active, opened) SELECT code, (SELECT MIN(id) FROM branches), 'new@x.test', 1, 1, '2025-01-01' FROM account_types LIMIT 1; SELECT LAST_INSERT_ID()"))
            .Should().BeGreaterThan(rows, "AUTO_INCREMENT moved past the loaded keys");
    }
}
