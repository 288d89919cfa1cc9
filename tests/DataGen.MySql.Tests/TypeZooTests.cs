using System.Globalization;
using System.Text.RegularExpressions;
using DataGen.Outputs;
using DataGen.Schemas;
using DataGen.Stores;
using MySqlConnector;

namespace DataGen.MySql.Tests;

/// <summary>
/// Issue 24's type zoo: one table with a NOT NULL column of every MySQL/MariaDB type people use, scaffolded, validated
/// against the live schema and loaded with no edits; every value reads back as generated, and the same seed gives the same table.
/// </summary>
public sealed partial class TypeZooTests(MySqlServer server)
{
    private static readonly StoreCatalog Stores = StoreCatalog.FilesOnly.With(MySqlStoreProvider.Instance);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Zoo(bool mariaDb) => $"""
        CREATE TABLE zoo (
          id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
          special_features SET('Trailers','Commentaries','Deleted Scenes','Behind the Scenes') NOT NULL,
          rating ENUM('G','PG','PG-13','R','NC-17') NOT NULL,
          release_year YEAR NOT NULL,
          made YEAR NOT NULL,
          flags BIT(8) NOT NULL,
          one_bit BIT(1) NOT NULL,
          active TINYINT(1) NOT NULL,
          tiny TINYINT NOT NULL,
          tiny_unsigned TINYINT UNSIGNED NOT NULL,
          small_unsigned SMALLINT UNSIGNED NOT NULL,
          medium_unsigned MEDIUMINT UNSIGNED NOT NULL,
          int_unsigned INT UNSIGNED NOT NULL,
          big_unsigned BIGINT UNSIGNED NOT NULL,
          tiny_blob TINYBLOB NOT NULL,
          plain_blob BLOB NOT NULL,
          picture MEDIUMBLOB NOT NULL,
          long_blob LONGBLOB NOT NULL,
          fixed_binary BINARY(16) NOT NULL,
          var_binary VARBINARY(64) NOT NULL,
          tiny_text TINYTEXT NOT NULL,
          plain_text TEXT NOT NULL,
          medium_text MEDIUMTEXT NOT NULL,
          long_text LONGTEXT NOT NULL,
          shape GEOMETRY NOT NULL,
          location POINT NOT NULL,
          route LINESTRING NOT NULL,
          area POLYGON NOT NULL,
          place POINT {(mariaDb ? "REF_SYSTEM_ID=4326" : "SRID 4326")} NOT NULL,
          attributes JSON NOT NULL,
          price DECIMAL(7,2) NOT NULL,
          ratio FLOAT NOT NULL,
          score DOUBLE NOT NULL,
          born DATE NOT NULL,
          happened DATETIME(6) NOT NULL,
          stamped TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
          opens TIME NOT NULL,
          code CHAR(10) CHARACTER SET latin1 NOT NULL,
          title VARCHAR(45) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
          label VARCHAR(20) CHARACTER SET ascii NOT NULL,
          derived INT AS (int_unsigned % 7) VIRTUAL,
          stored_label VARCHAR(60) AS (CONCAT(rating, '-', release_year)) STORED
        ) CHARACTER SET utf8mb4
        """;

    private static readonly string[] Geometry = ["geometry", "point", "linestring", "polygon"];

    private static async Task<bool> IsMariaDbAsync(string connection) =>
        ((string)(await QueryAsync(connection, "SELECT VERSION()"))[0][0]!).Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    private static async Task<List<object?[]>> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new MySqlCommand(sql, connection);
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

    private static async Task<DatabaseSchema> DescribeAsync(string connection) =>
        await MySqlStoreProvider.Instance.ReadSchemaAsync(new Datastore("db", "mysql", new Dictionary<string, string> { ["connection"] = connection }), null, Ct);

    private static Manifest Parse(string yaml, string connection) =>
        Manifest.Parse(yaml, "zoo.yaml", new ManifestOptions { Variables = new Dictionary<string, string> { ["connection"] = connection }, Environment = _ => null, Stores = Stores });

    private async Task<(string Connection, TableSchema Table)> NewZooAsync()
    {
        var connection = await server.NewDatabaseAsync();
        await QueryAsync(connection, Zoo(await IsMariaDbAsync(connection)));
        return (connection, (await DescribeAsync(connection)).Find("zoo")!);
    }

    /// <summary>The scaffolded manifest (with the connection as a variable), validated, loaded; returns the rows it generated.</summary>
    private static async Task<MemoryOutput> LoadAsync(string yaml, string connection)
    {
        var manifest = Parse(yaml, connection);
        await manifest.ValidateAgainstAsync(Stores, Ct);
        await using (var output = Stores.CreateOutput(manifest, new StoreLoadOptions(), null))
        {
            await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
            await output.CompleteAsync(Ct);
        }

        var memory = new MemoryOutput();
        await DataGenerator.GenerateAsync(Parse(yaml, connection), memory, cancellationToken: Ct);
        return memory;
    }

    private static string Select(TableSchema table) => "SELECT " + string.Join(", ", table.Columns.Select(c =>
        Geometry.Contains(c.DataType.Split(' ')[0]) ? $"ST_AsText(`{c.Name}`)" : $"`{c.Name}`")) + " FROM zoo ORDER BY id";

    [Fact]
    public async Task Every_type_is_scaffolded_validated_and_loaded_with_no_edits_and_reads_back_as_generated()
    {
        var (connection, table) = await NewZooAsync();
        var yaml = ManifestScaffold.Write(new DatabaseSchema([table]), new ScaffoldOptions { Kind = "mysql", Rows = 100 });

        var generated = await LoadAsync(yaml, connection);

        var rows = await QueryAsync(connection, Select(table));
        rows.Should().HaveCount(100);
        var fields = generated.Models["zoo"].Fields.Select(f => f.Name).ToList();
        var expected = generated.Rows["zoo"];
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < table.Columns.Count; c++)
            {
                var column = table.Columns[c];
                var actual = rows[r][c];
                actual.Should().NotBeNull($"row {r}, column {column.Name} ({column.DataType})");
                var f = fields.IndexOf(column.Name);
                if (f >= 0)
                {
                    Same(column, expected[r][f], actual!).Should().BeTrue($"row {r}, column {column.Name} ({column.DataType}) holds {Show(actual)}, generated {Show(expected[r][f])}");
                }
            }
        }

        rows.Select(r => ((byte[])r[table.Columns.ToList().FindIndex(c => c.Name == "picture")]!).Length).Should().OnlyContain(n => n >= 16, "a MEDIUMBLOB holds the bytes generated, not one byte")
            .And.Subject.Distinct().Should().HaveCountGreaterThan(10);
        rows.Select(r => (string)r[table.Columns.ToList().FindIndex(c => c.Name == "special_features")]!).Distinct().Should().HaveCountGreaterThan(5, "SET values are subsets, not one constant");
        rows.Select(r => Convert.ToInt32(r[table.Columns.ToList().FindIndex(c => c.Name == "made")], CultureInfo.InvariantCulture)).Should().OnlyContain(y => y >= 1901 && y <= 2155);
    }

    [Fact]
    public async Task The_same_seed_fills_a_second_fresh_database_with_the_same_table()
    {
        var (first, table) = await NewZooAsync();
        var (second, _) = await NewZooAsync();
        var yaml = ManifestScaffold.Write(new DatabaseSchema([table]), new ScaffoldOptions { Kind = "mysql", Rows = 50 });

        await LoadAsync(yaml, first);
        await LoadAsync(yaml, second);

        var select = Select(table);
        (await QueryAsync(second, select)).Select(Digest).Should().Equal((await QueryAsync(first, select)).Select(Digest));
    }

    [Fact]
    public async Task A_value_the_server_would_cut_is_an_error_naming_model_table_column_and_row()
    {
        var connection = await server.NewDatabaseAsync();
        await QueryAsync(connection, "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, features SET('a','b') NOT NULL, note VARCHAR(3) NOT NULL)");
        var manifest = Parse("""
            variables: { connection: null }
            datastores: { db: { kind: mysql, connection: "{{connection}}" } }
            models:
              things:
                store: db
                table: t
                count: 3
                fields: { id: sequence, features: { type: constant, value: "a,c" }, note: { type: constant, value: ok } }
            """, connection);

        var act = async () =>
        {
            await using var output = Stores.CreateOutput(manifest, new StoreLoadOptions(), null);
            await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
        };

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Message.Should().Contain("model 'things'").And.Contain("table 't'").And.Contain("column 'features'").And.Contain("row 0");
        (await QueryAsync(connection, "SELECT COUNT(*) FROM t"))[0][0].Should().Be(0L, "nothing is kept");
    }

    private static string Digest(object?[] row) => string.Join("|", row.Select(Show));

    private static string Show(object? value) => value switch
    {
        null => "NULL",
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => ValueText.Format(value),
    };

    /// <summary>Whether what the column holds is the generated value (numbers as numbers, geometry by its coordinates, floats to their precision).</summary>
    private static bool Same(ColumnSchema column, object? generated, object actual)
    {
        var type = column.DataType.Split('(', ' ')[0];
        switch (generated)
        {
            case null:
                return false;
            case byte[] bytes:
                return actual is byte[] b && b.AsSpan().SequenceEqual(bytes);
            case bool flag:
                return Convert.ToInt64(actual, CultureInfo.InvariantCulture) == (flag ? 1 : 0);
            case long or decimal when type is "float":
                return Math.Abs(Convert.ToDouble(actual, CultureInfo.InvariantCulture) - Convert.ToDouble(generated, CultureInfo.InvariantCulture)) <= 1e-3 * Math.Max(1, Math.Abs(Convert.ToDouble(generated, CultureInfo.InvariantCulture)));
            case long or decimal or double:
                return Convert.ToDecimal(actual, CultureInfo.InvariantCulture) == Convert.ToDecimal(generated, CultureInfo.InvariantCulture);
            case DateOnly date:
                return actual is DateTime d && DateOnly.FromDateTime(d) == date && d.TimeOfDay == TimeSpan.Zero;
            case DateTime moment:
                return actual is DateTime t && t == DateTime.SpecifyKind(moment, DateTimeKind.Unspecified);
            case TimeOnly time:
                return actual is TimeSpan span && span == time.ToTimeSpan();
            case string text when Geometry.Contains(type):
                return Coordinates(text).SequenceEqual(Coordinates((string)actual));
            case string text:
                return (string)actual == text;
            default:
                return ValueText.ToJson(generated) == (string)actual;
        }
    }

    private static IEnumerable<double> Coordinates(string wkt) => Number().Matches(wkt).Select(m => Math.Round(double.Parse(m.Value, CultureInfo.InvariantCulture), 6));

    [GeneratedRegex(@"-?\d+(\.\d+)?(e-?\d+)?")]
    private static partial Regex Number();
}
