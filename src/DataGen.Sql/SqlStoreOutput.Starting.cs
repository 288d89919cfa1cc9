using System.Data.Common;
using System.Globalization;
using DataGen.Outputs;

namespace DataGen.Sql;

/// <summary>
/// What an appending run reads before it generates (<see cref="StartingRead"/>): each table's rows, the largest value of
/// its sequence columns, the values of its unique columns and the rows of the column sets read together (composite unique
/// keys; the columns existing refs point at, with those lookups through them copy), once, in the
/// run's transaction after any emptying, each table locked against other loads first where the store locks.
/// </summary>
public abstract partial class SqlStoreOutput
{
    /// <summary>Answers every model's <see cref="ModelDescriptor.Starting"/> (a missing table: no rows).</summary>
    private async Task ReadStartingDataAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken)
    {
        var asked = models.Where(m => m.Starting is { Answered: false }).ToList();
        if (asked.Count == 0)
        {
            return;
        }

        var connection = _connection ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var transaction = _transaction ??= await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var model in asked)
        {
            try
            {
                await ReadStartingAsync(connection, transaction, model, model.Starting!, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (DescribeError(e) is { } reason)
            {
                throw new GenerationException($"{Store}: reading what table '{model.Target}' holds (to continue after it) failed: {reason}; nothing was written", model.Name, null, null, e);
            }
        }
    }

    private async Task ReadStartingAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, StartingRead read, CancellationToken cancellationToken)
    {
        if (!await TableExistsAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false))
        {
            read.Answer(0, new Dictionary<string, long>(), new Dictionary<string, IReadOnlyList<object>>(), read.Tuples.Select(_ => (IReadOnlyList<object?[]>)[]).ToList());
            return;
        }

        if (Dialect.LockTable(model) is { } lockTable)
        {
            // Held until the run commits: no other load adds keys between this read and this run's rows.
            await SqlCommands.ExecuteAsync(connection, transaction, lockTable, cancellationToken).ConfigureAwait(false);
        }

        var table = Dialect.QuoteTable(model.Target);
        var rows = await SqlCommands.ScalarAsync(connection, transaction, Dialect.CountRows(model), cancellationToken).ConfigureAwait(false);
        var highest = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var column in read.Highest)
        {
            object? max = null;
            await SqlCommands.ReadAsync(connection, transaction, $"SELECT MAX({Dialect.Quote(column)}) FROM {table}", reader => max = reader.IsDBNull(0) ? null : reader.GetValue(0), cancellationToken).ConfigureAwait(false);
            if (max is not null && decimal.TryParse(Convert.ToString(max, CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                highest[column] = (long)decimal.Ceiling(number);
            }
        }

        var values = new Dictionary<string, IReadOnlyList<object>>(StringComparer.Ordinal);
        foreach (var column in read.Values)
        {
            // In the store's order, so the same starting data gives the same list (existing refs draw by position).
            var list = new List<object>();
            var quoted = Dialect.Quote(column);
            await SqlCommands.ReadAsync(connection, transaction, $"SELECT {quoted} FROM {table} WHERE {quoted} IS NOT NULL ORDER BY {quoted}", reader => list.Add(reader.GetValue(0)), cancellationToken).ConfigureAwait(false);
            values[column] = list;
        }

        var tuples = new List<IReadOnlyList<object?[]>>();
        foreach (var columns in read.Tuples)
        {
            // Rows whose first column is not null, ordered by every column: the same data gives the same list.
            var list = new List<object?[]>();
            var quoted = string.Join(", ", columns.Select(Dialect.Quote));
            await SqlCommands.ReadAsync(connection, transaction, $"SELECT {quoted} FROM {table} WHERE {Dialect.Quote(columns[0])} IS NOT NULL ORDER BY {quoted}", reader =>
            {
                var row = new object?[columns.Count];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                list.Add(row);
            }, cancellationToken).ConfigureAwait(false);
            tuples.Add(list);
        }

        read.Answer(rows, highest, values, tuples);
    }
}
