using DataGen.Outputs;
using Microsoft.Data.SqlClient;
using Testcontainers.MsSql;

namespace DataGen.SqlServer.Tests;

public sealed class SqlServerOfflineTests
{
    [Fact]
    public void Existing_binary_and_datetimeoffset_columns_take_converted_values()
    {
        var model = new ModelDescriptor("m", null, [new("hash", ValueKind.String, true), new("at", ValueKind.DateTime, false), new("name", ValueKind.String, false)], 1);
        var at = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);

        using var table = SqlServerDialect.ToTable(model, [["abc", at, "x"]], new Dictionary<string, string> { ["hash"] = "varbinary", ["at"] = "datetimeoffset", ["name"] = "nvarchar" });

        table.Columns["hash"]!.DataType.Should().Be<byte[]>();
        table.Rows[0]["hash"].Should().BeEquivalentTo("abc"u8.ToArray());
        table.Rows[0]["at"].Should().Be(new DateTimeOffset(at));
        table.Rows[0]["name"].Should().Be("x");
    }

    [Fact]
    public void Schema_qualified_tables_are_quoted_per_part()
    {
        SqlServerDialect.Instance.QuoteTable("sales.orders").Should().Be("[sales].[orders]");
        SqlServerDialect.Instance.QuoteTable("orders").Should().Be("[orders]");
        DataGen.Sql.SqlDialect.TableName("sales.orders").Should().Be("orders");
    }

    [Fact]
    public void Ddl_quotes_identifiers_maps_types_and_bounds_key_columns()
    {
        var model = new ModelDescriptor("orders", "sku", [new("sku", ValueKind.String, false), new("customer_id", ValueKind.Uuid, false), new("items", ValueKind.Array, true), new("a]b", ValueKind.Decimal, true), new("at", ValueKind.DateTime, false)], 0)
        {
            Store = "db",
            References = [new ReferenceDescriptor("customer_id", "customers", "id", "customers", "db")],
        };

        SqlServerDialect.Instance.CreateTable(model).Should().Be(
            "CREATE TABLE [orders] ([sku] nvarchar(450) NOT NULL PRIMARY KEY, [customer_id] uniqueidentifier NOT NULL, [items] nvarchar(max) NULL, [a]]b] decimal(38, 12) NULL, [at] datetime2(3) NOT NULL, FOREIGN KEY ([customer_id]) REFERENCES [customers] ([id]))");
        SqlServerDialect.Instance.MarkCreated(model).Should().ContainSingle().Which.Should()
            .Contain("PARSENAME(N'[orders]', 2)").And.Contain("sp_addextendedproperty @name = N'datagen', @value = N'Created by DataGen from model ''orders''").And.Contain("@level1name = N'orders'");
    }

    [Fact]
    public void Emptying_tables_with_a_cycle_disables_and_rechecks_only_the_keys_pointing_at_them()
    {
        var sql = SqlServerDialect.Instance.EmptyTables(["sales.staff", "sales.store"]).Should().ContainSingle().Which;

        sql.Should().Contain("k.is_disabled = 0 AND k.referenced_object_id IN (OBJECT_ID(N'[sales].[staff]'), OBJECT_ID(N'[sales].[store]'))")
            .And.Contain("NOCHECK CONSTRAINT").And.Contain("WITH CHECK CHECK CONSTRAINT");
        sql.IndexOf("DELETE FROM [sales].[staff];", StringComparison.Ordinal).Should().BeGreaterThan(sql.IndexOf("NOCHECK", StringComparison.Ordinal))
            .And.BeLessThan(sql.IndexOf("DELETE FROM [sales].[store];", StringComparison.Ordinal), "children first");
        sql.IndexOf("WITH CHECK", StringComparison.Ordinal).Should().BeGreaterThan(sql.IndexOf("DELETE FROM [sales].[store];", StringComparison.Ordinal));
        SqlServerDialect.Instance.EmptyTables([]).Should().BeEmpty();
    }

    [Fact]
    public void Batches_become_typed_tables_with_nested_values_as_json()
    {
        var model = new ModelDescriptor("m", null, [new("d", ValueKind.Date, false), new("tags", ValueKind.Array, false), new("n", ValueKind.Integer, true)], 2);
        using var table = SqlServerDialect.ToTable(model, [[new DateOnly(2024, 2, 29), new object?[] { "a", 1L }, null], [new DateOnly(2024, 3, 1), Array.Empty<object?>(), 5L]]);

        table.Rows.Count.Should().Be(2);
        table.Rows[0]["d"].Should().Be(new DateTime(2024, 2, 29));
        table.Rows[0]["tags"].Should().Be("[\"a\",1]");
        table.Rows[0]["n"].Should().Be(DBNull.Value);
        table.Columns["n"]!.DataType.Should().Be<long>();
    }

    [Fact]
    public async Task An_unreachable_server_fails_without_the_password()
    {
        await using var output = SqlServerOutput.Create("Server=tcp:127.0.0.1,1;Database=shop;User Id=sa;Password=hunter2;TrustServerCertificate=true");
        var act = () => DataGenerator.GenerateAsync(Manifest.Parse("models:\n  m:\n    count: 1\n    fields: { id: uuid }"), output, cancellationToken: TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Message.Should().StartWith("sqlserver 'sqlserver': cannot connect to tcp:127.0.0.1,1/shop").And.NotContain("hunter2");
    }

    [Fact]
    public void An_invalid_connection_string_is_not_echoed()
    {
        var act = () => SqlServerOutput.Create("Server=x;Passwrd=secret-value");
        act.Should().Throw<ArgumentException>().Which.Message.Should().NotContain("secret-value");
    }
}

public sealed class SqlServerContainerTests : IAsyncLifetime
{
    private const string Image = "mcr.microsoft.com/mssql/server:2022-latest";
    private MsSqlContainer? _container;

    public async ValueTask InitializeAsync()
    {
        if (DataGen.Xunit.DataGenContainers.WhyUnavailable(Image) is null)
        {
            _container = new MsSqlBuilder(Image).Build();
            await _container.StartAsync(TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    [Fact]
    public async Task Retail_sample_loads_and_a_second_load_is_a_conflict()
    {
        Assert.SkipWhen(_container is null, DataGen.Xunit.DataGenContainers.WhyUnavailable(Image) ?? string.Empty);
        var manifest = await Manifest.LoadAsync(Path.Combine(AppContext.BaseDirectory, "samples", "retail.yaml"), cancellationToken: TestContext.Current.CancellationToken);
        GenerationSummary summary;
        await using (var output = SqlServerOutput.Create(_container!.GetConnectionString()))
        {
            summary = await DataGenerator.GenerateAsync(manifest, output, cancellationToken: TestContext.Current.CancellationToken);
        }

        await using var connection = new SqlConnection(_container.GetConnectionString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        foreach (var model in summary.Models)
        {
            await using var count = new SqlCommand($"SELECT COUNT_BIG(*) FROM [{model.Model}]", connection);
            ((long)(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken))!).Should().Be(model.Rows);
        }

        await using var again = SqlServerOutput.Create(_container.GetConnectionString());
        var act = () => DataGenerator.GenerateAsync(manifest, again, cancellationToken: TestContext.Current.CancellationToken);
        await act.Should().ThrowAsync<StoreConflictException>();
    }

    [Fact]
    public async Task Loaded_identity_keys_are_kept_and_the_next_insert_gets_a_fresh_one()
    {
        Assert.SkipWhen(_container is null, DataGen.Xunit.DataGenContainers.WhyUnavailable(Image) ?? string.Empty);
        await using var connection = new SqlConnection(_container!.GetConnectionString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using (var create = new SqlCommand("CREATE TABLE actor_identity (actor_id bigint IDENTITY(1,1) PRIMARY KEY, name nvarchar(200) NOT NULL)", connection))
        {
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using (var output = SqlServerOutput.Create(_container.GetConnectionString()))
        {
            var manifest = Manifest.Parse("models:\n  actor_identity: { count: 20, fields: { actor_id: { type: sequence, start: 100 }, name: name.fullName } }");
            await DataGenerator.GenerateAsync(manifest, output, cancellationToken: TestContext.Current.CancellationToken);
        }

        await using var min = new SqlCommand("SELECT MIN(actor_id) FROM actor_identity", connection);
        ((long)(await min.ExecuteScalarAsync(TestContext.Current.CancellationToken))!).Should().Be(100, "the generated keys are kept");
        await using var insert = new SqlCommand("INSERT INTO actor_identity (name) OUTPUT INSERTED.actor_id VALUES ('new')", connection);
        ((long)(await insert.ExecuteScalarAsync(TestContext.Current.CancellationToken))!).Should().Be(120);
    }

    [Fact]
    public async Task A_sequence_default_restarts_after_the_loaded_keys()
    {
        Assert.SkipWhen(_container is null, DataGen.Xunit.DataGenContainers.WhyUnavailable(Image) ?? string.Empty);
        await using var connection = new SqlConnection(_container!.GetConnectionString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using (var create = new SqlCommand("CREATE SEQUENCE dbo.order_numbers AS bigint START WITH 1 INCREMENT BY 1; CREATE TABLE orders_seq (order_no bigint NOT NULL PRIMARY KEY DEFAULT (NEXT VALUE FOR dbo.order_numbers), note nvarchar(50) NOT NULL)", connection))
        {
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using (var output = SqlServerOutput.Create(_container.GetConnectionString()))
        {
            var manifest = Manifest.Parse("models:\n  orders_seq: { count: 30, fields: { order_no: { type: sequence, start: 1 }, note: lorem.word } }");
            await DataGenerator.GenerateAsync(manifest, output, cancellationToken: TestContext.Current.CancellationToken);
        }

        await using var insert = new SqlCommand("INSERT INTO orders_seq (note) OUTPUT INSERTED.order_no VALUES ('new')", connection);
        ((long)(await insert.ExecuteScalarAsync(TestContext.Current.CancellationToken))!).Should().Be(31, "the sequence restarted after the 30 loaded keys");
    }
}
