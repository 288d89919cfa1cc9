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

    /// <inheritdoc />
    public async ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        RefuseShards();
        if (_failed)
        {
            throw new InvalidOperationException($"{Store}: an earlier model failed and the run's transaction was rolled back; start a new output");
        }

        if (!_prepared.Contains(model.Target))
        {
            // An output used without PrepareAsync: the model's table is prepared alone, as it opens.
            await PrepareAsync([model], cancellationToken).ConfigureAwait(false);
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
            await DropSetAsideAsync().ConfigureAwait(false);
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
        await RestoreSetAsideAsync().ConfigureAwait(false);
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
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
}
