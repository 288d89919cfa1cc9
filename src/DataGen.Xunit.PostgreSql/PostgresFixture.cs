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

    private readonly ClassDatabase _database;

    /// <summary>A spare clone that became this class's database when it started (then there is nothing left to clone).</summary>
    private string? _adopted;

    /// <summary>A fixture for one test class (xunit makes it).</summary>
    public PostgresFixture() =>
        _database = new(
            cs => new NpgsqlConnection(cs),
            name => (_adopted = TakeReadySpare()) is { } spare ? $"ALTER DATABASE {Quote(spare)} RENAME TO {Quote(name)}" : $"CREATE DATABASE {Quote(name)}",
            name => $"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)",
            (admin, name) => new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true }.ConnectionString,
            NpgsqlConnection.ClearAllPools);

    private string? _connectionString;
    private (string Table, string[] ReferencedBy, string Columns, string? Key)[] _tables = [];

    /// <summary>The clone being made ahead for each template (by name): its database name, or null if it could not be made.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SparePool> Spares = new(StringComparer.Ordinal);

    /// <summary>Ready copies kept per template at most: one made ahead and one handed on, or two handed on.</summary>
    private const int MaxSpares = 2;

    private static SparePool PoolOf(string template) => Spares.GetOrAdd(template, _ => new SparePool());

    /// <summary>
    /// The copies of one template waiting for a class: databases being made ahead (CREATE DATABASE … TEMPLATE) or made,
    /// and databases earlier classes handed on. Each is a task giving its database name, or null if it could not be made.
    /// </summary>
    private sealed class SparePool
    {
        private readonly List<Task<string?>> _spares = [];

        public int Count
        {
            get
            {
                lock (_spares)
                {
                    return _spares.Count;
                }
            }
        }

        /// <summary>Adds a copy unless <see cref="MaxSpares"/> are waiting already.</summary>
        public bool TryAdd(Task<string?> spare)
        {
            lock (_spares)
            {
                if (_spares.Count >= MaxSpares)
                {
                    return false;
                }

                _spares.Add(spare);
                return true;
            }
        }

        /// <summary>A copy that is made (taken: no one else gets it), or null.</summary>
        public string? TakeReady()
        {
            lock (_spares)
            {
                _spares.RemoveAll(t => t.IsCompleted && (!t.IsCompletedSuccessfully || t.Result is null));
                var ready = _spares.FirstOrDefault(t => t.IsCompletedSuccessfully);
                if (ready is null)
                {
                    return null;
                }

                _spares.Remove(ready);
                return ready.Result;
            }
        }

        /// <summary>A copy made or being made (made ones first), or null.</summary>
        public Task<string?>? Take()
        {
            lock (_spares)
            {
                var next = _spares.FirstOrDefault(t => t.IsCompletedSuccessfully && t.Result is not null) ?? _spares.FirstOrDefault();
                if (next is not null)
                {
                    _spares.Remove(next);
                }

                return next;
            }
        }

        /// <summary>Every copy waiting (a template made again: its old copies must not be handed out).</summary>
        public List<Task<string?>> TakeAll()
        {
            lock (_spares)
            {
                var all = _spares.ToList();
                _spares.Clear();
                return all;
            }
        }
    }

    private static int _spares;

    /// <summary>The restore plan of each template (by name), which its clones share.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Table, string[] ReferencedBy, string Columns, string? Key)[]> Plans = new(StringComparer.Ordinal);

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
    protected override async Task<string?> StartAsync(CancellationToken cancellationToken)
    {
        var server = DataGenContainers.SharedServerAsync(GetType(), () => StartServerAsync(cancellationToken));
        try
        {
            return await _database.StartAsync(server, NewStoreName(), cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException) when (_adopted is not null)
        {
            // The spare could not be renamed (gone, or in use): start with an empty database, and clone or load as usual.
            _adopted = null;
            return await _database.StartAsync(server, NewStoreName(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The spare clone of the template this class will clone, if one is made and waiting (taken: no one else gets it).</summary>
    private string? TakeReadySpare() => TemplateToClone is { } template ? PoolOf(template).TakeReady() : null;

    /// <inheritdoc />
    protected override async Task StopAsync()
    {
        if (!await PassOnAsync().ConfigureAwait(false))
        {
            if (_template is { } template && PoolOf(template).Count == 0)
            {
                PrepareSpare(template);
            }

            await _database.DropAsync().ConfigureAwait(false);
        }
    }

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
            CREATE UNLOGGED TABLE datagen_baseline.dirty (name text PRIMARY KEY);
            -- SECURITY DEFINER: the application may write (or change the schema) as a role of its own, which needs no
            -- rights on the kit's schema for its statements to be noted.
            CREATE FUNCTION datagen_baseline.mark() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            BEGIN
              INSERT INTO datagen_baseline.dirty VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME) ON CONFLICT DO NOTHING;
              RETURN NULL;
            END $$;
            -- The newest transaction the baseline holds: a row whose xmin is newer was written (or rewritten) since.
            CREATE UNLOGGED TABLE datagen_baseline.since AS SELECT (txid_current() % 4294967296)::text::xid AS x;
            CREATE UNLOGGED TABLE datagen_baseline.sequences AS
              SELECT format('%I.%I', schemaname, sequencename) AS name, last_value, start_value FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'datagen_baseline');
            -- What keeps this database from being handed to the next class: a schema change, or a write the kit cannot
            -- undo (to a table it did not load, or one it could not watch).
            CREATE UNLOGGED TABLE datagen_baseline.ddl (at timestamptz NOT NULL DEFAULT now());
            -- Every table is watched, loaded or not: a write to one the kit cannot restore keeps the database from being
            -- handed to the next class (it gets a fresh copy instead). A table the role may not put a trigger on is noted.
            DO $$
            DECLARE t record;
            BEGIN
              FOR t IN SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'datagen_baseline') AND n.nspname NOT LIKE 'pg_%' LOOP
                BEGIN
                  EXECUTE format('CREATE TRIGGER datagen_dirty AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I.%I FOR EACH STATEMENT EXECUTE FUNCTION datagen_baseline.mark()', t.nspname, t.relname);
                EXCEPTION WHEN insufficient_privilege OR duplicate_object THEN
                  INSERT INTO datagen_baseline.ddl DEFAULT VALUES;
                END;
              END LOOP;
            END $$;

            """);
        foreach (var t in tables)
        {
            // Unlogged: the copy is the fixture's alone, never needs crash safety, and a template clone copies it without WAL.
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"CREATE UNLOGGED TABLE datagen_baseline.{Quote(t)} AS TABLE {QuoteQualified(t)};\n");

            // A loaded table must be watched (its restore depends on it): one the loop could not watch fails here, saying why.
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'datagen_dirty' AND tgrelid = '{QuoteQualified(t).Replace("'", "''", StringComparison.Ordinal)}'::regclass) THEN CREATE TRIGGER datagen_dirty AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {QuoteQualified(t)} FOR EACH STATEMENT EXECUTE FUNCTION datagen_baseline.mark(); END IF; END $$;\n");
        }

        // Schema changes (DDL) are watched too where the role may create event triggers (a superuser: the container's).
        sql.Append("""
            CREATE FUNCTION datagen_baseline.ddl_done() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() c WHERE c.schema_name IS DISTINCT FROM 'datagen_baseline')
                 AND EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands()) THEN
                RETURN; -- the kit's own objects
              END IF;
              INSERT INTO datagen_baseline.ddl DEFAULT VALUES;
            END $$;
            DO $$
            BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'datagen_ddl') THEN
                CREATE EVENT TRIGGER datagen_ddl ON ddl_command_end EXECUTE FUNCTION datagen_baseline.ddl_done();
              END IF;
            EXCEPTION WHEN insufficient_privilege THEN NULL;
            END $$;
            """);
        await ExecuteAsync(ConnectionString, sql.ToString(), cancellationToken).ConfigureAwait(false);
        await PlanRestoreAsync(cancellationToken).ConfigureAwait(false);
        _template = null;
    }

    /// <summary>The template this class's database is a copy of (cloned from it, or the database it was made from), while it is.</summary>
    private string? _template;

    /// <summary>
    /// Hands this class's database to the next class with the same data instead of dropping it: restored to the baseline,
    /// it is renamed into the template's spare (what a clone would have been, without CREATE DATABASE nor DROP DATABASE).
    /// Only when nothing the restore cannot undo happened: no schema change (watched by an event trigger; without the
    /// right to make one, never) and no write to a table the kit did not load. Otherwise, or when it is in use, it is
    /// dropped and a spare is made ahead as before.
    /// </summary>
    private async Task<bool> PassOnAsync()
    {
        if (_template is not { } template || _tables.Length == 0 || _database.Name is not { } own || PoolOf(template).Count >= MaxSpares)
        {
            return false;
        }

        try
        {
            var watched = await QueryAsync("SELECT (SELECT count(*) FROM pg_event_trigger WHERE evtname = 'datagen_ddl' AND evtenabled <> 'D')::text || '|' || (SELECT count(*) FROM datagen_baseline.ddl)::text", CancellationToken.None).ConfigureAwait(false);
            if (watched.Count != 1 || watched[0] != "1|0")
            {
                return false;
            }

            var loaded = _tables.Select(t => t.Table).ToHashSet(StringComparer.Ordinal);
            if ((await QueryAsync("SELECT name FROM datagen_baseline.dirty", CancellationToken.None).ConfigureAwait(false)).Any(t => !loaded.Contains(t)))
            {
                return false;
            }

            await RestoreBaselineAsync(CancellationToken.None).ConfigureAwait(false);
            NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
            var spare = $"{template}_s{Interlocked.Increment(ref _spares)}";
            await _database.ExecuteOnServerAsync($"ALTER DATABASE {Quote(own)} RENAME TO {Quote(spare)}", CancellationToken.None).ConfigureAwait(false);
            var database = _database;
            if (!PoolOf(template).TryAdd(Task.FromResult<string?>(spare)))
            {
                DropTemplate(database, spare);
            }
            else
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => DropTemplate(database, spare);
            }

            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // In use (the application's own pool), or gone: dropped as usual.
            return false;
        }
    }

    /// <inheritdoc />
    protected override bool SupportsTemplates => true;

    /// <summary>With container reuse (<c>DATAGEN_REUSE=1</c>) templates stay on the server for the next run.</summary>
    protected override bool KeepsTemplates => DataGenContainers.Reuse;

    /// <inheritdoc />
    protected override async Task<string?> FindTemplateAsync(string name, CancellationToken cancellationToken)
    {
        // A short, unpooled session: a template with a session open cannot be copied.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name, Pooling = false }.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                var command = new NpgsqlCommand("SELECT info FROM datagen_baseline.template", connection);
                await using (command.ConfigureAwait(false))
                {
                    return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
                }
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
            {
                return null;
            }
        }
    }

    /// <inheritdoc />
    protected override async Task<bool> SaveTemplateAsync(string name, string info, CancellationToken cancellationToken)
    {
        // The info travels inside the template (a later run reads it back before cloning).
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand("CREATE UNLOGGED TABLE datagen_baseline.template (info text NOT NULL); INSERT INTO datagen_baseline.template VALUES (@info)", connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("info", info);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        // CREATE DATABASE … TEMPLATE needs the source without sessions: this class's pooled connections are closed first.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        try
        {
            if (KeepsTemplates)
            {
                // A kept template under this name that was not usable (its info missing or not matching) is made again,
                // and a copy made ahead of the old one is not handed out.
                foreach (var stale in PoolOf(name).TakeAll())
                {
                    if (await stale.ConfigureAwait(false) is { } old)
                    {
                        await _database.ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {Quote(old)} WITH (FORCE)", cancellationToken).ConfigureAwait(false);
                    }
                }

                await _database.ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)", cancellationToken).ConfigureAwait(false);
            }

            await _database.ExecuteOnServerAsync($"CREATE DATABASE {Quote(name)} TEMPLATE {Quote(_database.Name!)}", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException)
        {
            return false;
        }

        var database = _database;
        if (!KeepsTemplates)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DropTemplate(database, name);
        }

        // A copy is made ahead for the next class with this data; this database joins it when this class ends.
        Plans[name] = _tables;
        _template = name;
        PrepareSpare(name);
        return true;
    }

    /// <inheritdoc />
    protected override async Task<bool> CloneTemplateAsync(string name, CancellationToken cancellationToken)
    {
        // A class that started on a spare clone of the template (renamed into its database) is a copy already.
        if (_adopted is null && !await CopyTemplateAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        _adopted = null;
        _template = name;
        if (PoolOf(name).Count == 0)
        {
            // Nothing waits for the next class (no class ended yet to hand its database on): make a copy ahead.
            PrepareSpare(name);
        }

        // A clone has the template's tables, keys and references: its restore plan is the template's.
        if (Plans.TryGetValue(name, out var plan))
        {
            _tables = plan;
        }
        else
        {
            await PlanRestoreAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Makes this class's database a copy of the template: a spare made ahead renamed, or a new copy; false when the template is busy or gone (an empty database again).</summary>
    private async Task<bool> CopyTemplateAsync(string name, CancellationToken cancellationToken)
    {
        var own = Quote(_database.Name!);
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));

        // A clone made ahead while earlier classes ran (or being made now: waiting for it is no slower than making one).
        var spare = PoolOf(name).Take() is { } pending ? await pending.WaitAsync(cancellationToken).ConfigureAwait(false) : null;
        await _database.ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {own} WITH (FORCE)", cancellationToken).ConfigureAwait(false);
        if (spare is not null)
        {
            try
            {
                await _database.ExecuteOnServerAsync($"ALTER DATABASE {Quote(spare)} RENAME TO {own}", cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (PostgresException)
            {
                // Gone or in use: make the clone directly.
            }
        }

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

        return true;
    }

    /// <summary>
    /// Starts making the next clone of <paramref name="template"/> in the background (one spare per template, as
    /// IntegreSQL keeps a pool), so the next class with this data renames it instead of waiting for CREATE DATABASE.
    /// An unused spare is dropped when the process ends.
    /// </summary>
    private void PrepareSpare(string template)
    {
        var database = _database;
        var spare = $"{template}_s{Interlocked.Increment(ref _spares)}";
        var making = Task.Run(async () =>
        {
            try
            {
                await database.ExecuteOnServerAsync($"CREATE DATABASE {Quote(spare)} TEMPLATE {Quote(template)}", CancellationToken.None).ConfigureAwait(false);
                AppDomain.CurrentDomain.ProcessExit += (_, _) => DropTemplate(database, spare);
                return spare;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                return null;
            }
        });
        if (!PoolOf(template).TryAdd(making))
        {
            // Enough copies are waiting already: drop this one when it is made.
            _ = making.ContinueWith(t => { if (t.Result is { } extra) DropTemplate(database, extra); }, TaskScheduler.Default);
        }
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

        // A table with a primary key is restored by difference: only the rows a test changed, added or removed are
        // written back, instead of the whole table.
        var keys = (await QueryAsync("SELECT n.nspname || '.' || c.relname || '|' || string_agg(quote_ident(a.attname), ', ') FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) WHERE i.indisprimary GROUP BY n.nspname, c.relname", cancellationToken).ConfigureAwait(false))
            .Select(r => r.Split('|', 2)).ToDictionary(r => r[0], r => r[1], StringComparer.Ordinal);
        var plan = new List<(string, string[], string, string?)>();
        foreach (var t in tables)
        {
            var list = columns.GetValueOrDefault(t) ?? "*";
            var key = keys.GetValueOrDefault(t);
            if (key is not null && (list == "*" || !key.Split(", ").All(k => list.Split(", ").Contains(k))))
            {
                key = null;
            }

            plan.Add((t, references.Where(r => r.To == t && r.From != t).Select(r => r.From).Distinct().ToArray(), list, key));
        }

        _tables = plan.ToArray();
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
        // TRUNCATE takes a table only together with every table referencing it: those restored by difference are not
        // truncated, so a table they reference is emptied with DELETE instead.
        var truncated = _tables.Where(t => dirty.Contains(t.Table) && t.Key is null).Select(t => t.Table).ToHashSet(StringComparer.Ordinal);
        while (_tables.FirstOrDefault(t => truncated.Contains(t.Table) && !t.ReferencedBy.All(truncated.Contains)) is { Table: { } blocked })
        {
            truncated.Remove(blocked);
        }

        var truncate = _tables.Where(t => truncated.Contains(t.Table)).Select(t => QuoteQualified(t.Table)).ToList();
        if (truncate.Count > 0)
        {
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"TRUNCATE {string.Join(", ", truncate)};\n");
        }

        foreach (var (table, referencedBy, columns, key) in _tables.Where(t => dirty.Contains(t.Table)))
        {
            if (key is not null)
            {
                // Rows written since the baseline (inserted or updated: their xmin is newer than the baseline's, which a
                // clone shares and each restore moves on) go; then the baseline rows whose key is missing come back.
                // Only keys and row headers are read, never whole rows: a test's few changes cost little in a big table.
                var quoted = QuoteQualified(table);
                var baseline = $"datagen_baseline.{Quote(table)}";
                var keyColumns = key.Split(", ");
                sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"DELETE FROM {quoted} AS x WHERE age(x.xmin) < (SELECT age(x) FROM datagen_baseline.since);\n");
                sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"INSERT INTO {quoted} ({columns}) OVERRIDING SYSTEM VALUE SELECT {string.Join(", ", columns.Split(", ").Select(c => "b." + c))} FROM {baseline} AS b WHERE NOT EXISTS (SELECT 1 FROM {quoted} AS x WHERE ({string.Join(", ", keyColumns.Select(k => "x." + k))}) = ({string.Join(", ", keyColumns.Select(k => "b." + k))}));\n");
                continue;
            }

            if (!truncated.Contains(table))
            {
                sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"DELETE FROM {QuoteQualified(table)};\n");
            }

            var list = columns == "*" ? string.Empty : $" ({columns})";
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"INSERT INTO {QuoteQualified(table)}{list} OVERRIDING SYSTEM VALUE SELECT {columns} FROM datagen_baseline.{Quote(table)};\n");
        }

        sql.Append("""
            SELECT CASE WHEN last_value IS NULL THEN setval(name, start_value, false) ELSE setval(name, last_value, true) END FROM datagen_baseline.sequences;
            UPDATE datagen_baseline.since SET x = (txid_current() % 4294967296)::text::xid;
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
        _template = null;
    }

    /// <inheritdoc />
    protected override async Task ClearAsync(CancellationToken cancellationToken)
    {
        var drops = Loaded.Select(m => $"DROP TABLE IF EXISTS {QuoteQualified(Qualified(m.Target))} CASCADE;").Distinct().Append("DROP SCHEMA IF EXISTS datagen_baseline CASCADE;");
        await ExecuteAsync(ConnectionString, string.Join('\n', drops), cancellationToken).ConfigureAwait(false);
        _tables = [];
        _template = null;
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
