using System.Globalization;
using System.Text.RegularExpressions;
using DataGen.Outputs;
using DataGen.Schemas;
using DataGen.Stores;
using Microsoft.Data.SqlClient;
using Testcontainers.MsSql;

namespace DataGen.SqlServer.Tests;

/// <summary>
/// Issue 24's type zoo on SQL Server: one table with a column of every built-in type people use — the CLR types
/// (hierarchyid, geography, geometry), sql_variant, xml, datetimeoffset, rowversion, money, uniqueidentifier, the binary
/// and legacy text families, an alias type, computed (persisted or not) and sparse columns — scaffolded, validated
/// against the live schema (trial load included) and loaded with no edits; every column filled as its type allows.
/// The server runs where Docker can pull its image (GitHub Actions; DATAGEN_REQUIRE naming sqlserver makes its absence
/// a failure); here it skips with the reason, and the zoo's DDL, the type mapping and the values it produces are checked
/// offline below.
/// </summary>
public sealed partial class TypeZooTests : IAsyncLifetime
{
    private const string Image = "mcr.microsoft.com/mssql/server:2022-latest";
    private static readonly StoreCatalog Stores = StoreCatalog.FilesOnly.With(SqlServerStoreProvider.Instance);
    private MsSqlContainer? _container;
    private int _databases;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The zoo, in batches (the alias type must exist before the table uses it).</summary>
    internal static readonly string[] Zoo =
    [
        "CREATE TYPE dbo.Phone FROM nvarchar(25) NOT NULL",
        """
        CREATE TABLE dbo.zoo (
          id int IDENTITY(1,1) NOT NULL PRIMARY KEY,
          tiny tinyint NOT NULL,
          small smallint NOT NULL,
          big bigint NOT NULL,
          flag bit NOT NULL,
          price decimal(9,2) NOT NULL,
          amount money NOT NULL,
          petty smallmoney NOT NULL,
          ratio real NOT NULL,
          score float NOT NULL,
          born date NOT NULL,
          happened datetime NOT NULL,
          happened_exactly datetime2(7) NOT NULL,
          roughly smalldatetime NOT NULL,
          at_offset datetimeoffset(7) NOT NULL,
          opens time(7) NOT NULL,
          uid uniqueidentifier NOT NULL,
          code char(10) NOT NULL,
          name varchar(45) NOT NULL,
          title nvarchar(100) NOT NULL,
          initials nchar(3) NOT NULL,
          notes nvarchar(max) NOT NULL,
          legacy_text text NOT NULL,
          legacy_ntext ntext NOT NULL,
          fixed_bin binary(16) NOT NULL,
          var_bin varbinary(64) NOT NULL,
          big_bin varbinary(max) NOT NULL,
          picture image NOT NULL,
          doc xml NOT NULL,
          variant sql_variant NOT NULL,
          node hierarchyid NOT NULL,
          place geography NOT NULL,
          shape geometry NOT NULL,
          owner_name sysname NOT NULL,
          phone dbo.Phone,
          version rowversion,
          total AS (price * 2),
          total_stored AS (price * 3) PERSISTED,
          sparse_note nvarchar(50) SPARSE NULL
        )
        """,
    ];

    /// <summary>
    /// The zoo's columns as <c>sys.columns</c> reports them (type or alias base type, max_length, precision, scale,
    /// nullable, identity, computed): what the schema reader hands <see cref="SqlServerTypes.Column"/>.
    /// </summary>
    internal static readonly (string Name, string Type, short MaxLength, byte Precision, byte Scale, bool Nullable, bool Identity, bool Computed)[] Catalog =
    [
        ("id", "int", 4, 10, 0, false, true, false),
        ("tiny", "tinyint", 1, 3, 0, false, false, false),
        ("small", "smallint", 2, 5, 0, false, false, false),
        ("big", "bigint", 8, 19, 0, false, false, false),
        ("flag", "bit", 1, 1, 0, false, false, false),
        ("price", "decimal", 5, 9, 2, false, false, false),
        ("amount", "money", 8, 19, 4, false, false, false),
        ("petty", "smallmoney", 4, 10, 4, false, false, false),
        ("ratio", "real", 4, 24, 0, false, false, false),
        ("score", "float", 8, 53, 0, false, false, false),
        ("born", "date", 3, 10, 0, false, false, false),
        ("happened", "datetime", 8, 23, 3, false, false, false),
        ("happened_exactly", "datetime2", 8, 27, 7, false, false, false),
        ("roughly", "smalldatetime", 4, 16, 0, false, false, false),
        ("at_offset", "datetimeoffset", 10, 34, 7, false, false, false),
        ("opens", "time", 5, 16, 7, false, false, false),
        ("uid", "uniqueidentifier", 16, 0, 0, false, false, false),
        ("code", "char", 10, 0, 0, false, false, false),
        ("name", "varchar", 45, 0, 0, false, false, false),
        ("title", "nvarchar", 200, 0, 0, false, false, false),
        ("initials", "nchar", 6, 0, 0, false, false, false),
        ("notes", "nvarchar", -1, 0, 0, false, false, false),
        ("legacy_text", "text", 16, 0, 0, false, false, false),
        ("legacy_ntext", "ntext", 16, 0, 0, false, false, false),
        ("fixed_bin", "binary", 16, 0, 0, false, false, false),
        ("var_bin", "varbinary", 64, 0, 0, false, false, false),
        ("big_bin", "varbinary", -1, 0, 0, false, false, false),
        ("picture", "image", 16, 0, 0, false, false, false),
        ("doc", "xml", -1, 0, 0, false, false, false),
        ("variant", "sql_variant", 8016, 0, 0, false, false, false),
        ("node", "hierarchyid", 892, 0, 0, false, false, false),
        ("place", "geography", -1, 0, 0, false, false, false),
        ("shape", "geometry", -1, 0, 0, false, false, false),
        ("owner_name", "sysname", 256, 0, 0, false, false, false),
        ("phone", "nvarchar", 50, 0, 0, false, false, false),
        ("version", "timestamp", 8, 0, 0, false, false, false),
        ("total", "decimal", 9, 13, 2, true, false, true),
        ("total_stored", "decimal", 9, 13, 2, true, false, true),
        ("sparse_note", "nvarchar", 100, 0, 0, true, false, false),
    ];

    private static readonly string[] LeftToTheServer = ["version", "total", "total_stored"];

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

    private static TableSchema OfflineZoo() => new("dbo", "zoo", Catalog.Select(c => SqlServerTypes.Column(c.Name, c.Type, c.MaxLength, c.Precision, c.Scale, c.Nullable, c.Identity, c.Computed, null)).ToList())
    {
        PrimaryKey = ["id"],
    };

    private static Manifest Parse(string yaml, string connection) =>
        Manifest.Parse(yaml, "zoo.yaml", new ManifestOptions { Variables = new Dictionary<string, string> { ["connection"] = connection }, Environment = _ => null, Stores = Stores });

    [Fact]
    public void The_zoo_s_DDL_parses_as_T_SQL()
    {
        Zoo.SelectMany(TsqlSyntaxTests.Errors).Should().BeEmpty();
        Catalog.Select(c => c.Name).Should().Equal(ColumnNames().Matches(Zoo[1]).Select(m => m.Groups[1].Value), "the offline catalog describes the zoo's columns, in order");
    }

    [Fact]
    public async Task Every_zoo_type_is_scaffolded_offline_to_values_its_column_takes()
    {
        var table = OfflineZoo();
        var yaml = ManifestScaffold.Write(new DatabaseSchema([table]), new ScaffoldOptions { Kind = "sqlserver", Rows = 200 });
        var memory = new MemoryOutput();
        await DataGenerator.GenerateAsync(Parse(yaml, "Server=unused"), memory, cancellationToken: Ct);

        var fields = memory.Models["zoo"].Fields.Select(f => f.Name).ToList();
        fields.Should().BeEquivalentTo(Catalog.Select(c => c.Name).Except(LeftToTheServer), "every column but rowversion and computed ones is filled (identity values are supplied, as everywhere)");
        var rows = memory.Rows["zoo"];
        rows.Should().HaveCount(200);
        object?[] Column(string name) => rows.Select(r => r[fields.IndexOf(name)]).ToArray();

        Column("tiny").Cast<long>().Should().OnlyContain(v => v >= 0 && v <= 255);
        Column("small").Cast<long>().Should().OnlyContain(v => v >= short.MinValue && v <= short.MaxValue);
        Column("petty").Cast<decimal>().Should().OnlyContain(v => v >= -214748.3648m && v <= 214748.3647m);
        Column("amount").Cast<decimal>().Should().OnlyContain(v => decimal.Round(v, 4) == v);
        Column("price").Cast<decimal>().Should().OnlyContain(v => Math.Abs(v) < 10_000_000m && decimal.Round(v, 2) == v);
        Column("roughly").Cast<DateTime>().Should().OnlyContain(d => d.Year >= 1900 && d.Year <= 2079);
        Column("fixed_bin").Cast<byte[]>().Should().OnlyContain(b => b.Length == 16, "binary(16) pads: exactly 16 bytes come back as written");
        Column("var_bin").Cast<byte[]>().Should().OnlyContain(b => b.Length <= 64);
        Column("big_bin").Should().AllBeOfType<byte[]>();
        Column("picture").Should().AllBeOfType<byte[]>();
        Column("doc").Cast<string>().Should().OnlyContain(x => System.Xml.Linq.XElement.Parse(x, System.Xml.Linq.LoadOptions.None) != null);
        Column("uid").Should().AllBeOfType<Guid>();
        foreach (var (name, length) in new[] { ("code", 10), ("name", 45), ("title", 100), ("initials", 3), ("owner_name", 128), ("phone", 25) })
        {
            Column(name).Cast<string>().Should().OnlyContain(s => s.Length <= length, $"{name} holds at most {length} characters");
        }

        foreach (var clr in new[] { "node", "place", "shape" })
        {
            var type = Catalog.Single(c => c.Name == clr).Type;
            var bytes = Column(clr).Cast<string>().Select(text => SqlServerTypes.ToClrBytes(type, text)).ToList();
            bytes.Select(Convert.ToHexString).Distinct().Should().HaveCountGreaterThan(20, $"{clr} ({type}) values differ and all convert to the bytes SqlBulkCopy sends");
        }

        Column("place").Cast<string>().Select(Latitude).Should().OnlyContain(lat => lat >= -90 && lat <= 90);
        Column("sparse_note").Should().Contain(v => v != null, "a sparse column is filled too (mostly)");
    }

    [Theory]
    [InlineData("/", "")]
    [InlineData("/0/", "48")]
    [InlineData("/1/", "58")]
    [InlineData("/2/", "68")]
    [InlineData("/1/1/", "5AC0")]
    [InlineData("/1/2/", "5B40")]
    [InlineData("/1/4/", "5C20")]
    public void A_hierarchyid_path_becomes_the_bytes_SQL_Server_stores_for_it(string path, string hex)
    {
        Convert.ToHexString(SqlServerTypes.ToClrBytes("hierarchyid", path)).Should().Be(hex);
    }

    [Fact]
    public void A_point_becomes_SQL_Server_s_spatial_serialization_and_anything_else_is_an_error_naming_the_column()
    {
        var geography = SqlServerTypes.ToClrBytes("geography", "POINT(-122.349 47.651)");
        Convert.ToHexString(geography[..6]).Should().Be("E6100000010C", "SRID 4326, version 1, a valid single point");
        BitConverter.ToDouble(geography, 6).Should().Be(47.651, "geography stores the latitude first");
        BitConverter.ToDouble(geography, 14).Should().Be(-122.349);
        var geometry = SqlServerTypes.ToClrBytes("geometry", "POINT (3 4)");
        Convert.ToHexString(geometry[..6]).Should().Be("00000000010C");
        BitConverter.ToDouble(geometry, 6).Should().Be(3);

        var model = new ModelDescriptor("zoo", null, [new("place", ValueKind.String, false)], 1);
        var act = () => SqlServerDialect.ToTable(model, [["LINESTRING(1 2, 3 4)"]], new Dictionary<string, string> { ["place"] = "geography" });
        var error = act.Should().Throw<GenerationException>().Which;
        error.Model.Should().Be("zoo");
        error.Field.Should().Be("place");
        error.Message.Should().Contain("table 'zoo', column 'place' (geography)").And.Contain("points only");
        SqlServerDialect.ToTable(model, [["POINT(1 2)"]], new Dictionary<string, string> { ["place"] = "geography" }).Rows[0]["place"].Should().BeOfType<byte[]>();
    }

    [Fact]
    public async Task The_zoo_is_scaffolded_validated_and_loaded_with_no_edits_and_every_column_is_filled()
    {
        if (_container is null)
        {
            var why = DataGen.Xunit.DataGenContainers.WhyUnavailable(Image) ?? "the SQL Server container did not start";
            Assert.SkipWhen(!(Environment.GetEnvironmentVariable("DATAGEN_REQUIRE") ?? string.Empty).Split(',', StringSplitOptions.TrimEntries).Contains("sqlserver", StringComparer.OrdinalIgnoreCase), $"SQL Server cannot run here: {why}");
            Assert.Fail($"DATAGEN_REQUIRE names sqlserver, but SQL Server cannot run: {why}");
        }

        var first = await NewZooAsync();
        var second = await NewZooAsync();
        var schema = await SqlServerStoreProvider.Instance.ReadSchemaAsync(new Datastore("db", "sqlserver", new Dictionary<string, string> { ["connection"] = first }), null, Ct);
        var yaml = ManifestScaffold.Write(schema, new ScaffoldOptions { Kind = "sqlserver", Rows = 100 });
        TestContext.Current.TestOutputHelper?.WriteLine(yaml);

        foreach (var db in new[] { first, second })
        {
            var manifest = Parse(yaml, db);
            (await manifest.ValidateAgainstAsync(Stores, Ct)).Should().BeEmpty("SQL Server rolls a trial load back completely");
            await using var output = Stores.CreateOutput(manifest, new StoreLoadOptions(), null);
            await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
        }

        var select = "SELECT " + string.Join(", ", Catalog.Select(c => c.Type switch
        {
            "hierarchyid" or "geography" or "geometry" or "xml" or "sql_variant" or "text" or "ntext" => $"CAST({Quoted(c.Name)} AS nvarchar(max))",
            _ => Quoted(c.Name),
        })) + " FROM dbo.zoo ORDER BY id";
        var rows = await QueryAsync(first, select);
        rows.Should().HaveCount(100);
        for (var c = 0; c < Catalog.Length; c++)
        {
            var (name, type, _, _, _, nullable, _, _) = Catalog[c];
            var values = rows.Select(r => r[c]).ToList();
            if (nullable)
            {
                values.Should().Contain(v => v != null, $"{name} ({type}) is filled in some rows");
            }
            else
            {
                values.Should().OnlyContain(v => v != null, $"{name} ({type}) is filled in every row");
            }
        }

        // The CLR types read back as generated: the bytes DataGen builds are the values SQL Server understands.
        var generated = new MemoryOutput();
        await DataGenerator.GenerateAsync(Parse(yaml, first), generated, cancellationToken: Ct);
        var fields = generated.Models["zoo"].Fields.Select(f => f.Name).ToList();
        foreach (var clr in new[] { "node", "place", "shape" })
        {
            var expected = generated.Rows["zoo"].Select(r => (string)r[fields.IndexOf(clr)]!).ToList();
            var actual = rows.Select(r => (string)r[Array.FindIndex(Catalog, c => c.Name == clr)]!).ToList();
            actual.Select(Canonical).Should().Equal(expected.Select(Canonical), $"{clr} holds the values generated");
        }
        // rowversion counts the database's own writes: left out of the comparison.
        var version = Array.FindIndex(Catalog, c => c.Name == "version");
        (await QueryAsync(second, select)).Select(r => Digest(r.Where((_, i) => i != version).ToArray())).Should()
            .Equal(rows.Select(r => Digest(r.Where((_, i) => i != version).ToArray())), "the same seed fills a second database with the same table");
    }

    private async Task<string> NewZooAsync()
    {
        var database = $"zoo_{Interlocked.Increment(ref _databases)}";
        await using (var master = new SqlConnection(_container!.GetConnectionString()))
        {
            await master.OpenAsync(Ct);
            await using var create = new SqlCommand($"CREATE DATABASE [{database}]", master);
            await create.ExecuteNonQueryAsync(Ct);
        }

        var db = new SqlConnectionStringBuilder(_container.GetConnectionString()) { InitialCatalog = database }.ConnectionString;
        await using var connection = new SqlConnection(db);
        await connection.OpenAsync(Ct);
        foreach (var batch in Zoo)
        {
            await using var command = new SqlCommand(batch, connection);
            await command.ExecuteNonQueryAsync(Ct);
        }

        return db;
    }

    private static async Task<List<object?[]>> QueryAsync(string db, string sql)
    {
        await using var connection = new SqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new SqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(Ct))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static string Quoted(string name) => SqlServerDialect.QuoteIdentifier(name);

    private static string Digest(object?[] row) => string.Join("|", row.Select(v => v switch
    {
        null => "∅",
        byte[] bytes => Convert.ToHexString(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString(),
    }));

    /// <summary>A hierarchyid path as is; a point as its coordinates to 6 places (SQL Server prints <c>POINT (x y)</c>).</summary>
    private static string Canonical(string value) => PointText().Match(value) is { Success: true } m
        ? string.Join(" ", new[] { m.Groups[1].Value, m.Groups[2].Value }.Select(v => Math.Round(double.Parse(v, CultureInfo.InvariantCulture), 6).ToString(CultureInfo.InvariantCulture)))
        : value;

    private static double Latitude(string wkt) => double.Parse(PointText().Match(wkt).Groups[2].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s+(\w+) ", RegexOptions.Multiline)]
    private static partial Regex ColumnNames();

    [GeneratedRegex(@"POINT\s*\(\s*(\S+)\s+(\S+)\s*\)")]
    private static partial Regex PointText();
}
