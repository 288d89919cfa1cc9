using System.Text.RegularExpressions;
using DataGen.Tests.Shared;
using Microsoft.Data.SqlClient;
using Testcontainers.MsSql;

namespace DataGen.SqlServer.Tests;

/// <summary>
/// Public sample databases nobody here wrote (tests/Corpus, licences beside each), through <see cref="CorpusRun"/> on
/// SQL Server: the script's batches (split at <c>GO</c>), its own database statements left out. Runs where Docker can
/// pull the SQL Server image, as in the GitHub Actions workflow; skipped with the reason elsewhere (this machine).
/// </summary>
public sealed partial class CorpusTests : IAsyncLifetime
{
    private const string Image = "mcr.microsoft.com/mssql/server:2022-latest";
    private MsSqlContainer? _container;
    private int _databases;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Schemas => CorpusRun.Schemas("sqlserver");

    public async ValueTask InitializeAsync()
    {
        if (DataGen.Xunit.DataGenContainers.WhyUnavailable(Image) is null)
        {
            _container = new MsSqlBuilder(Image).Build();
            await _container.StartAsync(Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task A_public_schema_is_filled_with_no_edits_reproducibly_and_at_ten_times_the_rows(string name)
    {
        Assert.SkipWhen(_container is null, DataGen.Xunit.DataGenContainers.WhyUnavailable(Image) ?? string.Empty);

        await CorpusRun.RunAsync(name, SqlServerStoreProvider.Instance, () => DatabaseAsync(name), db => new SqlConnection(db), t => $"SELECT * FROM {SqlServerDialect.Instance.QuoteTable(t)}", Ct);
    }

    [Fact]
    public void The_scripts_batches_leave_out_the_scripts_own_database_and_keep_every_table()
    {
        var batches = Batches(CorpusRun.Script("chinook", "sqlserver")).ToList();

        batches.Should().NotContain(b => b.Contains("DATABASE", StringComparison.OrdinalIgnoreCase), "the test makes its own database");
        batches.Should().NotContain(b => UseLine().IsMatch(b));
        batches.Count(b => b.Contains("CREATE TABLE", StringComparison.OrdinalIgnoreCase)).Should().Be(11, "chinook has eleven tables");
        Batches(CorpusRun.Script("sakila", "sqlserver")).Should().Contain(b => b.Contains("CREATE TABLE actor", StringComparison.Ordinal), "a batch that began with USE keeps its CREATE TABLE");
    }

    /// <summary>A fresh database holding the schema, as a connection string.</summary>
    private async Task<string> DatabaseAsync(string name)
    {
        var database = $"corpus_{name}_{Interlocked.Increment(ref _databases)}";
        await using (var master = new SqlConnection(_container!.GetConnectionString()))
        {
            await master.OpenAsync(Ct);
            await using var create = new SqlCommand($"CREATE DATABASE [{database}]", master);
            await create.ExecuteNonQueryAsync(Ct);
        }

        var db = new SqlConnectionStringBuilder(_container.GetConnectionString()) { InitialCatalog = database }.ConnectionString;
        await using var connection = new SqlConnection(db);
        await connection.OpenAsync(Ct);
        foreach (var batch in Batches(CorpusRun.Script(name, "sqlserver")))
        {
            await using var command = new SqlCommand(batch, connection);
            await command.ExecuteNonQueryAsync(Ct);
        }

        return db;
    }

    /// <summary>The script's batches, split at <c>GO</c> lines; <c>USE</c> lines and batches about databases left out.</summary>
    private static IEnumerable<string> Batches(string script) =>
        GoLine().Split(script.Replace("\r\n", "\n", StringComparison.Ordinal))
            .Select(b => UseLine().Replace(b, string.Empty).Trim())
            .Where(b => b.Length > 0 && !DatabaseStatement().IsMatch(b) && !OnlyComments().IsMatch(b));

    [GeneratedRegex(@"^\s*GO\s*;?\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex GoLine();

    [GeneratedRegex(@"^\s*USE\s+\[?\w+\]?\s*;?\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex UseLine();

    [GeneratedRegex(@"\b(CREATE|DROP|ALTER)\s+DATABASE\b|sysdatabases", RegexOptions.IgnoreCase)]
    private static partial Regex DatabaseStatement();

    [GeneratedRegex(@"\A\s*(?:(?:--[^\n]*|/\*.*?\*/)\s*)*\z", RegexOptions.Singleline)]
    private static partial Regex OnlyComments();
}
