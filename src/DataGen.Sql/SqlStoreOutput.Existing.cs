using System.Data.Common;
using DataGen.Outputs;

namespace DataGen.Sql;

/// <summary>
/// Existing tables a run empties or replaces: an application's table is never rebuilt from the manifest's idea of it
/// (emptied, it keeps its types, defaults, constraints, indexes, partitions, triggers and dependent views); only a table
/// DataGen made in an earlier run, which nothing outside the run depends on, is dropped and made again.
/// </summary>
public abstract partial class SqlStoreOutput
{
    private readonly HashSet<string> _emptied = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether DataGen made <paramref name="table"/> in an earlier run (the mark <see cref="SqlDialect.MarkCreated"/> left),
    /// so <see cref="LoadMode.Replace"/> may drop and recreate it. Default: false (the table is emptied and keeps its definition).
    /// </summary>
    /// <param name="connection">The run's connection.</param>
    /// <param name="transaction">The run's transaction, or null where DDL is not transactional.</param>
    /// <param name="table">The table as the manifest names it.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    protected virtual Task<bool> MadeByDataGenAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken) =>
        Task.FromResult(false);

    /// <summary>The views (and materialized views) that read <paramref name="table"/>, which dropping it would break. Default: none known.</summary>
    /// <param name="connection">The run's connection.</param>
    /// <param name="transaction">The run's transaction, or null where DDL is not transactional.</param>
    /// <param name="table">The table as the manifest names it.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    protected virtual Task<IReadOnlyList<string>> DependentViewsAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>
    /// The rows of a table <see cref="ReferencingTablesAsync"/> named (as the store names it). Default: counts
    /// <c>SELECT COUNT(*)</c> of the name quoted as a table.
    /// </summary>
    /// <param name="connection">The run's connection.</param>
    /// <param name="transaction">The run's transaction, or null.</param>
    /// <param name="table">The referencing table as <see cref="ReferencingTablesAsync"/> named it.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    protected virtual Task<long> RowsOfAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken) =>
        SqlCommands.ScalarAsync(connection, transaction, $"SELECT COUNT(*) FROM {Dialect.QuoteTable(table)}", cancellationToken);

    /// <summary>
    /// Empties <paramref name="tables"/> (children before parents) in the run's transaction, keeping their definitions, with
    /// foreign-key checks among them held so a reference cycle empties too. <paramref name="referencedFromOutside"/>: empty
    /// tables outside the run reference some of them (a store whose one-step emptying refuses that deletes instead).
    /// Default: the dialect's <see cref="SqlDialect.EmptyTables"/>.
    /// </summary>
    /// <param name="connection">The run's connection.</param>
    /// <param name="transaction">The run's transaction.</param>
    /// <param name="tables">The tables, children first.</param>
    /// <param name="referencedFromOutside">Whether empty tables outside the run reference any of them.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    protected virtual async Task EmptyTablesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> tables, bool referencedFromOutside, CancellationToken cancellationToken)
    {
        foreach (var statement in Dialect.EmptyTables(tables))
        {
            await SqlCommands.ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What <see cref="PrepareAsync"/> does to existing tables: drops (DataGen's own, children first) and empties (children first).</summary>
    private sealed record ExistingTables(IReadOnlyList<ModelDescriptor> Dropped, IReadOnlyList<ModelDescriptor> Emptied, bool ReferencedFromOutside);

    /// <summary>
    /// Sorts the existing tables of the models that truncate, replace or drop conflicting tables into the ones dropped
    /// (DataGen's, nothing outside them depending on them) and the ones emptied (every other), and refuses, naming every
    /// blocker with its rows, where a table outside the run references an emptied one while it holds rows.
    /// </summary>
    private async Task<ExistingTables> PlanExistingAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken)
    {
        var candidates = models.Where(m => m.Mode is LoadMode.Truncate or LoadMode.Replace || (m.Mode == LoadMode.Create && Options.DropConflicting)).ToList();
        if (candidates.Count == 0)
        {
            return new ExistingTables([], [], false);
        }

        var connection = _connection ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var transaction = TransactionalDdl ? _transaction ??= await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
        var current = string.Empty;
        try
        {
            var dropped = new List<ModelDescriptor>();
            var emptied = new List<ModelDescriptor>();
            foreach (var model in candidates)
            {
                current = model.Target;
                if (!await TableExistsAsync(connection, transaction!, model, cancellationToken).ConfigureAwait(false))
                {
                    if (model.Mode == LoadMode.Truncate)
                    {
                        throw new GenerationException($"{Store}: table '{model.Target}' does not exist; mode 'truncate' empties and refills a table the application owns (mode 'create' makes one); nothing was changed", model.Name);
                    }

                    continue;
                }

                if (transaction is not null && Dialect.LockTable(model) is { } lockTable)
                {
                    await SqlCommands.ExecuteAsync(connection, transaction, lockTable, cancellationToken).ConfigureAwait(false);
                }

                var mine = model.Mode != LoadMode.Truncate && await MadeByDataGenAsync(connection, transaction, model.Target, cancellationToken).ConfigureAwait(false);
                (mine ? dropped : emptied).Add(model);
            }

            await KeepDependedOnAsync(connection, transaction, dropped, emptied, cancellationToken).ConfigureAwait(false);
            var outside = await BlockersAsync(connection, transaction, dropped, emptied, cancellationToken).ConfigureAwait(false);
            foreach (var model in emptied)
            {
                _emptied.Add(model.Target);
                if (model.Mode != LoadMode.Truncate)
                {
                    Options.Warning?.Invoke($"{Store}: table '{model.Target}' is kept, emptied and reloaded from model '{model.Name}' with its own definition (columns, defaults, constraints, indexes, partitions, triggers and the views on it stay): a table DataGen did not make, or one other objects depend on, is never dropped");
                }
            }

            return new ExistingTables(Enumerable.Reverse(dropped).ToList(), Enumerable.Reverse(emptied).ToList(), outside);
        }
        catch (Exception e) when (DescribeError(e) is { } reason)
        {
            throw new GenerationException($"{Store}: reading table '{current}' before emptying it failed: {reason}; nothing was changed", null, null, null, e);
        }
    }

    /// <summary>
    /// Moves to the emptied tables every DataGen table that something outside the dropped ones depends on (a view, a
    /// foreign key from another table), until none is left: dropping it would break them.
    /// </summary>
    private async Task KeepDependedOnAsync(DbConnection connection, DbTransaction? transaction, List<ModelDescriptor> dropped, List<ModelDescriptor> emptied, CancellationToken cancellationToken)
    {
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var model in dropped.ToList())
            {
                var others = dropped.Select(d => d.Target).ToList();
                var referencing = await ReferencingTablesAsync(connection, transaction!, model.Target, others, cancellationToken).ConfigureAwait(false);
                var views = await DependentViewsAsync(connection, transaction, model.Target, cancellationToken).ConfigureAwait(false);
                if (referencing.Count + views.Count > 0)
                {
                    dropped.Remove(model);
                    emptied.Add(model);
                    changed = true;
                }
            }
        }
    }

    /// <summary>
    /// The tables outside the run that reference an emptied table: refused together, each with its rows, when any holds
    /// rows (emptying would orphan them or fail); returns whether empty ones exist (the store then deletes instead of truncating).
    /// </summary>
    private async Task<bool> BlockersAsync(DbConnection connection, DbTransaction? transaction, List<ModelDescriptor> dropped, List<ModelDescriptor> emptied, CancellationToken cancellationToken)
    {
        var inRun = dropped.Concat(emptied).Select(m => m.Target).ToList();
        var blockers = new List<string>();
        var outside = false;
        foreach (var model in emptied)
        {
            var holding = new List<string>();
            foreach (var referencing in await ReferencingTablesAsync(connection, transaction!, model.Target, inRun, cancellationToken).ConfigureAwait(false))
            {
                outside = true;
                var rows = await RowsOfAsync(connection, transaction, referencing, cancellationToken).ConfigureAwait(false);
                if (rows > 0)
                {
                    holding.Add($"{referencing} ({rows} row(s))");
                }
            }

            if (holding.Count > 0)
            {
                blockers.Add($"table '{model.Target}', which {string.Join(", ", holding)} reference{(holding.Count == 1 ? "s" : string.Empty)}");
            }
        }

        if (blockers.Count > 0)
        {
            var modes = string.Join("/", emptied.Select(m => m.Mode == LoadMode.Create ? "--drop-conflicting" : $"mode '{m.Mode.ToString().ToLowerInvariant()}'").Distinct());
            throw new GenerationException($"{Store}: {modes} would empty {string.Join("; ", blockers)} and the run does not empty: emptying would leave their rows pointing at nothing; add them to the manifest with mode 'truncate', or use mode 'append'; nothing was changed");
        }

        return outside;
    }

    /// <summary>Drops DataGen's own tables (children first) so the run makes them again from the manifest.</summary>
    private async Task DropAsync(IReadOnlyList<ModelDescriptor> dropped, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        foreach (var model in dropped)
        {
            try
            {
                var rows = await SqlCommands.ScalarAsync(_connection!, transaction, Dialect.CountRows(model), cancellationToken).ConfigureAwait(false);
                await SqlCommands.ExecuteAsync(_connection!, transaction, Dialect.DropTable(model), cancellationToken).ConfigureAwait(false);
                Options.Warning?.Invoke($"{Store}: dropped table '{model.Target}' ({rows} rows), which DataGen made in an earlier run, to create it again from model '{model.Name}'");
            }
            catch (Exception e) when (DescribeError(e) is { } reason)
            {
                throw new GenerationException($"{Store}: dropping table '{model.Target}' (made by DataGen in an earlier run) failed: {reason}{RolledBack()}", model.Name, null, null, e);
            }
        }
    }

    /// <summary>Empties the tables in the run's transaction, children first, in one step where the store can.</summary>
    private async Task EmptyAsync(ExistingTables existing, CancellationToken cancellationToken)
    {
        var connection = _connection ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var transaction = _transaction ??= await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EmptyTablesAsync(connection, transaction, existing.Emptied.Select(m => m.Target).ToList(), existing.ReferencedFromOutside, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (DescribeError(e) is { } reason)
        {
            throw new GenerationException($"{Store}: emptying {string.Join(", ", existing.Emptied.Select(m => m.Target))} failed: {reason}; nothing was changed", null, null, null, e);
        }
    }
}
