using System.Globalization;
using System.Text.RegularExpressions;
using DataGen.Schemas;
using DataGen.Sql;
using Npgsql;

namespace DataGen.PostgreSql;

/// <summary>
/// What a schema says beyond its tables' own definitions: columns a BEFORE INSERT trigger assigns, tables other tables'
/// triggers fill, the bounds of a partitioned table's partitions (as checks the scaffold already reads) and foreign keys
/// declared on partitions but not on the parent.
/// </summary>
internal static partial class PostgresSchemaExtras
{
    // tgtype bits: 1 row, 2 before, 4 insert.
    private const string TriggersSql = """
        SELECT t.tgrelid, t.tgname, (t.tgtype & 7) = 7, p.proname, coalesce(p.prosrc, ''),
               CASE WHEN t.tgnargs > 0 THEN encode(t.tgargs, 'escape') END
        FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
        WHERE NOT t.tgisinternal AND t.tgenabled <> 'D'
        """;

    private const string PartitionsSql = """
        SELECT i.inhparent, c.oid, pg_get_expr(c.relpartbound, c.oid), pg_get_partkeydef(i.inhparent)
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent::bigint = ANY(@tables) AND c.relispartition
        """;

    private const string PartitionKeysSql = """
        SELECT i.inhparent, c.oid,
               (SELECT array_agg(att.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = k.attnum),
               (SELECT array_agg(att.attname::text ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute att ON att.attrelid = con.confrelid AND att.attnum = k.attnum),
               fn.nspname, fc.relname
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_constraint con ON con.conrelid = c.oid AND con.contype = 'f' AND con.conparentid = 0
        JOIN pg_class fc ON fc.oid = con.confrelid JOIN pg_namespace fn ON fn.oid = fc.relnamespace
        WHERE i.inhparent::bigint = ANY(@tables) AND c.relispartition
        """;

    /// <summary>
    /// Disables the table's enabled user triggers whose function reads the clock, in the run's transaction (the owner's
    /// right), and returns what enables them again before the run commits.
    /// </summary>
    public static async Task<Func<CancellationToken, Task>?> SuspendClockTriggersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Outputs.ModelDescriptor model, CancellationToken cancellationToken)
    {
        var table = PostgresDialect.Instance.QuoteTable(model.Target);
        var triggers = new List<string>();
        await SqlCommands.ReadAsync(connection, transaction, "SELECT t.tgname, coalesce(p.prosrc, '') FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgrelid = to_regclass(@table) AND NOT t.tgisinternal AND t.tgenabled <> 'D'", reader =>
        {
            if (SqlTriggerBodies.StampsTheClock(reader.GetString(1)))
            {
                triggers.Add(reader.GetString(0));
            }
        }, cancellationToken, ("table", table)).ConfigureAwait(false);
        foreach (var trigger in triggers)
        {
            await SqlCommands.ExecuteAsync(connection, transaction, $"ALTER TABLE {table} DISABLE TRIGGER {PostgresDialect.QuoteIdentifier(trigger)}", cancellationToken).ConfigureAwait(false);
        }

        return triggers.Count == 0 ? null : async ct =>
        {
            foreach (var trigger in triggers)
            {
                await SqlCommands.ExecuteAsync(connection, transaction, $"ALTER TABLE {table} ENABLE TRIGGER {PostgresDialect.QuoteIdentifier(trigger)}", ct).ConfigureAwait(false);
            }
        };
    }

    /// <summary>Per table: columns assigned by a BEFORE INSERT row trigger (column → trigger), and tables filled by other tables' triggers (table oid → triggers).</summary>
    public static async Task<(Dictionary<(uint Table, string Column), string> Assigned, Dictionary<string, List<string>> Filled)> TriggersAsync(
        NpgsqlConnection connection, IReadOnlyCollection<(uint Oid, string Schema, string Name)> tables, CancellationToken cancellationToken)
    {
        var assigned = new Dictionary<(uint, string), string>();
        var filled = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var known = tables.ToDictionary(t => t.Oid);
        await SqlCommands.ReadAsync(connection, null, TriggersSql, reader =>
        {
            var table = reader.GetFieldValue<uint>(0);
            var name = reader.GetString(1);
            var beforeInsert = reader.GetBoolean(2);
            var function = reader.GetString(3);
            var source = reader.GetString(4);
            var arguments = reader.IsDBNull(5) ? [] : reader.GetString(5).Split("\\000", StringSplitOptions.RemoveEmptyEntries);
            // A trigger that stamps the clock is suspended while a run loads (the column keeps its generated value).
            if (beforeInsert && known.ContainsKey(table) && !SqlTriggerBodies.StampsTheClock(source))
            {
                // tsvector_update_trigger(column, config, sources…) writes its first argument; a PL/pgSQL body "NEW.col := …".
                var columns = function.StartsWith("tsvector_update_trigger", StringComparison.Ordinal) && arguments.Length > 0
                    ? [arguments[0]]
                    : SqlTriggerBodies.AssignedColumns(source);
                foreach (var column in columns)
                {
                    assigned.TryAdd((table, column), name);
                }
            }

            foreach (var target in SqlTriggerBodies.InsertTargets(source))
            {
                var owner = known.TryGetValue(table, out var t) ? t.Name : null;
                if (!string.Equals(target, owner, StringComparison.OrdinalIgnoreCase))
                {
                    (filled.TryGetValue(target, out var list) ? list : filled[target] = []).Add(name);
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        return (assigned, filled);
    }

    /// <summary>
    /// For each partitioned table: the range of its single-column RANGE partitions (a check over the key, from the lowest
    /// bound to the highest; none where a DEFAULT partition takes the rest) or the union of its LIST partitions' values;
    /// and the foreign keys any partition declares that the parent does not.
    /// </summary>
    public static async Task<(Dictionary<uint, List<string>> Checks, Dictionary<uint, List<ForeignKeySchema>> ForeignKeys)> PartitionsAsync(
        NpgsqlConnection connection, long[] parents, CancellationToken cancellationToken)
    {
        var bounds = new Dictionary<uint, List<(uint Partition, string Bound, string Key)>>();
        await SqlCommands.ReadAsync(connection, null, PartitionsSql, reader =>
        {
            var parent = reader.GetFieldValue<uint>(0);
            (bounds.TryGetValue(parent, out var list) ? list : bounds[parent] = []).Add((reader.GetFieldValue<uint>(1), reader.GetString(2), reader.GetString(3)));
        }, cancellationToken, ("tables", parents)).ConfigureAwait(false);

        var checks = new Dictionary<uint, List<string>>();
        foreach (var (parent, partitions) in bounds)
        {
            if (Check(partitions) is { } check)
            {
                checks[parent] = [check];
            }
        }

        var keys = new Dictionary<uint, List<(uint Partition, ForeignKeySchema Key)>>();
        await SqlCommands.ReadAsync(connection, null, PartitionKeysSql, reader =>
        {
            var parent = reader.GetFieldValue<uint>(0);
            var key = new ForeignKeySchema(reader.GetFieldValue<string[]>(2), $"{reader.GetString(4)}.{reader.GetString(5)}", reader.GetFieldValue<string[]>(3));
            (keys.TryGetValue(parent, out var list) ? list : keys[parent] = []).Add((reader.GetFieldValue<uint>(1), key));
        }, cancellationToken, ("tables", parents)).ConfigureAwait(false);

        // A foreign key declared on any partition (ported schemas often have them on some only) binds the rows that land
        // there, and the run cannot choose where rows land: it counts as the parent's.
        var foreignKeys = keys.ToDictionary(
            k => k.Key,
            k => k.Value.GroupBy(d => (string.Join(",", d.Key.Columns), d.Key.ReferencedTable, string.Join(",", d.Key.ReferencedColumns))).Select(g => g.First().Key).ToList());

        return (checks, foreignKeys);
    }

    /// <summary>A check covering every partition's bound, in the syntax the scaffold reads; null where none applies.</summary>
    private static string? Check(List<(uint Partition, string Bound, string Key)> partitions)
    {
        if (partitions.Count == 0 || partitions.Any(p => p.Bound == "DEFAULT"))
        {
            return null;
        }

        var key = PartitionKey().Match(partitions[0].Key);
        if (!key.Success || key.Groups[2].Value.Contains(',', StringComparison.Ordinal))
        {
            return null;
        }

        var column = key.Groups[2].Value.Trim();
        if (key.Groups[1].Value == "LIST")
        {
            var values = partitions.SelectMany(p => Literals().Matches(p.Bound).Select(m => m.Value)).Distinct().ToList();
            return values.Count == 0 ? null : $"{column} IN ({string.Join(", ", values)})";
        }

        if (key.Groups[1].Value != "RANGE")
        {
            return null;
        }

        var ranges = partitions.Select(p => RangeBound().Match(p.Bound)).ToList();
        if (ranges.Any(r => !r.Success || r.Groups[1].Value.Contains("MINVALUE", StringComparison.Ordinal) || r.Groups[2].Value.Contains("MAXVALUE", StringComparison.Ordinal)))
        {
            return null;
        }

        var lows = ranges.Select(r => r.Groups[1].Value.Trim()).ToList();
        var highs = ranges.Select(r => r.Groups[2].Value.Trim()).ToList();
        return Lowest(lows) is { } low && Highest(highs) is { } high ? $"{column} >= {low} AND {column} <= {high}" : null;
    }

    /// <summary>The smallest bound (numbers by value, dates and times by their instant), as a literal.</summary>
    private static string? Lowest(List<string> bounds) => Order(bounds)?.First().Text;

    /// <summary>The highest upper bound, moved inside the range it ends (bounds are exclusive): a day back for dates, one back for integers.</summary>
    private static string? Highest(List<string> bounds)
    {
        if (Order(bounds)?.Last() is not { } last)
        {
            return null;
        }

        return last.Value switch
        {
            decimal n => (n - 1).ToString(CultureInfo.InvariantCulture),
            DateTimeOffset d => $"'{d.AddDays(-1):yyyy-MM-dd}'",
            _ => null,
        };
    }

    private static List<(string Text, object Value)>? Order(List<string> bounds)
    {
        var parsed = new List<(string Text, object Value)>();
        foreach (var bound in bounds)
        {
            var text = bound.Trim('\'');
            if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
            {
                parsed.Add((text, n));
            }
            else if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d))
            {
                parsed.Add(($"'{d.UtcDateTime:yyyy-MM-dd}'", d));
            }
            else
            {
                return null;
            }
        }

        return parsed.Count == 0 || parsed.Select(p => p.Value.GetType()).Distinct().Count() > 1
            ? null
            : parsed.OrderBy(p => p.Value is decimal n ? (double)n : ((DateTimeOffset)p.Value).UtcTicks).ToList();
    }

    [GeneratedRegex(@"^(RANGE|LIST|HASH)\s*\((.+)\)$")]
    private static partial Regex PartitionKey();

    [GeneratedRegex(@"FOR VALUES FROM \((.+?)\) TO \((.+?)\)$")]
    private static partial Regex RangeBound();

    [GeneratedRegex(@"'(?:[^']|'')*'|-?\d+(?:\.\d+)?")]
    private static partial Regex Literals();
}
