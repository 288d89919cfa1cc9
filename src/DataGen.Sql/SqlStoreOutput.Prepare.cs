using System.Data.Common;
using DataGen.Outputs;

namespace DataGen.Sql;

/// <summary>What a run does to the existing tables before it loads: refuse conflicts, empty, drop what DataGen made, create.</summary>
public abstract partial class SqlStoreOutput
{

    private readonly List<ModelDescriptor> _madeUpFront = [];

    /// <summary>
    /// Empties the existing tables of the run's <see cref="LoadMode.Truncate"/> models in the run's transaction, children
    /// before parents and in one step where the store can (so foreign keys among them hold); a table another table
    /// outside the run references is refused by the database, which names it.
    /// </summary>
    public async ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        RefuseShards();
        await RefuseConflictsAsync(models, cancellationToken).ConfigureAwait(false);
        if (!TransactionalDdl)
        {
            await MakeTablesUpFrontAsync(models, cancellationToken).ConfigureAwait(false);
        }

        var emptied = models.Where(m => m.Mode == LoadMode.Truncate).ToList();
        if (emptied.Count == 0)
        {
            return;
        }

        var connection = _connection ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var transaction = _transaction ??= await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var targets = string.Join(", ", emptied.Select(m => m.Target));
        try
        {
            foreach (var model in emptied)
            {
                if (!await TableExistsAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false))
                {
                    throw new GenerationException($"{Store}: table '{model.Target}' does not exist; mode 'truncate' empties and refills a table the application owns (mode 'create' makes one)", model.Name);
                }
            }

            var names = emptied.Select(m => m.Target).ToList();
            foreach (var model in emptied)
            {
                var referencing = await ReferencingTablesAsync(connection, transaction, model.Target, names, cancellationToken).ConfigureAwait(false);
                if (referencing.Count > 0)
                {
                    throw new GenerationException($"{Store}: mode 'truncate' would empty table '{model.Target}', which {string.Join(", ", referencing)} reference{(referencing.Count == 1 ? "s" : string.Empty)} and the run does not empty: add {(referencing.Count == 1 ? "it" : "them")} to the manifest with mode 'truncate', or use mode 'append'; nothing was changed", model.Name);
                }
            }

            foreach (var statement in Dialect.EmptyTables(emptied.Select(m => m.Target).Reverse().ToList()))
            {
                await SqlCommands.ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (DescribeError(e) is { } reason)
        {
            throw new GenerationException($"{Store}: emptying {targets} for mode 'truncate' failed: {reason}; nothing was changed (tables that reference these and are not in the run keep them from being emptied: add them to the manifest, or use mode 'append')", null, null, null, e);
        }
    }

    /// <summary>A SQL database is filled by one run: a shard's rows reference rows of other shards, which its foreign keys need first.</summary>
    private void RefuseShards()
    {
        if (Options.Shard is { } shard)
        {
            throw new GenerationException($"{Store}: a sharded run (slice {shard.Index}/{shard.Count}) cannot load into a SQL database: each slice's rows reference rows of the other slices, which its foreign keys need in first, and every worker would make and check the same tables; shard into files (--format) and load those, or load with one run; nothing was written");
        }
    }

    /// <summary>Where DDL commits by itself: the run's new tables and their indexes, made before the run's transaction begins.</summary>
    private async Task MakeTablesUpFrontAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken)
    {
        var connection = _connection ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
        foreach (var model in models.Where(m => m.Mode is LoadMode.Create or LoadMode.Replace))
        {
            try
            {
                var (created, _) = await PrepareTableAsync(connection, null, model, cancellationToken).ConfigureAwait(false);
                if (created)
                {
                    _madeUpFront.Add(model);
                    foreach (var index in Dialect.CreateIndexes(model))
                    {
                        await SqlCommands.ExecuteAsync(connection, null, index, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception e) when (DescribeError(e) is { } reason)
            {
                await DropMadeUpFrontAsync().ConfigureAwait(false);
                throw new GenerationException($"{Store}: preparing table '{model.Target}' failed: {reason}; nothing was kept in this database", model.Name, null, null, e);
            }
        }
    }

    /// <summary>Drops the tables this run made up front (it did not commit), children first.</summary>
    private async ValueTask DropMadeUpFrontAsync()
    {
        if (_connection is null || _madeUpFront.Count == 0)
        {
            return;
        }

        foreach (var model in Enumerable.Reverse(_madeUpFront))
        {
            try
            {
                await SqlCommands.ExecuteAsync(_connection, null, Dialect.DropTable(model), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                Options.Warning?.Invoke($"{Store}: the run failed and table '{model.Target}', which it made, could not be dropped: {DescribeError(e) ?? e.Message}");
            }
        }

        _madeUpFront.Clear();
    }

    /// <summary>
    /// By the model's <see cref="LoadMode"/>: an existing table is kept (empty, or emptied by <see cref="PrepareAsync"/>),
    /// appended to, dropped, or refused; a missing one is created or refused. Returns whether the table was created.
    /// </summary>
    private async Task<(bool Created, long Before)> PrepareTableAsync(DbConnection connection, DbTransaction? transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        var exists = await TableExistsAsync(connection, transaction!, model, cancellationToken).ConfigureAwait(false);
        if (exists)
        {
            if (Dialect.LockTable(model) is { } lockTable)
            {
                // The emptiness check and the load hold the same lock: concurrent runs cannot both find the table empty.
                await SqlCommands.ExecuteAsync(connection, transaction, lockTable, cancellationToken).ConfigureAwait(false);
            }

            var rows = await SqlCommands.ScalarAsync(connection, transaction, Dialect.CountRows(model), cancellationToken).ConfigureAwait(false);
            if (model.Mode == LoadMode.Append)
            {
                return (false, rows);
            }

            if ((rows == 0 || _foundEmpty.Contains(model.Target)) && model.Mode != LoadMode.Replace)
            {
                // Empty, or found empty before the run wrote anything: its rows are this run's triggers'.
                return (false, rows);
            }

            if (model.Mode != LoadMode.Replace && !Options.DropConflicting)
            {
                throw new StoreConflictException(Store, model.Target, rows);
            }

            await SqlCommands.ExecuteAsync(connection, transaction, Dialect.DropTable(model), cancellationToken).ConfigureAwait(false);
            Options.Warning?.Invoke($"{Store}: dropped table '{model.Target}' ({rows} rows) to create it from model '{model.Name}' (its own defaults, checks, triggers, indexes and partitions went with it; mode 'truncate' keeps them)");
        }
        else if (model.Mode is LoadMode.Append or LoadMode.Truncate)
        {
            throw new GenerationException($"{Store}: table '{model.Target}' does not exist; mode '{model.Mode.ToString().ToLowerInvariant()}' loads into a table the application owns (mode 'create' makes one){RolledBack()}", model.Name);
        }

        if (!Options.CreateTables)
        {
            throw new GenerationException($"{Store}: table '{model.Target}' does not exist and table creation is off{RolledBack()}", model.Name);
        }

        if (SqlDialect.TableName(model.Target) != model.Target && Dialect.CreateSchema(model.Target[..model.Target.IndexOf('.', StringComparison.Ordinal)]) is { } createSchema)
        {
            await SqlCommands.ExecuteAsync(connection, transaction, createSchema, cancellationToken).ConfigureAwait(false);
        }

        await SqlCommands.ExecuteAsync(connection, transaction, Dialect.CreateTable(model), cancellationToken).ConfigureAwait(false);
        return (true, 0);
    }
}
