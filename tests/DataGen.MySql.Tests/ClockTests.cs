using System.Globalization;
using DataGen.Outputs;
using DataGen.Stores;
using MySqlConnector;

namespace DataGen.MySql.Tests;

/// <summary>
/// Triggers and defaults that stamp the clock (<c>NOW()</c>, <c>CURRENT_TIMESTAMP</c>, <c>ON UPDATE CURRENT_TIMESTAMP</c>)
/// cannot be switched off on MySQL/MariaDB: the load's session clock is pinned to the manifest's reference date instead,
/// so the same seed gives the same tables, run after run.
/// </summary>
public sealed class ClockTests(MySqlServer server)
{
    private static readonly StoreCatalog Stores = StoreCatalog.FilesOnly.With(MySqlStoreProvider.Instance);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Schema = """
        CREATE TABLE tally (id INT NOT NULL PRIMARY KEY, n INT NOT NULL, touched TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6));
        INSERT INTO tally (id, n) VALUES (1, 0);
        CREATE TABLE employee (
          id INT NOT NULL PRIMARY KEY,
          name VARCHAR(40) NOT NULL,
          created DATETIME(6) NULL,
          joined DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
          touched TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
        );
        CREATE TABLE history (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, employee_id INT NOT NULL, at DATETIME(6) NOT NULL);
        CREATE TRIGGER employee_created BEFORE INSERT ON employee FOR EACH ROW SET NEW.created = NOW(6);
        CREATE TRIGGER employee_history AFTER INSERT ON employee FOR EACH ROW
        BEGIN
          INSERT INTO history (employee_id, at) VALUES (NEW.id, CURRENT_TIMESTAMP(6));
          UPDATE tally SET n = n + 1 WHERE id = 1;
        END;
        """;

    private static Manifest Parse(string connection) => Manifest.Parse(
        $$"""
        referenceDate: 2024-03-01T10:15:30Z
        datastores:
          db: { kind: mysql, connection: "{{connection}}" }
        models:
          employee: { store: db, count: 30, key: id, fields: { id: sequence, name: lorem.word } }
        """,
        "clock.yaml",
        new ManifestOptions { Environment = _ => null, Stores = Stores });

    private async Task<string> DatabaseAsync()
    {
        var db = await server.NewDatabaseAsync();
        await using var connection = new MySqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new MySqlCommand(Schema, connection);
        await command.ExecuteNonQueryAsync(Ct);
        return db;
    }

    private static async Task<List<string>> RowsAsync(string db, string sql)
    {
        await using var connection = new MySqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    private static async Task LoadAsync(string db)
    {
        var manifest = Parse(db);
        (await manifest.ValidateAgainstAsync(Stores, Ct)).Should().BeEmpty("every table is InnoDB: a trial load is made, on the pinned clock too");
        await using var output = Stores.CreateOutput(manifest, new StoreLoadOptions(), null);
        await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
    }

    private const string Everything = """
        SELECT 'employee', id, name, created, joined, touched, UNIX_TIMESTAMP(created), UNIX_TIMESTAMP(joined), UNIX_TIMESTAMP(touched) FROM employee
        UNION ALL SELECT 'history', id, employee_id, at, NULL, NULL, UNIX_TIMESTAMP(at), NULL, NULL FROM history
        UNION ALL SELECT 'tally', id, n, touched, NULL, NULL, UNIX_TIMESTAMP(touched), NULL, NULL FROM tally
        ORDER BY 1, 2
        """;

    [Fact]
    public async Task Two_runs_with_the_same_seed_give_identical_rows_through_triggers_and_defaults_that_read_the_clock()
    {
        var first = await DatabaseAsync();
        var second = await DatabaseAsync();

        await LoadAsync(first);
        await Task.Delay(TimeSpan.FromSeconds(1.2), Ct); // the real clock moves on between the runs
        await LoadAsync(second);

        var rows = await RowsAsync(first, Everything);
        rows.Should().HaveCount(30 + 30 + 1);
        (await RowsAsync(second, Everything)).Should().Equal(rows);

        var pinned = new DateTimeOffset(2024, 3, 1, 10, 15, 30, TimeSpan.Zero).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var stamps = await RowsAsync(first, "SELECT UNIX_TIMESTAMP(created), UNIX_TIMESTAMP(joined), UNIX_TIMESTAMP(touched) FROM employee UNION ALL SELECT UNIX_TIMESTAMP(at), UNIX_TIMESTAMP(at), UNIX_TIMESTAMP(at) FROM history UNION ALL SELECT UNIX_TIMESTAMP(touched), UNIX_TIMESTAMP(touched), UNIX_TIMESTAMP(touched) FROM tally");
        stamps.SelectMany(r => r.Split('|')).Select(s => s.Split('.')[0]).Should().OnlyContain(s => s == pinned, "NOW(), CURRENT_TIMESTAMP and ON UPDATE CURRENT_TIMESTAMP read the reference date in the load's session");
        (await RowsAsync(first, "SELECT n FROM tally")).Should().Equal("30");
    }
}
