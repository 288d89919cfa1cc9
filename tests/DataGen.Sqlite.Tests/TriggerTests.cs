using DataGen.Schemas;
using DataGen.Sql;
using Microsoft.Data.Sqlite;

namespace DataGen.Sqlite.Tests;

/// <summary>Triggers as the scaffold reads them: what a body assigns and inserts into; tables only triggers fill are no models.</summary>
public sealed class TriggerTests
{
    [Theory]
    [InlineData("BEGIN NEW.fulltext := to_tsvector(NEW.title); new.\"Slug\" = lower(NEW.title); IF NEW.x == 1 THEN END IF; END", new[] { "fulltext", "Slug" })]
    [InlineData("BEGIN SET NEW.`created_at` = NOW(); SET NEW.code = UUID(); END", new[] { "created_at", "code" })]
    [InlineData("BEGIN UPDATE t SET x = 1 WHERE id = NEW.id; END", new string[0])]
    public void Assigned_columns_are_read_from_a_body(string body, string[] expected)
    {
        SqlTriggerBodies.AssignedColumns(body).Should().Equal(expected);
    }

    [Theory]
    [InlineData("BEGIN INSERT INTO film_text (film_id) VALUES (new.film_id); END", "film_text")]
    [InlineData("BEGIN INSERT OR REPLACE INTO [audit log] VALUES (1); END", "audit log")]
    [InlineData("BEGIN insert into \"sales\".\"history\" select NEW.*; RETURN NEW; END", "sales.history")]
    public void Insert_targets_are_read_from_a_body(string body, string expected)
    {
        SqlTriggerBodies.InsertTargets(body).Should().Equal(expected);
    }

    [Fact]
    public async Task A_table_only_triggers_fill_is_described_so_and_not_scaffolded()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync(ct);
        await using (var command = new SqliteCommand(
            """
            CREATE TABLE film (film_id INTEGER PRIMARY KEY, title TEXT NOT NULL);
            CREATE TABLE film_text (film_id INTEGER PRIMARY KEY, title TEXT NOT NULL);
            CREATE TRIGGER ins_film AFTER INSERT ON film BEGIN INSERT INTO film_text (film_id, title) VALUES (new.film_id, new.title); END;
            """,
            connection))
        {
            await command.ExecuteNonQueryAsync(ct);
        }

        var schema = await SqliteSchemaReader.ReadAsync(connection, null, ct);

        schema.Find("film_text")!.FilledByTriggers.Should().Equal("ins_film");
        schema.Find("film")!.FilledByTriggers.Should().BeEmpty();
        var yaml = ManifestScaffold.Write(schema, new ScaffoldOptions { Kind = "sqlite" });
        yaml.Should().Contain("# table film_text is not a model: trigger(s) ins_film fill it").And.Contain("table: film\n").And.NotContain("table: film_text");
    }
}
