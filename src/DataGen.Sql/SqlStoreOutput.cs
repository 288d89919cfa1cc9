using System.Data.Common;
using DataGen.Outputs;

namespace DataGen.Sql;

/// <summary>
/// The load pipeline every SQL store shares, so their behaviour cannot drift: per model, in one transaction, find out
/// whether the table exists and what it holds → keep it (empty), drop it (<see cref="StoreLoadOptions.DropConflicting"/>,
/// with a warning) or refuse (<see cref="StoreConflictException"/>) → create it when missing (unless
/// <see cref="StoreLoadOptions.CreateTables"/> is off) → bulk-load through the store's <see cref="SqlBulkLoad"/> →
/// check the stored row count against the rows sent → move the loaded columns' sequences past the loaded keys (where the
/// store has them) → create the manifest's indexes on a created table → commit.
/// Anything that fails rolls the model back (DDL included). A store package supplies the connection, the existence
/// query and the bulk path.
/// </summary>
public abstract class SqlStoreOutput : IDataOutput
{
    private DbConnection? _connection;

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

    /// <summary>Whether the model's target table exists (within the model's transaction).</summary>
    protected abstract Task<bool> TableExistsAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken);

    /// <summary>Starts the bulk load of one model into its (existing, empty) table within <paramref name="transaction"/>.</summary>
    protected abstract ValueTask<SqlBulkLoad> BeginBulkLoadAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken);

    /// <summary>
    /// The server's words for a driver exception (message and error code; never connection details), or null for
    /// exceptions that are not the driver's, which pass through unchanged.
    /// </summary>
    protected abstract string? DescribeError(Exception exception);

    /// <summary>
    /// Called after a model's rows are in and counted, before its indexes and the commit, in its transaction: where a
    /// store moves the sequences and identities of the loaded columns past the loaded keys, so the application's next
    /// insert gets a fresh key. Default: nothing.
    /// </summary>
    protected virtual Task AfterBulkLoadAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called when the run succeeded, before the connection closes (a checkpoint, statistics).</summary>
    protected virtual ValueTask OnCompletingAsync(DbConnection connection, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Called after every model was committed and the connection closed (a store that builds a file renames it here).</summary>
    protected virtual ValueTask OnCompletedAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Called once when the output is disposed, after the connection is closed.</summary>
    protected virtual ValueTask OnDisposedAsync() => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var connection = _connection ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        SqlBulkLoad? load = null;
        try
        {
            var created = await PrepareTableAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false);
            load = await BeginBulkLoadAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false);
            return new Writer(this, connection, transaction, load, model, created);
        }
        catch (Exception e) when (DescribeError(e) is { } reason)
        {
            await DiscardAsync(load, transaction).ConfigureAwait(false);
            throw new GenerationException($"{Store}: preparing table '{model.Target}' failed: {reason}", model.Name, null, null, e);
        }
        catch
        {
            await DiscardAsync(load, transaction).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
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
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }

    /// <summary>Existing table → keep (empty), drop or refuse; missing → create or refuse. Returns whether the table was created.</summary>
    private async Task<bool> PrepareTableAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        var exists = await TableExistsAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false);
        if (exists)
        {
            if (Dialect.LockTable(model) is { } lockTable)
            {
                // The emptiness check and the load hold the same lock: concurrent runs cannot both find the table empty.
                await SqlCommands.ExecuteAsync(connection, transaction, lockTable, cancellationToken).ConfigureAwait(false);
            }

            var rows = await SqlCommands.ScalarAsync(connection, transaction, Dialect.CountRows(model), cancellationToken).ConfigureAwait(false);
            if (rows == 0)
            {
                return false;
            }

            if (!Options.DropConflicting)
            {
                throw new StoreConflictException(Store, model.Target, rows);
            }

            await SqlCommands.ExecuteAsync(connection, transaction, Dialect.DropTable(model), cancellationToken).ConfigureAwait(false);
            Options.Warning?.Invoke($"{Store}: dropped table '{model.Target}' ({rows} rows) to load model '{model.Name}'");
        }

        if (!Options.CreateTables)
        {
            throw new GenerationException($"{Store}: table '{model.Target}' does not exist and table creation is off", model.Name);
        }

        await SqlCommands.ExecuteAsync(connection, transaction, Dialect.CreateTable(model), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static async ValueTask DiscardAsync(SqlBulkLoad? load, DbTransaction transaction)
    {
        if (load is not null)
        {
            await load.DisposeAsync().ConfigureAwait(false);
        }

        await transaction.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>One model: rows through the bulk load, then count, indexes and commit.</summary>
    private sealed class Writer(SqlStoreOutput owner, DbConnection connection, DbTransaction transaction, SqlBulkLoad load, ModelDescriptor model, bool createdTable) : IModelWriter
    {
        private long _rows;
        private bool _committed;

        public async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(batch);
            try
            {
                await load.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (owner.DescribeError(e) is { } reason)
            {
                throw new GenerationException($"{owner.Store}: writing table '{model.Target}' failed: {reason}", model.Name, null, batch.FirstRow, e);
            }

            _rows += batch.Rows.Count;
        }

        public async ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                // The table was empty before the load (or new), so the stored count is what this load wrote.
                var acknowledged = await load.CompleteAsync(cancellationToken).ConfigureAwait(false)
                    ?? await SqlCommands.ScalarAsync(connection, transaction, owner.Dialect.CountRows(model), cancellationToken).ConfigureAwait(false);
                if (acknowledged != _rows)
                {
                    throw new GenerationException($"{owner.Store}: table '{model.Target}' holds {acknowledged} rows after loading {_rows}; rolled back", model.Name);
                }

                await owner.AfterBulkLoadAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false);
                if (createdTable)
                {
                    foreach (var index in owner.Dialect.CreateIndexes(model))
                    {
                        await SqlCommands.ExecuteAsync(connection, transaction, index, cancellationToken).ConfigureAwait(false);
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                _committed = true;
                return acknowledged;
            }
            catch (Exception e) when (owner.DescribeError(e) is { } reason)
            {
                throw new GenerationException($"{owner.Store}: loading table '{model.Target}' failed: {reason}", model.Name, null, null, e);
            }
        }

        public async ValueTask DisposeAsync()
        {
            // Disposing an unfinished bulk load cancels it; then the transaction (DDL included) rolls back.
            await load.DisposeAsync().ConfigureAwait(false);
            if (!_committed)
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

            await transaction.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>A store's bulk path for one model (binary COPY, SqlBulkCopy, a prepared INSERT), inside the model's transaction.</summary>
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
