using System.Collections.Concurrent;
using DataGen.Generation;
using DataGen.Randomness;

namespace DataGen;

public static partial class DataGenerator
{
    /// <summary>Rows [start, start + count); in the arrays of <paramref name="spare"/> (rows of an earlier batch that nothing holds any more) when given.</summary>
    private static object?[][] GenerateRows(GenerationRun run, ModelPlan model, long[]? offsets, long start, int count, ConcurrentBag<GenerationWorker> workers, object?[][]? spare = null)
    {
        if (!workers.TryTake(out var worker))
        {
            worker = new GenerationWorker();
        }

        try
        {
            var rows = spare?.Length == count ? spare : new object?[count][];
            var parent = ParentOf(offsets, start);
            for (var i = 0; i < count; i++)
            {
                var row = start + i;
                while (offsets is not null && offsets[parent + 1] <= row)
                {
                    parent++;
                }

                rows[i] = GenerateRow(run, model, offsets, row, offsets is null ? -1 : parent, worker, attempt: 0, rows[i]);
            }

            return rows;
        }
        finally
        {
            workers.Add(worker);
        }
    }

    private static object?[] GenerateRow(GenerationRun run, ModelPlan model, long[]? offsets, long row, long parent, GenerationWorker worker, int attempt, object?[]? reuse = null)
    {
        var key = StableHash.Mix(unchecked((ulong)row));
        if (attempt > 0)
        {
            key = StableHash.Combine(key, (ulong)attempt);
        }

        try
        {
            var generatedRows = run.GeneratedRows(model);
            var values = model.Root.Fill(worker.RowScope(model.Root, run, row, parent, key, reuse)).Values;
            if (row >= generatedRows && model.Tracers.Count > 0)
            {
                foreach (var (field, value) in model.Tracers[(int)(row - generatedRows)])
                {
                    values[field] = value;
                }
            }

            if (model.Duplicates is { } duplicates)
            {
                var source = duplicates.SourceOf(row, generatedRows, model.Archived.Count);
                var cluster = source switch
                {
                    { Row: >= 0 } => duplicates.Copy(row, values, GenerateRow(run, model, offsets, source.Row, ParentOf(offsets, source.Row), worker, attempt: 0)),
                    { Archived: >= 0 } => duplicates.CopyArchived(row, values, model.Archived[source.Archived], model.OwnFields),
                    _ => values[model.KeyIndex],
                };
                Array.Resize(ref values, values.Length + 1);
                values[^1] = cluster;
            }

            return values;
        }
        catch (GenerationException e) when (e.Model is null)
        {
            throw new GenerationException(e.Detail, model.Name, e.Field, row, e.InnerException ?? e);
        }
    }


    private static long ParentOf(long[]? offsets, long row)
    {
        if (offsets is null)
        {
            return -1;
        }

        var i = Array.BinarySearch(offsets, row);
        if (i < 0)
        {
            return ~i - 1;
        }

        // Several parents may share an offset (those with no children): take the last.
        while (i + 1 < offsets.Length && offsets[i + 1] == row)
        {
            i++;
        }

        return i;
    }

    /// <summary>
    /// Runs in row order: a row whose unique value was seen before is generated again with the next
    /// attempt number (all its fields, so values derived from the colliding one change too).
    /// </summary>
    private static void EnforceUnique(GenerationRun run, ModelPlan model, long[]? offsets, long first, object?[][] rows, HashSet<object>[] seen, GenerationWorker worker)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            for (var attempt = 0; ; attempt++)
            {
                if (attempt > 0)
                {
                    row = GenerateRow(run, model, offsets, first + i, ParentOf(offsets, first + i), worker, attempt);
                }

                if (IsNew(model, row, seen))
                {
                    break;
                }

                if (attempt == MaxUniqueAttempts)
                {
                    var key = Enumerable.Range(0, seen.Length).First(u => ModelPlan.KeyValue(row, model.UniqueKeys[u]) is { } v && seen[u].Contains(v));
                    var fields = model.UniqueKeys[key];
                    var where = model.Root.Fields[fields[0]].Where is { } w ? $"{w}: " : string.Empty;
                    throw new GenerationException(
                        where + (fields.Length == 1
                            ? $"no unique value after {MaxUniqueAttempts} attempts (last: '{row[fields[0]]}'); a unique field needs a generator with many more possible values than the model has rows"
                            : $"no unique combination of {string.Join(", ", fields.Select(f => model.Root.Names[f]))} after {MaxUniqueAttempts} attempts (last: {ModelPlan.KeyValue(row, fields)}); the combinations must be many more than the model's rows"),
                        model.Name,
                        model.Root.Fields[fields[0]].Path,
                        first + i);
                }
            }

            for (var u = 0; u < seen.Length; u++)
            {
                if (ModelPlan.KeyValue(row, model.UniqueKeys[u]) is { } value)
                {
                    seen[u].Add(value);
                }
            }

            rows[i] = row;
        }
    }

    private static bool IsNew(ModelPlan model, object?[] row, HashSet<object>[] seen)
    {
        for (var u = 0; u < seen.Length; u++)
        {
            if (ModelPlan.KeyValue(row, model.UniqueKeys[u]) is { } value && seen[u].Contains(value))
            {
                return false;
            }
        }

        return true;
    }
}
