using DataGen.Sql;
using Npgsql;

namespace DataGen.Xunit;

/// <summary>
/// PostgreSQL's <see cref="IStoreStrategy"/>: the baseline is an in-database copy of every loaded table with statement
/// triggers noting which tables a test wrote and which keys; a restore puts back only those rows (whole tables where a
/// table has no primary key or was truncated), sequences included, and a read-only test costs one query. A test that
/// changed the schema gets a fresh copy of the template. Templates are databases made with
/// <c>CREATE DATABASE … TEMPLATE</c>, with copies made ahead for the next class (<see cref="PostgresFixture"/> wires it).
/// </summary>
public sealed partial class PostgresStrategy : IStoreStrategy
{
    /// <summary>The restore plan of each template (by name), which its copies share.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PlannedTable[]> Plans = new(StringComparer.Ordinal);

    /// <summary>The tables whose whole-table restore was explained already (one line per table per run).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> Explained = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly string _database;
    private readonly PostgresServer _server;
    private readonly Func<bool> _keepsTemplates;
    private PlannedTable[] _tables = [];

    internal PostgresStrategy(string connectionString, PostgresServer server, Func<bool> keepsTemplates)
    {
        _connectionString = connectionString;
        _database = new NpgsqlConnectionStringBuilder(connectionString).Database ?? throw new ArgumentException("the connection string names no database", nameof(connectionString));
        _server = server;
        _keepsTemplates = keepsTemplates;
    }

    /// <summary>
    /// A strategy for the database <paramref name="connectionString"/> names (a host such as Aspire restoring a baseline
    /// itself): <see cref="CaptureBaselineAsync"/> once the data is in, <see cref="RestoreBaselineAsync"/> after each test.
    /// Templates are made on the same server through its <c>postgres</c> database.
    /// </summary>
    /// <param name="connectionString">A connection string naming the database (its user may create triggers and, for templates, databases).</param>
    public static PostgresStrategy For(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString;
        return new PostgresStrategy(connectionString, new PostgresServer(admin), () => false);
    }

    /// <summary>The template this database is a copy of (cloned from it, or the database it was made from), while it is.</summary>
    internal string? Template { get; private set; }

    /// <summary>Whether this database is a copy of the template already (a spare renamed into it when the class started).</summary>
    internal bool Adopted { get; set; }

    /// <inheritdoc />
    public async Task CaptureBaselineAsync(IReadOnlyList<string> targets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var tables = targets.Select(PostgresRestorePlan.Qualified).Distinct(StringComparer.Ordinal).ToList();
        await ExecuteAsync(PostgresBaselineScript.Capture(tables), cancellationToken).ConfigureAwait(false);
        await PlanAsync(tables, cancellationToken).ConfigureAwait(false);
        Template = null;
    }

    /// <inheritdoc />
    public async Task<bool> HasChangedAsync(CancellationToken cancellationToken) => (await ChangesAsync(cancellationToken).ConfigureAwait(false)).Any;

    /// <inheritdoc />
    public async Task RestoreBaselineAsync(CancellationToken cancellationToken)
    {
        var changes = await ChangesAsync(cancellationToken).ConfigureAwait(false);
        if (changes.SchemaChanged && Template is { } template && await ReplaceAsync(template, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (changes.SchemaChanged)
        {
            KitLog.Fallback($"PostgreSQL database {_database}", "the test changed the schema", "every loaded table is copied back whole; the schema change itself stays (no template to copy the database from again)");
        }

        if (PostgresRestorePlan.RestoreSql(_tables, changes.Dirty, changes.Emptied, changes.SchemaChanged) is { } sql)
        {
            await ExecuteAsync(sql, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>After a schema change by a test: this database is made a fresh copy of its template (schema and data); false when that failed (it is restored in place).</summary>
    private async Task<bool> ReplaceAsync(string template, CancellationToken cancellationToken)
    {
        KitLog.Fallback($"PostgreSQL database {_database}", "the test changed the schema", $"the database is copied from template {template} again (its sessions are closed)");
        // The application's pooled connections to this database are about to be closed by the server: pools opened by
        // connection string start afresh (an app's own NpgsqlDataSource needs its retry policy, as after any failover).
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (!await CopyTemplateAsync(template, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"PostgreSQL template {template} could not be copied after a schema change: the class's database is empty, so the class's next tests cannot run on its data");
            }

            return true;
        }
        catch (PostgresException e)
        {
            KitLog.Fallback($"PostgreSQL database {_database}", $"could not be copied from template {template} again ({KitLog.Why(e)})", "every loaded table is copied back whole; the schema change itself stays");
            return false;
        }
    }

    /// <summary>What the tests wrote since the last restore: tables written, tables emptied by TRUNCATE, a schema change.</summary>
    private sealed record Changes(HashSet<string> Dirty, HashSet<string> Emptied, bool SchemaChanged)
    {
        public bool Any => Dirty.Count > 0 || SchemaChanged;
    }

    private async Task<Changes> ChangesAsync(CancellationToken cancellationToken)
    {
        // One query: 'w' + table written, 'e' + table emptied, 's' for a schema change no restore has seen yet.
        var rows = await QueryAsync($"SELECT CASE WHEN whole THEN 'e' ELSE 'w' END || name FROM {PostgresRestorePlan.Schema}.dirty UNION ALL (SELECT 's' FROM {PostgresRestorePlan.Schema}.ddl WHERE NOT seen LIMIT 1)", cancellationToken).ConfigureAwait(false);
        var dirty = rows.Where(r => r[0] != 's').Select(r => r[1..]).ToHashSet(StringComparer.Ordinal);
        var emptied = rows.Where(r => r[0] == 'e').Select(r => r[1..]).ToHashSet(StringComparer.Ordinal);
        return new Changes(dirty, emptied, rows.Contains("s"));
    }

    /// <summary>Forgets the plan and the template (the database was emptied or made again).</summary>
    internal void Forget()
    {
        _tables = [];
        Template = null;
    }

    private async Task<HashSet<string>> DirtyAsync(CancellationToken cancellationToken) => (await ChangesAsync(cancellationToken).ConfigureAwait(false)).Dirty;

    /// <summary>Reads from the catalog which loaded tables reference which, the columns a restore writes back and each table's key.</summary>
    private async Task PlanAsync(IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
        var references = (await QueryAsync("SELECT fn.nspname || '.' || f.relname || '|' || tn.nspname || '.' || t.relname FROM pg_constraint c JOIN pg_class f ON f.oid = c.conrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace JOIN pg_class t ON t.oid = c.confrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace WHERE c.contype = 'f' AND c.conparentid = 0", cancellationToken).ConfigureAwait(false))
            .Select(r => r.Split('|')).Select(r => (From: r[0], To: r[1])).ToList();
        var columns = (await QueryAsync("SELECT t || '|' || columns FROM (SELECT n.nspname || '.' || c.relname AS t, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) AS columns FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'datagen_baseline') GROUP BY n.nspname, c.relname) x", cancellationToken).ConfigureAwait(false))
            .Select(r => r.Split('|', 2)).ToDictionary(r => r[0], r => r[1], StringComparer.Ordinal);
        var keys = (await QueryAsync("SELECT n.nspname || '.' || c.relname || '|' || string_agg(quote_ident(a.attname), ', ') FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) WHERE i.indisprimary GROUP BY n.nspname, c.relname", cancellationToken).ConfigureAwait(false))
            .Select(r => r.Split('|', 2)).ToDictionary(r => r[0], r => r[1], StringComparer.Ordinal);
        var logs = (await QueryAsync($"SELECT n.nspname || '.' || c.relname || '|keys_' || c.oid FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE g.tgname = 'datagen_keys_d' AND to_regclass('{PostgresRestorePlan.Schema}.keys_' || c.oid) IS NOT NULL", cancellationToken).ConfigureAwait(false))
            .Select(r => r.Split('|', 2)).ToDictionary(r => r[0], r => r[1], StringComparer.Ordinal);
        _tables = PostgresRestorePlan.Plan(tables, references, columns, keys, logs);
        foreach (var table in _tables)
        {
            if (PostgresRestorePlan.WhyWhole(table, keys) is { } why && Explained.TryAdd(table.Table, 0))
            {
                KitLog.Fallback($"PostgreSQL table {table.Table}", $"restored whole after a test writes it: {why}", "each such restore reads and writes the whole table (its cost grows with the table, not with the change)");
            }
        }
    }

    private Task ExecuteAsync(string sql, CancellationToken cancellationToken) =>
        SqlCommands.ExecuteOnceAsync(new NpgsqlConnection(_connectionString), sql, cancellationToken);

    /// <summary>The first column of every row of a query on this database, as text.</summary>
    private async Task<List<string>> QueryAsync(string sql, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await SqlCommands.ColumnAsync(connection, null, sql, cancellationToken).ConfigureAwait(false);
        }
    }

    private void ClearPool() => NpgsqlConnection.ClearPool(new NpgsqlConnection(_connectionString));
}
