using DataGen.Tests.Shared;
using Microsoft.Data.Sqlite;

namespace DataGen.Sqlite.Tests;

/// <summary>Public sample databases nobody here wrote (tests/Corpus, licences beside each), through <see cref="CorpusRun"/> on SQLite.</summary>
public sealed class CorpusTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("datagen-corpus-").FullName;
    private int _databases;

    public static TheoryData<string> Schemas => CorpusRun.Schemas("sqlite");

    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task A_public_schema_is_filled_with_no_edits_reproducibly_and_at_ten_times_the_rows(string name)
    {
        await CorpusRun.RunAsync(name, SqliteStoreProvider.Instance, () => DatabaseAsync(name), db => new SqliteConnection(db), t => $"SELECT * FROM {SqliteDialect.Instance.QuoteTable(t)}", TestContext.Current.CancellationToken);
    }

    private async Task<string> DatabaseAsync(string name)
    {
        var db = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, $"{name}-{++_databases}.db"), Pooling = false }.ToString();
        await using var connection = new SqliteConnection(db);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new SqliteCommand(CorpusRun.Script(name, "sqlite"), connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        return db;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
