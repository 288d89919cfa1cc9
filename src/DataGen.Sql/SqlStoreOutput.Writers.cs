using System.Data.Common;
using DataGen.Outputs;

namespace DataGen.Sql;

/// <summary>The writers of one model: its rows through the bulk load, and a reference cycle's updates.</summary>
public abstract partial class SqlStoreOutput
{

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
