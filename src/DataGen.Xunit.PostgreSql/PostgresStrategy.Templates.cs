using Npgsql;

namespace DataGen.Xunit;

/// <content>Templates: a loaded database kept as a template, copies made ahead, a class's database handed on.</content>
public sealed partial class PostgresStrategy
{
    /// <inheritdoc />
    public async Task<string?> FindTemplateAsync(string name, CancellationToken cancellationToken)
    {
        // A short, unpooled session: a template with a session open cannot be copied.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_connectionString) { Database = name, Pooling = false }.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                var command = new NpgsqlCommand($"SELECT info FROM {PostgresRestorePlan.Schema}.template", connection);
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
    public async Task<bool> SaveTemplateAsync(string name, string info, CancellationToken cancellationToken)
    {
        // The info travels inside the template (a later run reads it back before cloning).
        var connection = new NpgsqlConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new NpgsqlCommand($"CREATE UNLOGGED TABLE {PostgresRestorePlan.Schema}.template (info text NOT NULL); INSERT INTO {PostgresRestorePlan.Schema}.template VALUES (@info)", connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("info", info);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        // CREATE DATABASE … TEMPLATE needs the source without sessions: this class's pooled connections are closed first.
        ClearPool();
        var keep = _keepsTemplates();
        try
        {
            if (keep)
            {
                await DropStaleAsync(name, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Registered before it is made: a run that ends while it is being made still drops it.
                _server.DropAtEnd(name);
            }

            await _server.ExecuteAsync($"CREATE DATABASE {PostgresServer.Quote(name)} TEMPLATE {PostgresServer.Quote(_database)}", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            KitLog.Fallback($"PostgreSQL template {name}", $"not saved ({KitLog.Why(e)})", "every later class with this data generates and loads it again");
            return false;
        }

        // A copy is made ahead for the next class with this data; this database joins the pool when its class ends.
        Plans[name] = _tables;
        Template = name;
        PostgresSpares.Prepare(name, _server);
        return true;
    }

    /// <summary>A kept template under this name that was not usable (its info missing or not matching) is made again; copies made ahead of it are not handed out.</summary>
    private async Task DropStaleAsync(string name, CancellationToken cancellationToken)
    {
        foreach (var stale in PostgresSpares.Of(name).TakeAll())
        {
            if (await stale.ConfigureAwait(false) is { } old)
            {
                await _server.DropAsync(old, cancellationToken).ConfigureAwait(false);
            }
        }

        await _server.DropAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> CloneTemplateAsync(string name, CancellationToken cancellationToken)
    {
        // A class that started on a spare copy of the template (renamed into its database) is a copy already.
        if (!Adopted && !await CopyTemplateAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        Adopted = false;
        Template = name;
        if (PostgresSpares.Of(name).Count == 0)
        {
            // Nothing waits for the next class (no class ended yet to hand its database on): make a copy ahead.
            PostgresSpares.Prepare(name, _server);
        }

        // A copy has the template's tables, keys and references: its restore plan is the template's.
        if (Plans.TryGetValue(name, out var plan))
        {
            _tables = plan;
        }
        else
        {
            await PlanAsync(await LoadedTablesAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The tables a template's baseline holds copies of (a template kept by an earlier run: no plan in this process).</summary>
    private async Task<IReadOnlyList<string>> LoadedTablesAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{PostgresRestorePlan.Schema}' AND c.relkind = 'r' AND relname LIKE '%.%'", cancellationToken).ConfigureAwait(false);

    /// <summary>Makes this database a copy of the template: a spare made ahead renamed, or a new copy; false when the template is busy or gone (an empty database again).</summary>
    private async Task<bool> CopyTemplateAsync(string name, CancellationToken cancellationToken)
    {
        var own = PostgresServer.Quote(_database);
        ClearPool();

        // A copy made ahead while earlier classes ran (or being made now: waiting for it is no slower than making one).
        var spare = PostgresSpares.Of(name).Take() is { } pending ? await pending.WaitAsync(cancellationToken).ConfigureAwait(false) : null;
        await _server.DropAsync(_database, cancellationToken).ConfigureAwait(false);
        if (spare is not null)
        {
            try
            {
                await _server.RenameAsync(spare, _database, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (PostgresException e)
            {
                KitLog.Fallback($"PostgreSQL copy {spare}", $"could not be taken ({KitLog.Why(e)})", "this class makes its copy itself (some 100 ms)");
            }
        }

        try
        {
            await _server.ExecuteAsync($"CREATE DATABASE {own} TEMPLATE {PostgresServer.Quote(name)}", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            KitLog.Fallback($"PostgreSQL template {name}", $"could not be copied ({KitLog.Why(e)})", "this class generates and loads its data itself");
            await _server.ExecuteAsync($"CREATE DATABASE {own}", cancellationToken).ConfigureAwait(false);
            return false;
        }

        return true;
    }

    /// <summary>
    /// When the class ends: hands this database to the next class with the same data instead of dropping it — restored
    /// to the baseline and renamed into a copy of its template — when nothing the restore cannot undo happened (no schema
    /// change, watched by an event trigger: without the right to make one, never; no write to a table the kit did not
    /// load) and the pool has room. Otherwise false: the caller drops it, and a copy is made ahead if none waits.
    /// </summary>
    internal async Task<bool> PassOnAsync()
    {
        if (Template is not { } template || _tables.Length == 0)
        {
            return false;
        }

        try
        {
            if (PostgresSpares.Of(template).Count >= PostgresSpares.Max || !await CanPassOnAsync().ConfigureAwait(false))
            {
                PrepareIfNone(template);
                return false;
            }

            await RestoreBaselineAsync(CancellationToken.None).ConfigureAwait(false);
            ClearPool();
            var spare = PostgresSpares.NewName(template, _server);
            await _server.RenameAsync(_database, spare, CancellationToken.None).ConfigureAwait(false);
            if (!PostgresSpares.Of(template).TryAdd(Task.FromResult<string?>(spare)))
            {
                await _server.DropAsync(spare).ConfigureAwait(false);
            }

            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // In use (the application's own pool), or gone: dropped as usual.
            KitLog.Fallback($"PostgreSQL database {_database}", $"not handed on to the next class ({KitLog.Why(e)})", "it is dropped and the next class waits for a fresh copy");
            PrepareIfNone(template);
            return false;
        }
    }

    private void PrepareIfNone(string template)
    {
        if (PostgresSpares.Of(template).Count == 0)
        {
            PostgresSpares.Prepare(template, _server);
        }
    }

    private async Task<bool> CanPassOnAsync()
    {
        var watched = await QueryAsync($"SELECT (SELECT count(*) FROM pg_event_trigger WHERE evtname = 'datagen_ddl' AND evtenabled <> 'D')::text || '|' || (SELECT count(*) FROM {PostgresRestorePlan.Schema}.ddl)::text", CancellationToken.None).ConfigureAwait(false);
        if (watched.Count != 1 || watched[0] != "1|0")
        {
            return false;
        }

        var loaded = _tables.Select(t => t.Table).ToHashSet(StringComparer.Ordinal);
        return (await DirtyAsync(CancellationToken.None).ConfigureAwait(false)).All(loaded.Contains);
    }
}
