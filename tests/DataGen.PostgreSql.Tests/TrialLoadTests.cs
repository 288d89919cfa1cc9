using DataGen.Stores;
using DataGen.Tests.Shared;
using Npgsql;

namespace DataGen.PostgreSql.Tests;

/// <summary><c>validate --against</c> predicts <c>generate</c>: after the catalog checks, a few rows per model go in and are rolled back.</summary>
public sealed class TrialLoadTests(PostgresServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly StoreCatalog Stores = StoreCatalog.FilesOnly.With(PostgresStoreProvider.Instance);

    private async Task<string> DatabaseAsync()
    {
        var db = await server.NewDatabaseAsync();
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            """
            CREATE TABLE team (id int PRIMARY KEY, name text NOT NULL);
            CREATE TABLE member (id int PRIMARY KEY, team_id int NOT NULL REFERENCES team (id), email text NOT NULL CHECK (lower(email) = email));
            """,
            connection);
        await command.ExecuteNonQueryAsync(Ct);
        return db;
    }

    private static Manifest Parse(string db, string email) => Manifest.Parse(
        $$"""
        datastores:
          db: { kind: postgres, connection: "{{db}}" }
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
        """,
        "trial.yaml",
        new ManifestOptions { Environment = _ => null, Stores = Stores });

    [Fact]
    public async Task A_check_only_the_database_can_judge_fails_validation_at_the_model_and_nothing_stays()
    {
        var db = await DatabaseAsync();

        var act = () => Parse(db, "{ type: template, template: \"{{id}}@EXAMPLE.com\" }").ValidateAgainstAsync(Stores, Ct);

        var error = (await act.Should().ThrowAsync<ManifestException>()).Which.Errors.Should().ContainSingle().Which;
        error.Model.Should().Be("member");
        error.Line.Should().Be(5, "the model that failed");
        error.Message.Should().Contain("a trial load of 20 rows per model (rolled back) failed").And.Contain("member_email_check");
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var count = new NpgsqlCommand("SELECT (SELECT count(*) FROM team) + (SELECT count(*) FROM member)", connection);
        (await count.ExecuteScalarAsync(Ct)).Should().Be(0L, "the trial was rolled back");
    }

    [Fact]
    public async Task A_manifest_that_fits_validates_leaves_the_tables_empty_and_then_loads()
    {
        var db = await DatabaseAsync();
        var manifest = Parse(db, "{ type: template, template: \"{{id}}@example.com\" }");

        await manifest.ValidateAgainstAsync(Stores, Ct);
        await using (var output = Stores.CreateOutput(manifest, new Outputs.StoreLoadOptions(), null))
        {
            await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
        }

        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM member", connection);
        (await count.ExecuteScalarAsync(Ct)).Should().Be(50L, "the trial left nothing behind that the load would call a conflict");
    }

    [Fact]
    public async Task A_trial_load_appends_nothing_to_an_archive()
    {
        var db = await DatabaseAsync();
        var archive = Path.Combine(Path.GetTempPath(), $"datagen-trial-archive-{Guid.NewGuid():N}.csv");
        var manifest = Manifest.Parse(
            $$"""
            datastores:
              db: { kind: postgres, connection: "{{db}}" }
            models:
              team: { store: db, count: 5, key: id, archive: "{{archive}}", fields: { id: sequence, name: lorem.word } }
            """,
            "trial.yaml",
            new ManifestOptions { Environment = _ => null, Stores = Stores });

        await manifest.ValidateAgainstAsync(Stores, Ct);

        File.Exists(archive).Should().BeFalse("validate --against rolls its trial back, archive included");
        Directory.GetFiles(Path.GetTempPath(), $".{Path.GetFileNameWithoutExtension(archive)}*").Should().BeEmpty("no temporary copy is left");
    }
}
