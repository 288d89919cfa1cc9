using System.Globalization;
using DataGen.Outputs;
using DataGen.Schemas;
using DataGen.Stores;
using Microsoft.Data.Sqlite;

namespace DataGen.Sqlite.Tests;

/// <summary>
/// Issue 24's type zoo for SQLite: every affinity and the declared types people write, NOT NULL, in a rowid table and in
/// WITHOUT ROWID tables; scaffolded, validated and loaded with no edits; every value reads back as generated, in the
/// storage class its type means, and the same seed gives the same tables.
/// </summary>
public sealed class TypeZooTests : IDisposable
{
    private const string Zoo = """
        CREATE TABLE zoo (
          id INTEGER PRIMARY KEY,
          name VARCHAR(45) NOT NULL,
          created DATETIME NOT NULL,
          stamped TIMESTAMP NOT NULL,
          active BOOLEAN NOT NULL,
          price NUMERIC(5,2) NOT NULL,
          amount DECIMAL NOT NULL,
          fixed NUMERIC NOT NULL,
          release_year YEAR NOT NULL,
          made YEAR NOT NULL,
          picture BLOB NOT NULL,
          notes CLOB NOT NULL,
          nickname NVARCHAR(30) NOT NULL,
          body TEXT NOT NULL,
          quantity INT NOT NULL,
          big BIGINT NOT NULL,
          ratio REAL NOT NULL,
          score DOUBLE NOT NULL,
          weight FLOAT NOT NULL,
          born DATE NOT NULL,
          opens TIME NOT NULL,
          anything NOT NULL
        );
        CREATE TABLE pairs (a INTEGER NOT NULL, b TEXT NOT NULL, payload BLOB NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
        CREATE TABLE keyed (id INTEGER PRIMARY KEY, note TEXT NOT NULL) WITHOUT ROWID;
        """;

    private static readonly StoreCatalog Stores = StoreCatalog.FilesOnly.With(SqliteStoreProvider.Instance);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-sqlite-zoo-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private string NewZoo(string name)
    {
        var path = Path.Combine(_directory.FullName, name);
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = Zoo;
        command.ExecuteNonQuery();
        return path;
    }

    private static List<object?[]> Query(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
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

    private static Task<DatabaseSchema> DescribeAsync(string path) =>
        SqliteStoreProvider.Instance.ReadSchemaAsync(new Datastore("db", "sqlite", new Dictionary<string, string> { ["path"] = path }), null, Ct);

    private static string Scaffold(DatabaseSchema schema) =>
        ManifestScaffold.Write(schema, new ScaffoldOptions { Kind = "sqlite", Rows = 100, Settings = new Dictionary<string, string> { ["path"] = "{{path}}" } })
            .Replace("seed: 1\n", "seed: 1\nvariables:\n  path: null\n", StringComparison.Ordinal);

    private static Manifest Parse(string yaml, string path) =>
        Manifest.Parse(yaml, "zoo.yaml", new ManifestOptions { Variables = new Dictionary<string, string> { ["path"] = path }, Environment = _ => null, Stores = Stores });

    /// <summary>Validates and loads; returns the rows generated (the same manifest into memory).</summary>
    private static async Task<MemoryOutput> LoadAsync(string yaml, string path)
    {
        var manifest = Parse(yaml, path);
        await manifest.ValidateAgainstAsync(Stores, Ct);
        await using (var output = Stores.CreateOutput(manifest, new StoreLoadOptions(), null))
        {
            await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
            await output.CompleteAsync(Ct);
        }

        var memory = new MemoryOutput();
        await DataGenerator.GenerateAsync(Parse(yaml, path), memory, cancellationToken: Ct);
        return memory;
    }

    [Fact]
    public async Task Declared_types_are_described_by_affinity_and_name()
    {
        var schema = await DescribeAsync(NewZoo("describe.db"));
        var zoo = schema.Find("zoo")!;

        zoo.Column("release_year")!.Kind.Should().Be(ValueKind.Integer, "a YEAR is a number, not a lorem word");
        zoo.Column("picture")!.Kind.Should().Be(ValueKind.Bytes);
        zoo.Column("picture")!.Generator.Should().StartWith("{ type: bytes");
        zoo.Column("price")!.Precision.Should().Be(5);
        zoo.Column("name")!.MaxLength.Should().Be(45);
        zoo.Column("id")!.Identity.Should().BeTrue("INTEGER PRIMARY KEY is the rowid");
        schema.Find("keyed")!.Column("id")!.Identity.Should().BeFalse("in a WITHOUT ROWID table nothing numbers the key");
    }

    [Fact]
    public async Task Every_declared_type_is_scaffolded_validated_and_loaded_with_no_edits_and_reads_back_as_generated()
    {
        var path = NewZoo("zoo.db");
        var schema = await DescribeAsync(path);

        var generated = await LoadAsync(Scaffold(schema), path);

        foreach (var table in schema.Tables)
        {
            var rows = Query(path, $"SELECT {string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\", typeof(\"{c.Name}\")"))} FROM \"{table.Name}\" ORDER BY 1, 3");
            var model = generated.Models[table.Name];
            var expected = generated.Rows[table.Name].OrderBy(r => r[0]).ThenBy(r => ValueText.Format(r[1]), StringComparer.Ordinal).ToList();
            rows.Should().HaveCount(expected.Count, table.Name).And.HaveCountGreaterThan(0);
            for (var r = 0; r < rows.Count; r++)
            {
                for (var c = 0; c < table.Columns.Count; c++)
                {
                    var column = table.Columns[c];
                    var (actual, storage) = (rows[r][2 * c], (string)rows[r][(2 * c) + 1]!);
                    actual.Should().NotBeNull($"{table.Name}.{column.Name} in row {r}");
                    StorageClasses(column.Kind).Should().Contain(storage, $"{table.Name}.{column.Name} ({column.DataType}) holds {actual}");
                    var f = model.Fields.ToList().FindIndex(x => x.Name == column.Name);
                    Same(expected[r][f], actual!).Should().BeTrue($"{table.Name}.{column.Name} ({column.DataType}) in row {r} holds {Show(actual)}, generated {Show(expected[r][f])}");
                }
            }
        }

        Query(path, "SELECT min(release_year), max(release_year), min(made), max(made) FROM zoo")[0].Should().OnlyContain(y => (long)y! >= 1900 && (long)y! <= 2100);
        Query(path, "SELECT count(DISTINCT length(picture)) FROM zoo")[0][0].Should().BeOfType<long>().Which.Should().BeGreaterThan(10, "blobs have the sizes generated");
    }

    [Fact]
    public async Task The_same_seed_fills_a_second_fresh_database_with_the_same_tables()
    {
        var first = NewZoo("first.db");
        var second = NewZoo("second.db");
        var schema = await DescribeAsync(first);
        var yaml = Scaffold(schema);

        await LoadAsync(yaml, first);
        await LoadAsync(yaml, second);

        foreach (var table in schema.Tables)
        {
            var digest = $"SELECT group_concat(x, '|') FROM (SELECT {string.Join(" || ',' || ", table.Columns.Select(c => $"quote(\"{c.Name}\")"))} AS x FROM \"{table.Name}\" ORDER BY x)";
            Query(second, digest)[0][0].Should().NotBeNull().And.Be(Query(first, digest)[0][0], table.Name);
        }
    }

    /// <summary>SQLite's storage classes for a kind (NUMERIC affinity keeps a whole decimal as an integer).</summary>
    private static string[] StorageClasses(ValueKind kind) => kind switch
    {
        ValueKind.Integer or ValueKind.Boolean => ["integer"],
        ValueKind.Double => ["real"],
        ValueKind.Decimal => ["real", "integer"],
        ValueKind.Bytes => ["blob"],
        _ => ["text"],
    };

    private static string Show(object? value) => value is byte[] bytes ? $"{bytes.Length} bytes" : ValueText.Format(value);

    private static bool Same(object? generated, object actual) => generated switch
    {
        null => false,
        byte[] bytes => actual is byte[] b && b.AsSpan().SequenceEqual(bytes),
        bool flag => actual is long l && l == (flag ? 1 : 0),
        long n => actual is long l && l == n,
        decimal or double => actual is double or long && Math.Abs(Convert.ToDouble(actual, CultureInfo.InvariantCulture) - Convert.ToDouble(generated, CultureInfo.InvariantCulture)) < 1e-9,
        _ => actual is string s && s == ValueText.Format(generated),
    };
}
