using DataGen.Outputs;
using DataGen.Stores;
using Microsoft.Data.Sqlite;

namespace DataGen.Sqlite.Tests;

/// <summary>
/// Load modes on SQLite tables (issue 25) beyond the existing-schema journey: which views count as depending on a
/// table DataGen made (whole identifiers only), so replace drops and recreates it only when none reads it.
/// </summary>
public sealed class LoadModeTests : IDisposable
{
    private static readonly StoreCatalog Stores = StoreCatalog.FilesOnly.With(SqliteStoreProvider.Instance);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-sqlite-modes-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private static object? Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static async Task<List<string>> LoadAsync(string path, string yaml)
    {
        var warnings = new List<string>();
        var manifest = Manifest.Parse(yaml.Replace("PATH", path, StringComparison.Ordinal), "modes.yaml", new ManifestOptions { Environment = _ => null, Stores = Stores });
        await using var output = Stores.CreateOutput(manifest, new StoreLoadOptions { Warning = warnings.Add }, null);
        await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
        return warnings;
    }

    private const string Yaml = """
        seed: 4
        datastores:
          db: { kind: sqlite, path: "PATH", mode: MODE }
        models:
          order: { store: db, count: 5, key: id, fields: { id: sequence, total: { type: decimal, min: 1, max: 9 }FIELDS } }
        """;

    [Fact]
    public async Task A_view_on_a_table_whose_name_contains_the_tables_does_not_keep_it_but_a_view_naming_it_does()
    {
        var path = Path.Combine(_directory.FullName, "views.db");
        await LoadAsync(path, Yaml.Replace("MODE", "create", StringComparison.Ordinal).Replace("FIELDS", string.Empty, StringComparison.Ordinal));
        Scalar(path, """
            CREATE TABLE orders (id INTEGER PRIMARY KEY, placed TEXT);
            CREATE VIEW recent AS SELECT id, 'order' AS kind /* every order */ FROM orders ORDER BY placed DESC;
            """);

        var warnings = await LoadAsync(path, Yaml.Replace("MODE", "replace", StringComparison.Ordinal).Replace("FIELDS", ", note: { type: choice, values: [gift, rush] }", StringComparison.Ordinal));

        Scalar(path, "SELECT count(*) FROM pragma_table_info('order') WHERE name = 'note'").Should().Be(1L, "DataGen's own table, which no view reads, is dropped and made again from the manifest (with its new field)");
        warnings.Should().NotContain(w => w.Contains("'order' is kept", StringComparison.Ordinal), "a view on orders, or one saying 'order' in a literal, a comment or ORDER BY, does not read table order");

        Scalar(path, "CREATE VIEW big AS SELECT id FROM main.\"order\" WHERE total > 5");
        warnings = await LoadAsync(path, Yaml.Replace("MODE", "replace", StringComparison.Ordinal).Replace("FIELDS", ", note: { type: choice, values: [gift, rush] }", StringComparison.Ordinal));

        warnings.Should().Contain(w => w.Contains("table 'order' is kept, emptied and reloaded", StringComparison.Ordinal), "a view that names the table keeps it");
        Scalar(path, "SELECT count(*) FROM big").Should().BeOfType<long>("the view still reads the table");
    }

    [Fact]
    public async Task The_chinook_schema_goes_through_create_refusal_truncate_replace_and_append()
    {
        var db = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory.FullName, "chinook.db"), Pooling = false }.ToString();
        await using (var connection = new SqliteConnection(db))
        {
            await connection.OpenAsync(Ct);
            await using var command = new SqliteCommand(DataGen.Tests.Shared.CorpusRun.Script("chinook", "sqlite"), connection);
            await command.ExecuteNonQueryAsync(Ct);
        }

        await DataGen.Tests.Shared.CorpusModes.RunAsync(SqliteStoreProvider.Instance, db, c => new SqliteConnection(c), SqliteDialect.Instance.QuoteTable, () => Task.FromResult((string)Scalar(new SqliteConnectionStringBuilder(db).DataSource, "SELECT group_concat(type || ' ' || name || ': ' || sql, ';') FROM (SELECT * FROM sqlite_master ORDER BY type, name)")!), Ct);
    }
}
