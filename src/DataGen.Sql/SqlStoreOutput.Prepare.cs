using System.Data.Common;
using DataGen.Outputs;

namespace DataGen.Sql;

/// <summary>What a run does to the existing tables before it loads: refuse conflicts, empty, drop what DataGen made, create.</summary>
public abstract partial class SqlStoreOutput
{
    private readonly List<ModelDescriptor> _madeUpFront = [];
    private readonly HashSet<string> _prepared = new(StringComparer.Ordinal);

    /// <summary>
    /// Before any row is written, for every model of the run together: refuses the tables that hold rows where the mode
    /// loads into empty ones (each named with its count); for <see cref="LoadMode.Truncate"/>, <see cref="LoadMode.Replace"/>
    /// and <see cref="StoreLoadOptions.DropConflicting"/>, drops only the tables DataGen itself made in an earlier run
    /// (and nothing outside the run depends on; where DDL commits by itself, renames them aside until the run commits) and empties every other one in one step, keeping its definition, with
    /// foreign-key checks held among them (reference cycles); a table that a table outside the run references while it
    /// holds rows is refused, every blocker named, before anything is changed.
    /// </summary>
    public async ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        RefuseShards();
        foreach (var model in models)
        {
            _prepared.Add(model.Target);
        }

        await RefuseConflictsAsync(models, cancellationToken).ConfigureAwait(false);
        var existing = await PlanExistingAsync(models, cancellationToken).ConfigureAwait(false);
        if (!TransactionalDdl)
        {
            // DDL commits by itself here: DataGen's tables made again are renamed aside, not dropped, until the run commits.
            await SetAsideAsync(existing.Dropped, cancellationToken).ConfigureAwait(false);
            await MakeTablesUpFrontAsync(models, cancellationToken).ConfigureAwait(false);
        }
        else if (existing.Dropped.Count > 0)
        {
            await DropAsync(existing.Dropped, _transaction ??= await _connection!.BeginTransactionAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        if (existing.Emptied.Count > 0)
        {
            await EmptyAsync(existing, cancellationToken).ConfigureAwait(false);
        }

        await ReadStartingDataAsync(models, cancellationToken).ConfigureAwait(false);
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
    /// By the model's <see cref="LoadMode"/>: an existing table is loaded into when it is empty, was emptied by
    /// <see cref="PrepareAsync"/> or is appended to, and refused when it holds rows; a missing one is created (and marked
    /// as DataGen's) or refused. Returns whether the table was created and the rows it held before the load.
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
            if (rows == 0 || model.Mode == LoadMode.Append || _emptied.Contains(model.Target) || _foundEmpty.Contains(model.Target))
            {
                // Empty, appended to, or emptied or found empty before the run wrote anything: rows there now are this
                // run's triggers'.
                return (false, rows);
            }

            throw new StoreConflictException(Store, model.Target, rows);
        }

        if (model.Mode is LoadMode.Append or LoadMode.Truncate)
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
        foreach (var mark in Dialect.MarkCreated(model))
        {
            // What lets a later run with mode replace or --drop-conflicting drop it: DataGen made it, not the application.
            await SqlCommands.ExecuteAsync(connection, transaction, mark, cancellationToken).ConfigureAwait(false);
        }

        return (true, 0);
    }
}
