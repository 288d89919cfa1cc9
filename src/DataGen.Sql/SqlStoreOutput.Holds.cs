using System.Data.Common;
using DataGen.Outputs;

namespace DataGen.Sql;

/// <summary>
/// What a run holds in a database beyond its rows, and gives back before it commits: tables found empty before anything
/// was written (with every conflict refused at once), foreign keys held for a reference cycle filled in one pass, and
/// triggers suspended while it loads.
/// </summary>
public abstract partial class SqlStoreOutput
{
    private readonly List<Func<CancellationToken, Task>> _beforeCommit = [];
    private readonly HashSet<string> _foundEmpty = new(StringComparer.Ordinal);

    /// <summary>
    /// Before anything is written: every existing table of a model that loads into empty tables (the default mode) is
    /// counted, and those holding rows are refused together, each with its count. Where DDL is transactional the run's
    /// transaction begins here and each table is locked before it is counted (concurrent runs wait), so one found empty
    /// is not checked again when its model opens: rows there by then were written by this run's own triggers.
    /// </summary>
    private async Task RefuseConflictsAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken)
    {
        var checkedModels = models.Where(m => m.Mode == LoadMode.Create && !Options.DropConflicting).ToList();
        if (checkedModels.Count == 0)
        {
            return;
        }

        var connection = _connection ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var transaction = TransactionalDdl ? _transaction ??= await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
        var conflicts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var model in checkedModels.Where(m => !conflicts.ContainsKey(m.Target)))
        {
            try
            {
                if (!await TableExistsAsync(connection, transaction!, model, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                if (transaction is not null && Dialect.LockTable(model) is { } lockTable)
                {
                    await SqlCommands.ExecuteAsync(connection, transaction, lockTable, cancellationToken).ConfigureAwait(false);
                }

                var rows = await SqlCommands.ScalarAsync(connection, transaction, Dialect.CountRows(model), cancellationToken).ConfigureAwait(false);
                if (rows > 0)
                {
                    conflicts[model.Target] = rows;
                }
                else if (transaction is not null)
                {
                    _foundEmpty.Add(model.Target);
                }
            }
            catch (Exception e) when (DescribeError(e) is { } reason)
            {
                throw new GenerationException($"{Store}: reading table '{model.Target}' failed: {reason}; nothing was written", model.Name, null, null, e);
            }
        }

        if (conflicts.Count > 0)
        {
            throw new StoreConflictException(Store, conflicts);
        }
    }

    /// <summary>
    /// Holds the checks of the foreign keys over <paramref name="model"/>'s <see cref="ModelDescriptor.HeldReferences"/>
    /// (a reference cycle filled in one pass: its rows point at rows a later model writes) in an existing table, within the
    /// run's transaction, before its rows are loaded. Returns what restores and verifies them before the run commits,
    /// failing with the constraint's name where a row breaks it; null when no foreign key covers those columns. Default:
    /// refuses, naming the model.
    /// </summary>
    /// <param name="connection">The run's connection.</param>
    /// <param name="transaction">The run's transaction.</param>
    /// <param name="model">The model whose references are held.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    protected virtual Task<Func<CancellationToken, Task>?> HoldForeignKeysAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        throw new GenerationException($"{Store}: model '{model.Name}' is part of a reference cycle filled in one pass ({string.Join(", ", model.HeldReferences.Select(r => r.Field))}), and this store cannot hold foreign-key checks until the run ends", model.Name);
    }

    /// <summary>
    /// Suspends the existing table's user triggers that read the clock (<see cref="SqlTriggerBodies.StampsTheClock"/>)
    /// within the run's transaction, so the same seed gives the same tables; returns what restores them, exactly as they
    /// were, before the run commits (null when there are none). Default: none suspended (a store that cannot, within a
    /// transaction, leaves them to fire).
    /// </summary>
    /// <param name="connection">The run's connection.</param>
    /// <param name="transaction">The run's transaction.</param>
    /// <param name="model">The model about to load into its table.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    protected virtual Task<Func<CancellationToken, Task>?> SuspendTriggersAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken) =>
        Task.FromResult<Func<CancellationToken, Task>?>(null);

    /// <summary>Restores what the run suspended (triggers) and verifies the foreign keys held for a reference cycle: a violation fails the run before it commits.</summary>
    private async Task RestoreBeforeCommitAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var restore in _beforeCommit)
            {
                await restore(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not GenerationException && DescribeError(e) is { } reason)
        {
            _failed = true;
            throw new GenerationException($"{Store}: restoring the triggers or checking the foreign keys the run held failed: {reason}; nothing was kept in this database", null, null, null, e);
        }
        catch
        {
            _failed = true;
            throw;
        }
        finally
        {
            _beforeCommit.Clear();
        }
    }
}
