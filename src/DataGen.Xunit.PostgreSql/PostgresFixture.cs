using System.Text;
using DataGen.Outputs;
using DataGen.PostgreSql;
using DataGen.Sql;
using Npgsql;
using Testcontainers.PostgreSql;

namespace DataGen.Xunit;

/// <summary>
/// A PostgreSQL database per test class: one container per test assembly (or the server in
/// <c>DATAGEN_POSTGRES_CONNECTION</c>), a database of its own for each class so classes run in parallel.
/// After each test only the tables it changed are restored from an in-database copy of the baseline (statement
/// triggers record which), sequences included; a read-only test costs one query. A subclass changes the container
/// in <see cref="ConfigureContainer"/> (and then gets a container of its own) and the connection in
/// <see cref="ConfigureConnection"/>.
/// </summary>
public class PostgresFixture : DataGenFixture
{
    /// <summary>The image started unless <c>DATAGEN_POSTGRES_IMAGE</c> names another.</summary>
    public const string DefaultImage = "postgres:15.1";

    private readonly ClassDatabase _database = new(
        cs => new NpgsqlConnection(cs),
        name => $"CREATE DATABASE \"{name}\"",
        name => $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)",
        (admin, name) => new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true }.ConnectionString,
        NpgsqlConnection.ClearAllPools);

    private string? _connectionString;
    private (string Table, string[] ReferencedBy)[] _tables = [];

    /// <summary>The connection string of this class's database (after <see cref="ConfigureConnection"/>).</summary>
    public string ConnectionString => _connectionString ??= ConfigureConnection(_database.ConnectionString);

    /// <inheritdoc />
    public override string Store => "postgres";

    /// <inheritdoc />
    public override string Backend => _database.Backend ?? "PostgreSQL";

    /// <summary>Opens a connection to this class's database.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Changes the container before it is built (image, environment, command, wait strategy). Default: unchanged.</summary>
    /// <param name="builder">A builder for the image in <c>DATAGEN_POSTGRES_IMAGE</c> or <see cref="DefaultImage"/>, with reuse as <c>DATAGEN_REUSE</c> says.</param>
    protected virtual PostgreSqlBuilder ConfigureContainer(PostgreSqlBuilder builder) => builder;

    /// <summary>Changes the connection string of this class's database (pool size, timeouts, search path). Default: unchanged.</summary>
    protected virtual string ConfigureConnection(string connectionString) => connectionString;

    /// <inheritdoc />
    protected override Task<string?> StartAsync(CancellationToken cancellationToken) =>
        _database.StartAsync(DataGenContainers.SharedServerAsync(GetType(), () => StartServerAsync(cancellationToken)), NewStoreName(), cancellationToken);

    /// <inheritdoc />
    protected override Task StopAsync() => _database.DropAsync();

    /// <inheritdoc />
    protected override IDataOutput CreateOutput() => PostgresOutput.Create(ConnectionString, new StoreLoadOptions { DropConflicting = true }, "postgres");

    /// <inheritdoc />
    protected override async Task CaptureBaselineAsync(CancellationToken cancellationToken)
    {
        var tables = Loaded.Select(m => m.Target).Distinct(StringComparer.Ordinal).ToList();
        var sql = new StringBuilder("""
            DROP SCHEMA IF EXISTS datagen_baseline CASCADE;
            CREATE SCHEMA datagen_baseline;
            CREATE TABLE datagen_baseline.dirty (name text PRIMARY KEY);
            CREATE FUNCTION datagen_baseline.mark() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO datagen_baseline.dirty VALUES (TG_TABLE_NAME) ON CONFLICT DO NOTHING;
              RETURN NULL;
            END $$;
            CREATE TABLE datagen_baseline.sequences AS
              SELECT format('%I.%I', schemaname, sequencename) AS name, last_value, start_value FROM pg_sequences WHERE schemaname = 'public';

            """);
        foreach (var t in tables)
        {
            var q = Quote(t);
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"CREATE TABLE datagen_baseline.{q} AS TABLE public.{q};\n");
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"CREATE TRIGGER datagen_dirty AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.{q} FOR EACH STATEMENT EXECUTE FUNCTION datagen_baseline.mark();\n");
        }

        await ExecuteAsync(ConnectionString, sql.ToString(), cancellationToken).ConfigureAwait(false);

        // Which loaded tables reference which: a table others still point at is emptied with DELETE, the rest with TRUNCATE.
        var references = (await QueryAsync("SELECT conrelid::regclass::text || '|' || confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'", cancellationToken).ConfigureAwait(false))
            .Select(r => r.Split('|')).Select(r => (From: Unquote(r[0]), To: Unquote(r[1]))).ToList();

        _tables = tables.Select(t => (t, references.Where(r => r.To == t && r.From != t).Select(r => r.From).Distinct().ToArray())).ToArray();
    }

    /// <inheritdoc />
    protected override async Task RestoreBaselineAsync(CancellationToken cancellationToken)
    {
        var dirty = (await QueryAsync("SELECT name FROM datagen_baseline.dirty", cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        if (dirty.Count == 0)
        {
            return;
        }

        var sql = new StringBuilder("BEGIN;\nSET LOCAL session_replication_role = replica;\n");
        var truncate = _tables.Where(t => dirty.Contains(t.Table) && t.ReferencedBy.All(dirty.Contains)).Select(t => "public." + Quote(t.Table)).ToList();
        if (truncate.Count > 0)
        {
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"TRUNCATE {string.Join(", ", truncate)};\n");
        }

        foreach (var (table, referencedBy) in _tables.Where(t => dirty.Contains(t.Table)))
        {
            var q = Quote(table);
            if (!referencedBy.All(dirty.Contains))
            {
                sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"DELETE FROM public.{q};\n");
            }

            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"INSERT INTO public.{q} OVERRIDING SYSTEM VALUE SELECT * FROM datagen_baseline.{q};\n");
        }

        sql.Append("""
            SELECT CASE WHEN last_value IS NULL THEN setval(name, start_value, false) ELSE setval(name, last_value, true) END FROM datagen_baseline.sequences;
            TRUNCATE datagen_baseline.dirty;
            COMMIT;
            """);
        await ExecuteAsync(ConnectionString, sql.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ClearAsync(CancellationToken cancellationToken)
    {
        var drops = Loaded.Select(m => $"DROP TABLE IF EXISTS public.{Quote(m.Target)} CASCADE;").Distinct().Append("DROP SCHEMA IF EXISTS datagen_baseline CASCADE;");
        await ExecuteAsync(ConnectionString, string.Join('\n', drops), cancellationToken).ConfigureAwait(false);
        _tables = [];
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Unquote(string regclass) => regclass.StartsWith('"') ? regclass[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : regclass;

    private static Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken) =>
        SqlCommands.ExecuteOnceAsync(new NpgsqlConnection(connectionString), sql, cancellationToken);

    /// <summary>The first column of every row of a query on this class's database, as text.</summary>
    private async Task<List<string>> QueryAsync(string sql, CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await SqlCommands.ColumnAsync(connection, null, sql, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The server for every fixture of this type: started once, on first use.</summary>
    private Task<SharedServer> StartServerAsync(CancellationToken cancellationToken) =>
        DataGenContainers.StartServerAsync(
            "PostgreSQL",
            "DATAGEN_POSTGRES_CONNECTION",
            external => $"PostgreSQL at {new NpgsqlConnectionStringBuilder(external).Host}",
            "DATAGEN_POSTGRES_IMAGE",
            DefaultImage,
            image => ConfigureContainer(new PostgreSqlBuilder(image).WithReuse(DataGenContainers.Reuse)).Build(),
            container => container.GetConnectionString(),
            cancellationToken);
}
