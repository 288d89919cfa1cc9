using DataGen.Tests.Shared;
using MySqlConnector;

namespace DataGen.MySql.Tests;

/// <summary>
/// Public sample databases nobody here wrote (tests/Corpus, licences beside each), through <see cref="CorpusRun"/> on
/// MySQL/MariaDB: the script's statements one at a time, its DELIMITER blocks (triggers) included.
/// </summary>
public sealed class CorpusTests(MySqlServer server)
{
    public static TheoryData<string> Schemas => CorpusRun.Schemas("mysql");

    /// <summary>Schemas that cannot load yet, with the reason (printed as the skip reason, never silent).</summary>
    private static readonly Dictionary<string, string> NotYet = new(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task A_public_schema_is_filled_with_no_edits_reproducibly_and_at_ten_times_the_rows(string name)
    {
        if (NotYet.TryGetValue(name, out var reason))
        {
            Assert.Skip(reason);
        }

        await CorpusRun.RunAsync(name, MySqlStoreProvider.Instance, () => DatabaseAsync(name), db => new MySqlConnection(db), t => $"SELECT * FROM {MySqlDialect.Instance.QuoteTable(t)}", TestContext.Current.CancellationToken);
    }

    private async Task<string> DatabaseAsync(string name)
    {
        var db = await server.NewDatabaseAsync();
        await using var connection = new MySqlConnection(new MySqlConnectionStringBuilder(db) { AllowUserVariables = true }.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        foreach (var statement in CorpusRun.Statements(CorpusRun.Script(name, "mysql"), connection.Database))
        {
            await using var command = new MySqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        return db;
    }
}
