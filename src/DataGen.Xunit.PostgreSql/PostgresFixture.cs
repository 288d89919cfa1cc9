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
    private (string Table, string[] ReferencedBy, string Columns)[] _tables = [];

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
        // Tables by schema-qualified name (a target without a schema is in public), so schemas other than public work.
        var tables = Loaded.Select(m => Qualified(m.Target)).Distinct(StringComparer.Ordinal).ToList();
        var sql = new StringBuilder("""
            DROP SCHEMA IF EXISTS datagen_baseline CASCADE;
            CREATE SCHEMA datagen_baseline;
            CREATE TABLE datagen_baseline.dirty (name text PRIMARY KEY);
            CREATE FUNCTION datagen_baseline.mark() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO datagen_baseline.dirty VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME) ON CONFLICT DO NOTHING;
              RETURN NULL;
            END $$;
            CREATE TABLE datagen_baseline.sequences AS
              SELECT format('%I.%I', schemaname, sequencename) AS name, last_value, start_value FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'datagen_baseline');

            """);
        foreach (var t in tables)
        {
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"CREATE TABLE datagen_baseline.{Quote(t)} AS TABLE {QuoteQualified(t)};\n");
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"CREATE TRIGGER datagen_dirty AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {QuoteQualified(t)} FOR EACH STATEMENT EXECUTE FUNCTION datagen_baseline.mark();\n");
        }

        await ExecuteAsync(ConnectionString, sql.ToString(), cancellationToken).ConfigureAwait(false);
        await PlanRestoreAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override bool SupportsTemplates => true;

    /// <inheritdoc />
    protected override async Task<bool> SaveTemplateAsync(string name, CancellationToken cancellationToken)
    {
        // CREATE DATABASE … TEMPLATE needs the source without sessions: this class's pooled connections are closed first.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        try
        {
            await _database.ExecuteOnServerAsync($"CREATE DATABASE {Quote(name)} TEMPLATE {Quote(_database.Name!)}", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException)
        {
            return false;
        }

        var database = _database;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DropTemplate(database, name);
        return true;
    }

    /// <inheritdoc />
    protected override async Task<bool> CloneTemplateAsync(string name, CancellationToken cancellationToken)
    {
        var own = Quote(_database.Name!);
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        await _database.ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {own} WITH (FORCE)", cancellationToken).ConfigureAwait(false);
        try
        {
            await _database.ExecuteOnServerAsync($"CREATE DATABASE {own} TEMPLATE {Quote(name)}", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException)
        {
            // The template is busy or gone: an empty database again, and this class loads.
            await _database.ExecuteOnServerAsync($"CREATE DATABASE {own}", cancellationToken).ConfigureAwait(false);
            return false;
        }

        await PlanRestoreAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Drops a template when the test process ends (a container goes with it anyway; an external server keeps nothing).</summary>
    private static void DropTemplate(ClassDatabase database, string name)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            database.ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)", timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // The server is gone (a container stopped first): nothing left to drop.
        }
    }

    /// <summary>The restore plan: which loaded tables reference which, and the columns a restore writes back.</summary>
    private async Task PlanRestoreAsync(CancellationToken cancellationToken)
    {
        var tables = Loaded.Select(m => Qualified(m.Target)).Distinct(StringComparer.Ordinal).ToList();

        // Which loaded tables reference which (a table others still point at is emptied with DELETE, the rest with
        // TRUNCATE), and the columns a restore writes back: generated columns are the database's to compute.
        var references = (await QueryAsync("SELECT fn.nspname || '.' || f.relname || '|' || tn.nspname || '.' || t.relname FROM pg_constraint c JOIN pg_class f ON f.oid = c.conrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace JOIN pg_class t ON t.oid = c.confrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace WHERE c.contype = 'f' AND c.conparentid = 0", cancellationToken).ConfigureAwait(false))
            .Select(r => r.Split('|')).Select(r => (From: r[0], To: r[1])).ToList();
        var columns = (await QueryAsync("SELECT t || '|' || columns FROM (SELECT n.nspname || '.' || c.relname AS t, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) AS columns FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'datagen_baseline') GROUP BY n.nspname, c.relname) x", cancellationToken).ConfigureAwait(false))
            .Select(r => r.Split('|', 2)).ToDictionary(r => r[0], r => r[1], StringComparer.Ordinal);

        _tables = tables.Select(t => (t, references.Where(r => r.To == t && r.From != t).Select(r => r.From).Distinct().ToArray(), columns.GetValueOrDefault(t) ?? "*")).ToArray();
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
        var truncate = _tables.Where(t => dirty.Contains(t.Table) && t.ReferencedBy.All(dirty.Contains)).Select(t => QuoteQualified(t.Table)).ToList();
        if (truncate.Count > 0)
        {
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"TRUNCATE {string.Join(", ", truncate)};\n");
        }

        foreach (var (table, referencedBy, columns) in _tables.Where(t => dirty.Contains(t.Table)))
        {
            if (!referencedBy.All(dirty.Contains))
            {
                sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"DELETE FROM {QuoteQualified(table)};\n");
            }

            var list = columns == "*" ? string.Empty : $" ({columns})";
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"INSERT INTO {QuoteQualified(table)}{list} OVERRIDING SYSTEM VALUE SELECT {columns} FROM datagen_baseline.{Quote(table)};\n");
        }

        sql.Append("""
            SELECT CASE WHEN last_value IS NULL THEN setval(name, start_value, false) ELSE setval(name, last_value, true) END FROM datagen_baseline.sequences;
            TRUNCATE datagen_baseline.dirty;
            COMMIT;
            """);
        await ExecuteAsync(ConnectionString, sql.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override string? ApplicationConnectionString => ConnectionString;

    /// <inheritdoc />
    protected override async Task<DataGen.Schemas.DatabaseSchema?> ReadSchemaAsync(CancellationToken cancellationToken) =>
        await PostgresStoreProvider.Instance.ReadSchemaAsync(new Datastore("db", Store, new Dictionary<string, string> { ["connection"] = ConnectionString }), null, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async Task RecreateAsync(CancellationToken cancellationToken)
    {
        await _database.RecreateAsync(cancellationToken).ConfigureAwait(false);
        _tables = [];
    }

    /// <inheritdoc />
    protected override async Task ClearAsync(CancellationToken cancellationToken)
    {
        var drops = Loaded.Select(m => $"DROP TABLE IF EXISTS {QuoteQualified(Qualified(m.Target))} CASCADE;").Distinct().Append("DROP SCHEMA IF EXISTS datagen_baseline CASCADE;");
        await ExecuteAsync(ConnectionString, string.Join('\n', drops), cancellationToken).ConfigureAwait(false);
        _tables = [];
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary><c>schema.table</c> for a target (<c>public</c> when it names none).</summary>
    private static string Qualified(string target) => target.Contains('.', StringComparison.Ordinal) ? target : "public." + target;

    /// <summary>A <c>schema.table</c> name quoted part by part.</summary>
    private static string QuoteQualified(string qualified)
    {
        var dot = qualified.IndexOf('.', StringComparison.Ordinal);
        return $"{Quote(qualified[..dot])}.{Quote(qualified[(dot + 1)..])}";
    }

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
