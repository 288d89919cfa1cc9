using DataGen.Outputs;
using DataGen.Stores;
using MySqlConnector;

namespace DataGen.MySql.Tests;

/// <summary>
/// <c>validate --against</c> on MySQL/MariaDB: a trial load of a few rows per model, rolled back, only where it can be
/// undone (every table exists and is InnoDB), every AUTO_INCREMENT set back; elsewhere none, and the validation says why.
/// Whatever happens, every table's definition (SHOW CREATE TABLE, AUTO_INCREMENT included) and rows are as before.
/// </summary>
public sealed class TrialLoadTests(MySqlServer server)
{
    private static readonly StoreCatalog Stores = StoreCatalog.FilesOnly.With(MySqlStoreProvider.Instance);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Teams and members (a CHECK only the server judges), an audit table a trigger writes, rows already there.</summary>
    private static string Schema(string auditEngine) => $"""
        CREATE TABLE team (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL) ENGINE=InnoDB;
        CREATE TABLE member (
          id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
          team_id INT NOT NULL,
          email VARCHAR(60) NOT NULL,
          CONSTRAINT member_team FOREIGN KEY (team_id) REFERENCES team (id),
          CONSTRAINT member_email_lower CHECK (CAST(email AS BINARY) = CAST(LOWER(email) AS BINARY))
        ) ENGINE=InnoDB;
        CREATE TABLE audit (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, member_id INT NOT NULL, at DATETIME NOT NULL) ENGINE={auditEngine};
        CREATE TRIGGER member_audit AFTER INSERT ON member FOR EACH ROW INSERT INTO audit (member_id, at) VALUES (NEW.id, NOW());
        INSERT INTO team (name) VALUES ('a'), ('b'), ('c'), ('d'), ('e'), ('f'), ('g');
        DELETE FROM team WHERE id > 3;
        INSERT INTO member (team_id, email) VALUES (1, 'x@example.com'), (2, 'y@example.com');
        """;

    private static Manifest Parse(string connection, string email, string? mode = "truncate", string extra = "") => Manifest.Parse(
        $$"""
        datastores:
          db: { kind: mysql, connection: "{{connection}}"{{(mode is null ? string.Empty : $", mode: {mode}")}} }
        models:
          team: { store: db, count: 5, key: id, fields: { id: sequence, name: lorem.word } }
          member:
            store: db
            count: 50
            key: id
            fields:
              id: sequence
              team_id: { type: ref, ref: team.id }
              email: {{email}}
        {{extra}}
        """,
        "trial.yaml",
        new ManifestOptions { Environment = _ => null, Stores = Stores });

    private const string GoodEmail = "{ type: template, template: \"{{id}}@example.com\" }";

    private async Task<string> DatabaseAsync(string auditEngine = "InnoDB")
    {
        var db = await server.NewDatabaseAsync();
        await ExecuteAsync(db, Schema(auditEngine));
        return db;
    }

    private static async Task ExecuteAsync(string db, string sql)
    {
        await using var connection = new MySqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>Every table's SHOW CREATE TABLE (AUTO_INCREMENT included) and every row, in one text.</summary>
    private static async Task<string> SnapshotAsync(string db)
    {
        await using var connection = new MySqlConnection(db);
        await connection.OpenAsync(Ct);
        var tables = new List<string>();
        await using (var list = new MySqlCommand("SHOW TABLES", connection))
        await using (var reader = await list.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var text = new System.Text.StringBuilder();
        foreach (var table in tables.Order(StringComparer.Ordinal))
        {
            foreach (var sql in new[] { $"SHOW CREATE TABLE `{table}`", $"SELECT * FROM `{table}` ORDER BY 1" })
            {
                await using var command = new MySqlCommand(sql, connection);
                await using var reader = await command.ExecuteReaderAsync(Ct);
                while (await reader.ReadAsync(Ct))
                {
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        text.Append(reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                    }

                    text.AppendLine();
                }
            }
        }

        return text.ToString();
    }

    [Fact]
    public async Task A_manifest_that_fits_is_trial_loaded_and_every_definition_counter_and_row_is_as_before()
    {
        var db = await DatabaseAsync();
        var before = await SnapshotAsync(db);
        before.Should().Contain("AUTO_INCREMENT=8", "team's counter is past rows deleted since: a rollback alone would not keep it there")
            .And.Contain("AUTO_INCREMENT=3");

        var notes = await Parse(db, GoodEmail).ValidateAgainstAsync(Stores, Ct);

        notes.Should().BeEmpty("every table exists and is InnoDB: the trial was made");
        (await SnapshotAsync(db)).Should().Be(before, "the trial was rolled back and every AUTO_INCREMENT set back");
    }

    [Fact]
    public async Task The_trial_finds_what_only_the_server_judges_naming_model_table_and_column_and_leaves_nothing()
    {
        var db = await DatabaseAsync();
        var before = await SnapshotAsync(db);

        var check = () => Parse(db, "{ type: template, template: \"{{id}}@EXAMPLE.com\" }").ValidateAgainstAsync(Stores, Ct);
        var checkError = (await check.Should().ThrowAsync<ManifestException>()).Which.Errors.Should().ContainSingle().Which;
        checkError.Model.Should().Be("member");
        checkError.Line.Should().Be(5, "the model that failed");
        checkError.Message.Should().Contain("a trial load of 20 rows per model (rolled back) failed").And.Contain("member_email_lower").And.Contain("'member'");
        (await SnapshotAsync(db)).Should().Be(before, "a failed trial is rolled back and its counters set back too");

        var tooLong = () => Parse(db, "{ type: template, template: \"{{id}}-a-rather-long-address-that-will-not-fit-in-sixty-characters@example.com\" }").ValidateAgainstAsync(Stores, Ct);
        var lengthError = (await tooLong.Should().ThrowAsync<ManifestException>()).Which.Errors.Should().ContainSingle().Which;
        lengthError.Model.Should().Be("member");
        lengthError.Message.Should().Contain("table 'member'").And.Contain("column 'email'");
        (await SnapshotAsync(db)).Should().Be(before);
    }

    [Fact]
    public async Task No_trial_is_made_where_a_trigger_writes_a_MyISAM_table_and_the_validation_says_why()
    {
        var db = await DatabaseAsync(auditEngine: "MyISAM");
        var before = await SnapshotAsync(db);

        // Upper-case addresses break the CHECK: a trial would have failed, so passing shows none was made.
        var notes = await Parse(db, "{ type: template, template: \"{{id}}@EXAMPLE.com\" }").ValidateAgainstAsync(Stores, Ct);

        notes.Should().ContainSingle().Which.Should().Contain("mysql 'db': no trial load was made")
            .And.Contain("table 'audit'").And.Contain("MyISAM").And.Contain("trigger 'member_audit' on 'member'");
        (await SnapshotAsync(db)).Should().Be(before);
    }

    [Fact]
    public async Task No_trial_is_made_where_a_models_table_does_not_exist_and_nothing_is_created()
    {
        var db = await DatabaseAsync();
        var before = await SnapshotAsync(db);

        var notes = await Parse(db, GoodEmail, extra: """
              badge: { store: db, mode: create, count: 3, fields: { code: lorem.word } }
            """).ValidateAgainstAsync(Stores, Ct);

        notes.Should().ContainSingle().Which.Should().Contain("no trial load was made").And.Contain("'badge'").And.Contain("do not exist");
        (await SnapshotAsync(db)).Should().Be(before, "no table was created");
    }

    [Fact]
    public async Task A_sequence_named_by_a_default_keeps_the_trial_out_on_MariaDB()
    {
        var db = await DatabaseAsync();
        await using (var connection = new MySqlConnection(db))
        {
            await connection.OpenAsync(Ct);
            await using var version = new MySqlCommand("SELECT VERSION()", connection);
            if (!((string)(await version.ExecuteScalarAsync(Ct))!).Contains("MariaDB", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Skip("sequences are MariaDB's: this server is MySQL");
            }
        }

        await ExecuteAsync(db, "CREATE SEQUENCE badge_no; CREATE TABLE badge (id INT NOT NULL PRIMARY KEY, no BIGINT NOT NULL DEFAULT (NEXT VALUE FOR badge_no), code VARCHAR(40) NOT NULL) ENGINE=InnoDB");
        var before = await SnapshotAsync(db);

        var notes = await Parse(db, GoodEmail, extra: """
              badge: { store: db, count: 3, fields: { id: sequence, code: lorem.word } }
            """).ValidateAgainstAsync(Stores, Ct);

        notes.Should().ContainSingle().Which.Should().Contain("sequence 'badge_no'").And.Contain("the default of 'badge.no'");
        (await SnapshotAsync(db)).Should().Be(before);
    }

    [Fact]
    public async Task After_a_trial_the_manifest_loads_and_the_applications_next_insert_gets_a_fresh_key()
    {
        var db = await DatabaseAsync();
        var manifest = Parse(db, GoodEmail);

        await manifest.ValidateAgainstAsync(Stores, Ct);
        await using (var output = Stores.CreateOutput(manifest, new StoreLoadOptions(), null))
        {
            await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
        }

        await ExecuteAsync(db, "INSERT INTO member (team_id, email) VALUES (1, 'new@example.com')");
        await using var connection = new MySqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var count = new MySqlCommand("SELECT COUNT(*), MAX(id) FROM member", connection);
        await using var reader = await count.ExecuteReaderAsync(Ct);
        await reader.ReadAsync(Ct);
        reader.GetInt64(0).Should().Be(51);
        reader.GetInt32(1).Should().Be(51);
    }
}
