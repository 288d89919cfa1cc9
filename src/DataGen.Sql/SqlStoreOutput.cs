using System.Data.Common;
using DataGen.Outputs;

namespace DataGen.Sql;

/// <summary>
/// The load pipeline every SQL store shares, so their behaviour cannot drift: per model, find out whether the table
/// exists and what it holds → keep it (empty), drop it (<see cref="StoreLoadOptions.DropConflicting"/>, with a warning)
/// or refuse (<see cref="StoreConflictException"/>) → create it when missing (unless
/// <see cref="StoreLoadOptions.CreateTables"/> is off) → bulk-load through the store's <see cref="SqlBulkLoad"/> →
/// check the stored row count against the rows sent → move the loaded columns' sequences past the loaded keys (where the
/// store has them) → create the manifest's indexes on a created table. Every model of a run goes into one transaction,
/// committed when the run completes: a failure anywhere rolls back every model loaded into this database (DDL
/// included), so it is left as it was. A store package supplies the connection, the existence query and the bulk path.
/// </summary>
public abstract partial class SqlStoreOutput : IDataOutput
{
    private readonly List<string> _loaded = [];
    private DbConnection? _connection;
    private DbTransaction? _transaction;
    private bool _failed;

    /// <summary>Creates the pipeline.</summary>
    /// <param name="dialect">Quoting and DDL.</param>
    /// <param name="options">How existing tables are treated.</param>
    /// <param name="store">The store for messages, e.g. <c>postgres 'main'</c>; never a connection string.</param>
    protected SqlStoreOutput(SqlDialect dialect, StoreLoadOptions? options, string store)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentException.ThrowIfNullOrEmpty(store);
        Dialect = dialect;
        Options = options ?? new StoreLoadOptions();
        Store = store;
    }

    /// <summary>Quoting and DDL.</summary>
    protected SqlDialect Dialect { get; }

    /// <summary>How existing tables are treated.</summary>
    protected StoreLoadOptions Options { get; }

    /// <summary>The store for messages (kind and datastore name).</summary>
    protected string Store { get; }

    /// <summary>Opens the connection every model of this output is loaded through (called once, on the first model).</summary>
    protected abstract ValueTask<DbConnection> ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Whether the model's target table exists (within the run's transaction).</summary>
    protected abstract Task<bool> TableExistsAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken);

    /// <summary>Starts the bulk load of one model into its (existing, empty) table within <paramref name="transaction"/>.</summary>
    protected abstract ValueTask<SqlBulkLoad> BeginBulkLoadAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken);

    /// <summary>
    /// The server's words for a driver exception (message and error code; never connection details), or null for
    /// exceptions that are not the driver's, which pass through unchanged.
    /// </summary>
    protected abstract string? DescribeError(Exception exception);

    /// <summary>
    /// Called after a model's rows are in and counted, before its indexes and the commit, in the run's transaction: where a
    /// store moves the sequences and identities of the loaded columns past the loaded keys, so the application's next
    /// insert gets a fresh key. Default: nothing.
    /// </summary>
    protected virtual Task AfterBulkLoadAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The tables, other than <paramref name="others"/>, with a foreign key to <paramref name="table"/> (what keeps it from
    /// being emptied alone), as the store names them. Default: none known (the database's own error then speaks).
    /// </summary>
    protected virtual Task<IReadOnlyList<string>> ReferencingTablesAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> others, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>Called when the run succeeded, before the connection closes (a checkpoint, statistics).</summary>
    protected virtual ValueTask OnCompletingAsync(DbConnection connection, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Called after every model was committed and the connection closed (a store that builds a file renames it here).</summary>
    protected virtual ValueTask OnCompletedAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Called once when the output is disposed, after the connection is closed.</summary>
    protected virtual ValueTask OnDisposedAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// Whether CREATE and DROP run inside the run's transaction (default true). A store whose DDL commits implicitly
    /// (MySQL, MariaDB) says false: the run then makes its tables and indexes in <see cref="PrepareAsync"/>, before any
    /// row is loaded, and drops the tables it made if the run does not commit — so a failed run still leaves nothing.
    /// </summary>
    protected virtual bool TransactionalDdl => true;

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

    /// <inheritdoc />
    public async ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        RefuseShards();
        if (_failed)
        {
            throw new InvalidOperationException($"{Store}: an earlier model failed and the run's transaction was rolled back; start a new output");
        }

        var connection = _connection ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var transaction = _transaction ??= await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        SqlBulkLoad? load = null;
        try
        {
            var (created, before) = await PrepareTableAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false);
            if (created && !TransactionalDdl)
            {
                // A table PrepareAsync did not make (an output used without it): dropped again if the run fails.
                _madeUpFront.Add(model);
            }

            if (!created && model.HeldReferences.Count > 0
                && await HoldForeignKeysAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false) is { } restore)
            {
                _beforeCommit.Add(restore);
            }

            if (!created && await SuspendTriggersAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false) is { } resume)
            {
                _beforeCommit.Add(resume);
            }

            load = await BeginBulkLoadAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false);
            return new Writer(this, connection, transaction, load, model, created, before);
        }
        catch (Exception e) when (DescribeError(e) is { } reason)
        {
            await DiscardAsync(load).ConfigureAwait(false);
            throw new GenerationException($"{Store}: preparing table '{model.Target}' failed: {reason}{RolledBack()}", model.Name, null, null, e);
        }
        catch
        {
            await DiscardAsync(load).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Sets a reference cycle's deferred refs in rows this run loaded, in the run's transaction: one prepared
    /// <c>UPDATE … SET … WHERE key = …</c> a row, batched where the driver can (rows whose values are all NULL already hold
    /// them and are skipped), each required to change exactly one row. A failure rolls the run back like a failed load.
    /// </summary>
    public ValueTask<IModelWriter> OpenUpdatesAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (_failed || _connection is not { } connection || _transaction is not { } transaction || !_loaded.Contains(model.Name))
        {
            throw new InvalidOperationException($"{Store}: updates of '{model.Name}' follow its load in the same run, and the run has not loaded it (or has failed)");
        }

        var sets = model.Fields.Skip(1).Select((f, i) => $"{Dialect.Quote(f.Name)} = @p{i + 1}");
        var sql = $"UPDATE {Dialect.QuoteTable(model.Target)} SET {string.Join(", ", sets)} WHERE {Dialect.Quote(model.Fields[0].Name)} = @p0";
        return ValueTask.FromResult<IModelWriter>(new UpdateWriter(this, connection, transaction, sql, model));
    }

    /// <summary>A value as a command parameter for a column of <paramref name="field"/> (default: as is, null as <see cref="DBNull"/>).</summary>
    protected virtual object ToParameterValue(object? value, FieldDescriptor field) => value ?? DBNull.Value;

    /// <summary>
    /// Runs a read of the database's own (a catalog query: its schema) on a connection of its own, outside any run;
    /// the store's errors are named as for a load (never the connection string).
    /// </summary>
    /// <param name="what">What the read does, for the message (<c>reading the schema of host:5432/db</c>).</param>
    /// <param name="read">The read.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    protected async Task<T> ReadDatabaseAsync<T>(string what, Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                return await read(connection).ConfigureAwait(false);
            }
            catch (Exception e) when (DescribeError(e) is { } reason)
            {
                throw new GenerationException($"{Store}: {what} failed: {reason}", null, null, null, e);
            }
        }
    }

    /// <summary>What a failure leaves: nothing, the models loaded before it included (they share the run's transaction).</summary>
    private string RolledBack() => _loaded.Count == 0
        ? "; nothing was kept in this database"
        : $"; rolled back with the {_loaded.Count} model(s) loaded before it ({string.Join(", ", _loaded)}): nothing was kept in this database";

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_transaction is not null)
        {
            if (_beforeCommit.Count > 0)
            {
                await RestoreBeforeCommitAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (DescribeError(e) is { } reason)
            {
                throw new GenerationException($"{Store}: committing the run ({string.Join(", ", _loaded)}) failed: {reason}; nothing was kept in this database", null, null, null, e);
            }

            await _transaction.DisposeAsync().ConfigureAwait(false);
            _transaction = null;
        }

        _madeUpFront.Clear();
        if (_connection is not null)
        {
            await OnCompletingAsync(_connection, cancellationToken).ConfigureAwait(false);
        }

        await CloseAsync().ConfigureAwait(false);
        await OnCompletedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        await OnDisposedAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    private async ValueTask CloseAsync()
    {
        if (_transaction is not null)
        {
            // Not committed: the run failed or was cancelled, and every model it loaded here goes with it.
            await RollbackAsync(_transaction).ConfigureAwait(false);
            await _transaction.DisposeAsync().ConfigureAwait(false);
            _transaction = null;
        }

        // Not committed (a completed run cleared the list): tables made outside the transaction go too.
        await DropMadeUpFrontAsync().ConfigureAwait(false);
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
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

    private static async ValueTask DiscardAsync(SqlBulkLoad? load)
    {
        if (load is not null)
        {
            await load.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async ValueTask RollbackAsync(DbTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            // A broken connection: the server discards the open transaction anyway.
        }
    }

    /// <summary>
    /// The deferred refs of one model: an UPDATE a row within the run's transaction, sent a thousand to a round trip where
    /// the driver batches statements (PostgreSQL, SQL Server, MySQL), one prepared command at a time otherwise (SQLite, in
    /// process). Each must change exactly one row.
    /// </summary>
    private sealed class UpdateWriter(SqlStoreOutput owner, DbConnection connection, DbTransaction transaction, string sql, ModelDescriptor model) : IModelWriter
    {
        private const int RoundTrip = 1000;
        private readonly List<object?[]> _pending = [];
        private DbCommand? _single;
        private long _applied;

        public async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(batch);
            foreach (var row in batch.Rows)
            {
                _applied++;
                if (row.Skip(1).Any(v => v is not null))
                {
                    _pending.Add(row); // rows whose values are all NULL were loaded that way
                }

                if (_pending.Count == RoundTrip)
                {
                    await FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        public async ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            return _applied;
        }

        private async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            var row = _pending[0];
            try
            {
                if (connection.CanCreateBatch)
                {
                    var batch = connection.CreateBatch();
                    await using (batch.ConfigureAwait(false))
                    {
                        batch.Transaction = transaction;
                        foreach (var values in _pending)
                        {
                            var command = batch.CreateBatchCommand();
                            command.CommandText = sql;
                            for (var i = 0; i < values.Length; i++)
                            {
                                var parameter = command.CreateParameter();
                                parameter.ParameterName = $"@p{i}";
                                parameter.Value = owner.ToParameterValue(values[i], model.Fields[i]);
                                command.Parameters.Add(parameter);
                            }

                            batch.BatchCommands.Add(command);
                        }

                        // The total is what every driver reports; per statement, some (MySqlConnector) report nothing.
                        var total = await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        if (total != _pending.Count)
                        {
                            var missed = Enumerable.Range(0, _pending.Count).FirstOrDefault(i => batch.BatchCommands[i].RecordsAffected == 0, -1);
                            throw new GenerationException($"{owner.Store}: updating table '{model.Target}' changed {total} rows for {_pending.Count} keys{(missed >= 0 ? $" (none where {model.Fields[0].Name} = '{_pending[missed][0]}')" : string.Empty)}{owner.RolledBack()}", model.Name);
                        }
                    }
                }
                else
                {
                    _single ??= await PrepareAsync(cancellationToken).ConfigureAwait(false);
                    foreach (var values in _pending)
                    {
                        row = values;
                        for (var i = 0; i < values.Length; i++)
                        {
                            _single.Parameters[i].Value = owner.ToParameterValue(values[i], model.Fields[i]);
                        }

                        Changed(await _single.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false), values);
                    }
                }
            }
            catch (Exception e) when (owner.DescribeError(e) is { } reason)
            {
                throw new GenerationException($"{owner.Store}: setting {string.Join(", ", model.Fields.Skip(1).Select(f => f.Name))} of table '{model.Target}' (a reference cycle's second pass) failed{(_pending.Count == 1 ? $" where {model.Fields[0].Name} = '{row[0]}'" : $" in the {_pending.Count} rows from {model.Fields[0].Name} = '{_pending[0][0]}'")}: {reason}{owner.RolledBack()}", model.Name, null, null, e);
            }

            _pending.Clear();
        }

        private void Changed(int changed, object?[] row)
        {
            if (changed != 1)
            {
                throw new GenerationException($"{owner.Store}: updating table '{model.Target}' where {model.Fields[0].Name} = '{row[0]}' changed {changed} rows instead of 1{owner.RolledBack()}", model.Name);
            }
        }

        private async Task<DbCommand> PrepareAsync(CancellationToken cancellationToken)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            for (var i = 0; i < model.Fields.Count; i++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = $"@p{i}";
                command.Parameters.Add(parameter);
            }

            await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
            return command;
        }

        public async ValueTask DisposeAsync()
        {
            if (_single is not null)
            {
                await _single.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>One model: rows through the bulk load, then count, sequences and indexes (the run commits them all at the end).</summary>
    private sealed class Writer(SqlStoreOutput owner, DbConnection connection, DbTransaction transaction, SqlBulkLoad load, ModelDescriptor model, bool createdTable, long before) : IModelWriter
    {
        private long _rows;
        private bool _completed;

        public async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(batch);
            try
            {
                await load.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (owner.DescribeError(e) is { } reason)
            {
                throw new GenerationException($"{owner.Store}: writing table '{model.Target}' failed: {reason}{owner.RolledBack()}", model.Name, null, batch.FirstRow, e);
            }

            _rows += batch.Rows.Count;
        }

        public async ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                // The table was empty before the load (or new), so the stored count is what this load wrote; an append
                // counts what it added.
                var acknowledged = await load.CompleteAsync(cancellationToken).ConfigureAwait(false)
                    ?? await SqlCommands.ScalarAsync(connection, transaction, owner.Dialect.CountRows(model), cancellationToken).ConfigureAwait(false) - before;
                if (acknowledged != _rows)
                {
                    throw new GenerationException($"{owner.Store}: table '{model.Target}' holds {acknowledged} rows after loading {_rows}{owner.RolledBack()}", model.Name);
                }

                await owner.AfterBulkLoadAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false);
                if (createdTable)
                {
                    foreach (var index in owner.Dialect.CreateIndexes(model))
                    {
                        await SqlCommands.ExecuteAsync(connection, transaction, index, cancellationToken).ConfigureAwait(false);
                    }
                }

                _completed = true;
                owner._loaded.Add(model.Name);
                return acknowledged;
            }
            catch (Exception e) when (owner.DescribeError(e) is { } reason)
            {
                throw new GenerationException($"{owner.Store}: loading table '{model.Target}' failed: {reason}{owner.RolledBack()}", model.Name, null, null, e);
            }
        }

        public async ValueTask DisposeAsync()
        {
            // Disposing an unfinished bulk load cancels it; the run's transaction (DDL included) then rolls back with
            // the output, taking every model loaded into this database with it.
            await load.DisposeAsync().ConfigureAwait(false);
            if (!_completed && owner._transaction is { } open)
            {
                await RollbackAsync(open).ConfigureAwait(false);
                await open.DisposeAsync().ConfigureAwait(false);
                owner._transaction = null;
                owner._failed = true;
                await owner.DropMadeUpFrontAsync().ConfigureAwait(false);
            }
        }
    }
}

/// <summary>A store's bulk path for one model (binary COPY, SqlBulkCopy, a prepared INSERT), inside the run's transaction.</summary>
public abstract class SqlBulkLoad : IAsyncDisposable
{
    /// <summary>Sends a batch of rows.</summary>
    public abstract ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken);

    /// <summary>Finishes sending; returns the row count the server acknowledged, or null to have the pipeline count the table.</summary>
    public abstract ValueTask<long?> CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Releases the bulk path; one not completed is cancelled.</summary>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
