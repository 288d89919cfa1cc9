using System.Globalization;
using System.Text;
using DataGen.Outputs;
using DataGen.Schemas;
using DataGen.Stores;
using DataGen.Tests.Shared;
using Npgsql;

namespace DataGen.PostgreSql.Tests;

/// <summary>
/// A column of every built-in PostgreSQL type (OID types aside) and of the extension types people use, each also
/// through a domain and a domain over that domain, all NOT NULL, plus an exclusion constraint over a range: scaffolded,
/// validated against the live schema and loaded with no edits, every value there and the same seed giving the same
/// tables (issue 24, items 1 and 3).
/// </summary>
public sealed class TypeZooTests(PostgresServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly StoreCatalog Stores = StoreCatalog.FilesOnly.With(PostgresStoreProvider.Instance);

    /// <summary>Column name suffix → type, as a schema declares it.</summary>
    private static readonly (string Name, string Type)[] Types =
    [
        ("int2", "smallint"), ("int4", "integer"), ("int8", "bigint"), ("numeric_p", "numeric(10,2)"), ("numeric", "numeric"),
        ("float4", "real"), ("float8", "double precision"), ("bool", "boolean"), ("char", "char(5)"), ("bpchar", "character"),
        ("varchar", "varchar(40)"), ("text", "text"), ("name", "name"), ("qchar", "\"char\""),
        ("date", "date"), ("time", "time"), ("timetz", "timetz"), ("timestamp", "timestamp"), ("timestamptz", "timestamptz"),
        ("interval", "interval"), ("money", "money"), ("uuid", "uuid"), ("json", "json"), ("jsonb", "jsonb"), ("bytea", "bytea"),
        ("xml", "xml"), ("tsvector", "tsvector"), ("tsquery", "tsquery"), ("bit", "bit(8)"), ("bit1", "bit"), ("varbit", "varbit(16)"),
        ("cidr", "cidr"), ("inet", "inet"), ("macaddr", "macaddr"), ("macaddr8", "macaddr8"),
        ("point", "point"), ("line", "line"), ("lseg", "lseg"), ("box", "box"), ("path", "path"), ("polygon", "polygon"), ("circle", "circle"),
        ("int4range", "int4range"), ("int8range", "int8range"), ("numrange", "numrange"), ("tsrange", "tsrange"), ("tstzrange", "tstzrange"), ("daterange", "daterange"),
        ("int4multirange", "int4multirange"), ("int8multirange", "int8multirange"), ("nummultirange", "nummultirange"),
        ("tsmultirange", "tsmultirange"), ("tstzmultirange", "tstzmultirange"), ("datemultirange", "datemultirange"),
        ("pg_lsn", "pg_lsn"), ("pg_snapshot", "pg_snapshot"),
        ("citext", "citext"), ("ltree", "ltree"), ("hstore", "hstore"),
        ("enum", "mood"), ("enum_array", "mood[]"), ("composite", "address"), ("composite_array", "address[]"),
        ("int_array", "integer[]"), ("text_array", "text[]"), ("inet_array", "inet[]"), ("range_array", "int4range[]"), ("bit_array", "bit(4)[]"),
    ];

    private static string ZooSql()
    {
        var sql = new StringBuilder("""
            CREATE EXTENSION IF NOT EXISTS hstore;
            CREATE EXTENSION IF NOT EXISTS citext;
            CREATE EXTENSION IF NOT EXISTS ltree;
            CREATE EXTENSION IF NOT EXISTS btree_gist;
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            CREATE TYPE address AS (street text, number integer, zip char(5), mood mood, tags text[], geo point, during daterange);

            """);
        var columns = new List<string> { "id integer PRIMARY KEY" };
        foreach (var (name, type) in Types)
        {
            // A domain over the type, and a domain over that domain: the inner one NOT NULL, the outer one plain.
            sql.Append(CultureInfo.InvariantCulture, $"CREATE DOMAIN d_{name} AS {type} NOT NULL;\nCREATE DOMAIN dd_{name} AS d_{name};\n");
            columns.Add($"c_{name} {type} NOT NULL");
            columns.Add($"d_{name} d_{name} NOT NULL");
            columns.Add($"dd_{name} dd_{name} NOT NULL");
        }

        sql.Append(CultureInfo.InvariantCulture, $"CREATE TABLE zoo (\n    {string.Join(",\n    ", columns)}\n);\n");
        sql.Append("""
            CREATE TABLE booking (
                booking_id integer PRIMARY KEY,
                room integer NOT NULL,
                during tstzrange NOT NULL,
                nights daterange NOT NULL,
                EXCLUDE USING gist (room WITH =, during WITH &&),
                EXCLUDE USING gist (room WITH =, nights WITH &&)
            );
            """);
        return sql.ToString();
    }

    private async Task<string> ZooDatabaseAsync()
    {
        var db = await server.NewDatabaseAsync();
        await ExecuteAsync(db, ZooSql());
        return db;
    }

    private static async Task ExecuteAsync(string db, string sql)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static Task<DatabaseSchema> DescribeAsync(string db) =>
        PostgresStoreProvider.Instance.ReadSchemaAsync(new Datastore("db", "postgres", new Dictionary<string, string> { ["connection"] = db }), null, Ct);

    private static async Task<T> Scalar<T>(string db, string sql)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync(Ct))!, typeof(T), CultureInfo.InvariantCulture);
    }

    private static Manifest Parse(string db, string yaml) =>
        Manifest.Parse(yaml, "zoo.yaml", new ManifestOptions { Variables = new Dictionary<string, string> { ["connection"] = db }, Environment = _ => null, Stores = Stores });

    private static async Task LoadAsync(string db, string yaml)
    {
        var manifest = Parse(db, yaml);
        await using var output = Stores.CreateOutput(manifest, new StoreLoadOptions(), null);
        await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
    }

    [Fact]
    public async Task Every_type_is_scaffolded_validated_and_loaded_with_no_edits_reproducibly()
    {
        var first = await ZooDatabaseAsync();
        var second = await ZooDatabaseAsync();
        var schema = await DescribeAsync(first);
        var yaml = ManifestScaffold.Write(schema, new ScaffoldOptions { Kind = "postgres", Rows = 100 });
        TestContext.Current.TestOutputHelper?.WriteLine(yaml);

        await Parse(first, yaml).ValidateAgainstAsync(Stores, Ct);
        await LoadAsync(first, yaml);
        await LoadAsync(second, yaml);

        var zoo = schema.Find("zoo")!;
        zoo.Columns.Should().HaveCount(1 + (3 * Types.Length));
        zoo.Columns.Should().OnlyContain(c => !c.Nullable, "NOT NULL is read from the column and from nested domains");
        foreach (var table in schema.Tables)
        {
            (await Scalar<long>(first, $"SELECT count(*) FROM {table.Name}")).Should().Be(100, $"{table.Name} is filled");
            foreach (var column in table.Columns)
            {
                // Every value is there and its type's output function reads it back.
                (await Scalar<long>(first, $"SELECT count(*) FROM {table.Name} WHERE {column.Name} IS NULL OR {column.Name}::text IS NULL")).Should().Be(0, $"{table.Name}.{column.Name} ({column.DataType}) is filled");
            }

            var digest = $"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table.Name} t";
            (await Scalar<string>(first, digest)).Should().Be(await Scalar<string>(second, digest), $"{table.Name} holds the same rows for the same seed");
        }

        // The values are the types' own, not words cast into them.
        (await Scalar<long>(first, "SELECT count(DISTINCT c_int4range) FROM zoo")).Should().BeGreaterThan(50);
        (await Scalar<long>(first, "SELECT count(*) FROM zoo WHERE array_length(c_enum_array, 1) >= 1 AND (c_composite).mood IS NOT NULL AND c_hstore ? 'colour'")).Should().Be(100);
        (await Scalar<long>(first, "SELECT count(*) FROM zoo WHERE c_interval > interval '24 hours'")).Should().BePositive("intervals go beyond a day");
        (await Scalar<long>(first, "SELECT count(*) FROM zoo WHERE length(c_varbit) BETWEEN 1 AND 16 AND length(c_bit) = 8")).Should().Be(100);
    }

    [Fact]
    public async Task The_scaffold_writes_the_types_own_generators()
    {
        var db = await ZooDatabaseAsync();
        var zoo = (await DescribeAsync(db)).Find("zoo")!;

        foreach (var prefix in new[] { "c_", "d_", "dd_" })
        {
            zoo.Column(prefix + "bit")!.Generator.Should().Be("{ type: bits, length: 8 }", "a domain, however nested, is its base type");
            zoo.Column(prefix + "varbit")!.Generator.Should().Be("{ type: bits, min: 1, max: 16 }");
            zoo.Column(prefix + "int4range")!.Generator.Should().StartWith("{ type: range, of: int");
            zoo.Column(prefix + "tstzmultirange")!.Generator.Should().StartWith("{ type: range, of: datetime").And.Contain("count:");
            zoo.Column(prefix + "enum_array")!.Generator.Should().Be("{ type: array, count: [1, 3], items: { type: choice, values: [\"sad\", \"ok\", \"happy\"] } }");
            zoo.Column(prefix + "composite")!.Generator.Should().StartWith("{ type: object, fields: { street: ").And.Contain("mood: { type: choice");
            zoo.Column(prefix + "enum")!.AllowedValues.Should().Equal("sad", "ok", "happy");
            zoo.Column(prefix + "numeric_p")!.Scale.Should().Be(2);
            zoo.Column(prefix + "hstore")!.Kind.Should().Be(ValueKind.Object);
        }

        (await DescribeAsync(db)).Find("booking")!.Column("during")!.Generator.Should().Contain("disjoint: true", "an exclusion constraint WITH && names the column");
    }

    [Fact]
    public async Task A_value_a_type_refuses_is_an_error_naming_model_table_row_and_column()
    {
        var db = await ZooDatabaseAsync();
        await ExecuteAsync(db, "CREATE TABLE flags (id integer PRIMARY KEY, mask bit(8) NOT NULL)");
        var yaml = """
            variables: { connection: null }
            datastores:
              db: { kind: postgres, connection: "{{connection}}" }
            models:
              flags: { store: db, count: 5, fields: { id: sequence, mask: lorem.word } }
            """;

        var act = () => LoadAsync(db, yaml);

        var message = (await act.Should().ThrowAsync<GenerationException>()).Which.Message;
        message.Should().Contain("model 'flags'").And.Contain("table 'flags'").And.Contain("column 'mask'").And.Contain("row 0");
    }

    [Fact]
    public async Task A_number_the_column_would_round_is_an_error_naming_the_column()
    {
        var db = await ZooDatabaseAsync();
        await ExecuteAsync(db, "CREATE TABLE prices (id integer PRIMARY KEY, amount numeric(10,2) NOT NULL)");
        var yaml = """
            variables: { connection: null }
            datastores:
              db: { kind: postgres, connection: "{{connection}}" }
            models:
              prices: { store: db, count: 5, fields: { id: sequence, amount: { type: decimal, min: 0, max: 10, scale: 4 } } }
            """;

        var act = () => LoadAsync(db, yaml);

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Field.Should().Be("amount");
        error.Message.Should().Contain("model 'prices'").And.Contain("column 'amount' (numeric(10,2))").And.Contain("round");
    }

    [Fact]
    public async Task A_value_the_driver_cannot_convert_on_the_binary_path_names_model_row_and_column()
    {
        var db = await ZooDatabaseAsync();
        await ExecuteAsync(db, "CREATE TABLE tokens (id integer PRIMARY KEY, token uuid NOT NULL)");
        var yaml = """
            variables: { connection: null }
            datastores:
              db: { kind: postgres, connection: "{{connection}}" }
            models:
              tokens: { store: db, count: 5, fields: { id: sequence, token: { type: constant, value: not-a-uuid } } }
            """;

        var act = () => LoadAsync(db, yaml);

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        (error.Model, error.Field, error.Row).Should().Be(("tokens", "token", 0L));
        error.Message.Should().Contain("table 'tokens'").And.Contain("column 'token' (uuid) cannot take 'not-a-uuid'");
    }

    [Theory]
    [InlineData("\"char\"", "ab", "the column keeps 1")]
    [InlineData("name", "a name far longer than the sixty-three bytes a name column keeps, cut silently", "the column keeps 63")]
    [InlineData("timestamp(0)", "2024-01-01T10:00:00.5Z", "fractional digit")]
    public async Task A_value_the_column_would_cut_is_an_error_naming_the_column(string type, string value, string message)
    {
        var db = await ZooDatabaseAsync();
        await ExecuteAsync(db, $"CREATE TABLE cut (id integer PRIMARY KEY, v {type} NOT NULL)");
        var field = $"{{ type: constant, value: \"{value}\" }}";
        var yaml = $$$"""
            variables: { connection: null }
            datastores:
              db: { kind: postgres, connection: "{{connection}}" }
            models:
              cut: { store: db, count: 2, fields: { id: sequence, v: {{{field}}} } }
            """;

        var act = () => LoadAsync(db, yaml);

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Field.Should().Be("v");
        error.Message.Should().Contain("column 'v'").And.Contain(message);
    }

    [Fact]
    public async Task Composites_take_objects_by_attribute_name_and_arrays_take_nested_lists_as_dimensions()
    {
        var db = await ZooDatabaseAsync();
        await ExecuteAsync(db, "CREATE TABLE shapes (id integer PRIMARY KEY, home address NOT NULL, grid integer[] NOT NULL, moods mood[] NOT NULL)");
        var yaml = """
            variables: { connection: null }
            datastores:
              db: { kind: postgres, connection: "{{connection}}" }
            models:
              shapes:
                store: db
                count: 3
                fields:
                  id: sequence
                  home: { type: object, fields: { number: { type: constant, value: 7 }, street: { type: constant, value: 'Quote " and \ back' } } }
                  grid: { type: array, count: 2, items: { type: array, count: 2, items: { type: sequence } } }
                  moods: { type: array, count: 2, items: { type: constant, value: happy } }
            """;

        await LoadAsync(db, yaml);

        (await Scalar<string>(db, "SELECT string_agg((home).street || '/' || (home).number || '/' || ((home).zip IS NULL)::text || '/' || grid::text || '/' || moods::text, ',') FROM shapes"))
            .Should().Be(string.Join(",", Enumerable.Repeat("Quote \" and \\ back/7/true/{{1,2},{1,2}}/{happy,happy}", 3)));
        var wrong = () => LoadAsync(db, yaml.Replace("number:", "numbr:", StringComparison.Ordinal).Replace("mode: create", string.Empty, StringComparison.Ordinal).Replace("shapes:\n    store", "shapes:\n    mode: truncate\n    store", StringComparison.Ordinal));
        (await wrong.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("column 'home'").And.Contain("no attribute 'numbr'");
    }

    [Fact]
    public async Task Bytea_takes_bytes_and_the_hex_and_escape_text_forms()
    {
        var db = await ZooDatabaseAsync();
        await ExecuteAsync(db, "CREATE TABLE blobs (id integer PRIMARY KEY, hex bytea NOT NULL, escaped bytea NOT NULL, plain bytea NOT NULL)");
        var yaml = """
            variables: { connection: null }
            datastores:
              db: { kind: postgres, connection: "{{connection}}" }
            models:
              blobs:
                store: db
                count: 3
                fields:
                  id: sequence
                  hex: { type: constant, value: '\x00ff10' }
                  escaped: { type: constant, value: 'a\\b\001' }
                  plain: { type: constant, value: abc }
            """;

        await LoadAsync(db, yaml);

        (await Scalar<string>(db, "SELECT string_agg(encode(hex, 'hex') || '/' || encode(escaped, 'hex') || '/' || encode(plain, 'hex'), ',') FROM blobs"))
            .Should().Be(string.Join(",", Enumerable.Repeat("00ff10/615c6201/616263", 3)));
    }
}
