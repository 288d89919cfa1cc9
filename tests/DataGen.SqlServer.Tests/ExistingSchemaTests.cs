using DataGen.Outputs;
using DataGen.Schemas;
using DataGen.Stores;
using Microsoft.Data.SqlClient;
using Testcontainers.MsSql;

namespace DataGen.SqlServer.Tests;

/// <summary>
/// The existing-schema journey in SQL Server (runs where Docker can pull the SQL Server image, as in the GitHub
/// Actions workflow; skipped with the reason elsewhere): describe → scaffold → fill with no edits → no violations,
/// identical rows per seed, and identity keys ready for the application's inserts.
/// </summary>
public sealed class ExistingSchemaTests : IAsyncLifetime
{
    private const string Image = "mcr.microsoft.com/mssql/server:2022-latest";
    private static readonly StoreCatalog Stores = StoreCatalog.FilesOnly.With(SqlServerStoreProvider.Instance);
    private MsSqlContainer? _container;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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

    private async Task<string> NewDatabaseAsync(string name)
    {
        await using (var master = new SqlConnection(_container!.GetConnectionString()))
        {
            await master.OpenAsync(Ct);
            await using var create = new SqlCommand($"CREATE DATABASE [{name}]", master);
            await create.ExecuteNonQueryAsync(Ct);
        }

        var db = new SqlConnectionStringBuilder(_container.GetConnectionString()) { InitialCatalog = name }.ConnectionString;
        await using var connection = new SqlConnection(db);
        await connection.OpenAsync(Ct);
        var script = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Schemas", "rental.sql"), Ct);
        foreach (var batch in script.Split("\nGO", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(b => b.Length > 0))
        {
            await using var command = new SqlCommand(batch, connection);
            await command.ExecuteNonQueryAsync(Ct);
        }

        return db;
    }

    private static async Task<object?> Scalar(string db, string sql)
    {
        await using var connection = new SqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new SqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(Ct);
    }

    [Fact]
    public async Task A_scaffolded_manifest_fills_every_table_with_no_violations_and_the_same_rows_per_seed()
    {
        Assert.SkipWhen(_container is null, DataGen.Xunit.DataGenContainers.WhyUnavailable(Image) ?? string.Empty);
        var first = await NewDatabaseAsync("rental_first");
        var second = await NewDatabaseAsync("rental_second");
        var schema = await SqlServerStoreProvider.Instance.ReadSchemaAsync(new Datastore("db", "sqlserver", new Dictionary<string, string> { ["connection"] = first }), null, Ct);

        schema.Tables.Should().HaveCount(16).And.NotContain(t => t.Name == "customer_list");
        schema.Find("dbo.film")!.Column("title_length")!.Computed.Should().BeTrue();
        schema.Find("sales.customer")!.Column("external_id")!.Kind.Should().Be(ValueKind.Uuid);
        schema.Find("sales.customer")!.Column("created")!.DataType.Should().Be("datetimeoffset");
        schema.Find("dbo.film")!.Column("rental_rate")!.Precision.Should().Be(4);
        schema.Find("sales.staff")!.Column("password_hash")!.MaxLength.Should().Be(64);

        var yaml = ManifestScaffold.Write(schema, new ScaffoldOptions { Kind = "sqlserver", Rows = 200 });
        foreach (var db in new[] { first, second })
        {
            var manifest = Manifest.Parse(yaml, "rental.yaml", new ManifestOptions { Variables = new Dictionary<string, string> { ["connection"] = db }, Environment = _ => null, Stores = Stores });
            await using var output = Stores.CreateOutput(manifest, new StoreLoadOptions(), null);
            await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
        }

        foreach (var table in schema.Tables)
        {
            var name = $"[{table.Schema}].[{table.Name}]";
            ((long)(await Scalar(first, $"SELECT COUNT_BIG(*) FROM {name}"))!).Should().BePositive(name);
            var digest = $"SELECT CHECKSUM_AGG(BINARY_CHECKSUM(*)) FROM {name}";
            (await Scalar(first, digest)).Should().Be(await Scalar(second, digest), $"{name} holds the same rows for the same seed");
        }

        ((int)(await Scalar(first, "SELECT COUNT(*) FROM sales.rental WHERE return_date < rental_date"))!).Should().Be(0);
        ((int)(await Scalar(first, "SELECT COUNT(*) FROM sales.store WHERE manager_staff_id IS NOT NULL"))!).Should().BePositive("the store ↔ staff cycle is filled by an update once staff is loaded");
        (await Scalar(first, "INSERT INTO dbo.actor (first_name, last_name) OUTPUT INSERTED.actor_id VALUES ('New', 'Actor')")).Should().NotBeNull();
        (await Scalar(first, "INSERT INTO sales.rental (rental_date, inventory_id, customer_id, staff_id) OUTPUT INSERTED.rental_id VALUES (SYSUTCDATETIME(), 1, 1, 1)")).Should().NotBeNull();
    }
}
