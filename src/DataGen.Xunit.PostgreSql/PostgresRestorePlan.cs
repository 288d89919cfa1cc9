using System.Globalization;
using System.Text;
using DataGen.PostgreSql;

namespace DataGen.Xunit;

/// <summary>How one loaded table is put back: the tables referencing it, the columns written back, its primary key and key log (null: the whole table is copied back).</summary>
/// <param name="Table">The table, <c>schema.table</c>.</param>
/// <param name="ReferencedBy">The other loaded or unloaded tables whose foreign keys point at it (<c>schema.table</c>).</param>
/// <param name="Columns">The columns a restore writes, quoted and comma-separated (generated columns left out), or <c>*</c>.</param>
/// <param name="Key">The primary key's columns, quoted and comma-separated, when the table is restored by its logged keys.</param>
/// <param name="Log">The key log in the kit's schema (unquoted name) the table's triggers fill, when it is restored by its logged keys.</param>
internal sealed record PlannedTable(string Table, string[] ReferencedBy, string Columns, string? Key, string? Log = null);

/// <summary>
/// PostgreSQL's restore, as plain functions of what the catalog says (no connection: unit-tested without a server). A
/// table with a primary key and a key log gets back only what a test changed: the rows under every key it inserted,
/// updated or deleted are deleted, and the baseline's rows under those keys copied back (both by index: the cost follows
/// the change, not the table). A table without (or emptied by TRUNCATE, or after a schema change) is emptied (TRUNCATE
/// where every table referencing it is emptied too, DELETE otherwise) and copied back whole. The application's triggers
/// and foreign keys do not fire (<c>session_replication_role = replica</c>), so order, cycles and deferred keys do not matter.
/// </summary>
internal static class PostgresRestorePlan
{
    /// <summary>The kit's schema in the class's database: the baseline copies, key logs, the dirty list, sequences.</summary>
    public const string Schema = "datagen_baseline";

    /// <summary><c>schema.table</c> for a target (<c>public</c> when it names none).</summary>
    public static string Qualified(string target) => target.Contains('.', StringComparison.Ordinal) ? target : "public." + target;

    /// <summary>The baseline copy of <paramref name="qualified"/> in the kit's schema (one identifier: its qualified name).</summary>
    public static string Copy(string qualified) => $"{Schema}.{PostgresDialect.QuoteIdentifier(qualified)}";

    /// <summary>
    /// The plan for <paramref name="tables"/> from the catalog: foreign keys (<c>From</c> references <c>To</c>), each
    /// table's restorable columns, each table's primary key and each table's key log. A key whose columns are not all
    /// restorable, or without a log, is not used.
    /// </summary>
    public static PlannedTable[] Plan(IEnumerable<string> tables, IReadOnlyList<(string From, string To)> references, IReadOnlyDictionary<string, string> columns, IReadOnlyDictionary<string, string> keys, IReadOnlyDictionary<string, string>? logs = null)
    {
        var plan = new List<PlannedTable>();
        foreach (var t in tables.Select(Qualified).Distinct(StringComparer.Ordinal))
        {
            var list = columns.GetValueOrDefault(t) ?? "*";
            var key = keys.GetValueOrDefault(t);
            var log = logs?.GetValueOrDefault(t);
            if (key is null || log is null || list == "*" || !key.Split(", ").All(k => list.Split(", ").Contains(k)))
            {
                (key, log) = (null, null);
            }

            plan.Add(new PlannedTable(t, references.Where(r => r.To == t && r.From != t).Select(r => r.From).Distinct(StringComparer.Ordinal).ToArray(), list, key, log));
        }

        return plan.ToArray();
    }

    /// <summary>Why a planned table is copied back whole after a test writes it, or null when it is restored by its keys.</summary>
    public static string? WhyWhole(PlannedTable table, IReadOnlyDictionary<string, string> keys) =>
        table.Log is not null ? null
        : keys.ContainsKey(table.Table) ? "its primary key cannot be logged (partitioned or inherited, a generated key column, or triggers refused)"
        : "it has no primary key";

    /// <summary>The tables emptied with TRUNCATE: copied back whole, and every table referencing them truncated too.</summary>
    public static HashSet<string> Truncated(IReadOnlyList<PlannedTable> plan, IReadOnlySet<string> whole)
    {
        var truncated = plan.Where(t => whole.Contains(t.Table)).Select(t => t.Table).ToHashSet(StringComparer.Ordinal);
        while (plan.FirstOrDefault(t => truncated.Contains(t.Table) && !t.ReferencedBy.All(truncated.Contains)) is { Table: { } blocked })
        {
            truncated.Remove(blocked);
        }

        return truncated;
    }

    /// <summary>
    /// The script that puts the <paramref name="dirty"/> tables of <paramref name="plan"/> back, sequences included; null
    /// when nothing is dirty. Tables in <paramref name="emptied"/> (TRUNCATE by the test) are copied back whole, and so is
    /// every loaded table when <paramref name="schemaChanged"/>.
    /// </summary>
    public static string? RestoreSql(IReadOnlyList<PlannedTable> plan, IReadOnlySet<string> dirty, IReadOnlySet<string>? emptied = null, bool schemaChanged = false)
    {
        if (dirty.Count == 0 && !schemaChanged)
        {
            return null;
        }

        var restored = plan.Where(t => schemaChanged || dirty.Contains(t.Table)).ToList();
        var whole = restored.Where(t => schemaChanged || t.Log is null || emptied?.Contains(t.Table) == true).Select(t => t.Table).ToHashSet(StringComparer.Ordinal);
        // Keys are looked up by index whatever the planner thinks of the logs' size (their statistics say little: they
        // are emptied after every restore): nested loops only, and no JIT compiling for a few rows. The commit does not
        // wait for its WAL to reach the disk: a server that crashes loses the test database anyway, and the next test
        // sees the restore either way (PostgreSQL keeps the order of commits).
        var sql = new StringBuilder("BEGIN;\nSET LOCAL session_replication_role = replica;\nSET LOCAL enable_hashjoin = off;\nSET LOCAL enable_mergejoin = off;\nSET LOCAL jit = off;\nSET LOCAL synchronous_commit = off;\n");
        // A writer still running beside the tests (a hosted service, an outbox) waits for the restore to commit before
        // it notes anything: no key it logs, no table it marks, is emptied away unrestored. Only the marks read for
        // this restore are removed; a mark made between that read and this lock stays for the next restore.
        var logs = restored.Where(t => t.Log is not null).Select(t => $"{Schema}.{PostgresDialect.QuoteIdentifier(t.Log!)}").ToList();
        sql.Append(CultureInfo.InvariantCulture, $"LOCK TABLE {string.Join(", ", logs.Prepend($"{Schema}.dirty"))} IN EXCLUSIVE MODE;\n");
        var truncated = Truncated(plan, whole);
        var truncate = plan.Where(t => truncated.Contains(t.Table)).Select(t => Quote(t.Table)).ToList();
        if (truncate.Count > 0)
        {
            sql.Append(CultureInfo.InvariantCulture, $"TRUNCATE {string.Join(", ", truncate)};\n");
        }

        foreach (var table in restored)
        {
            sql.Append(whole.Contains(table.Table) ? CopyBack(table, truncated.Contains(table.Table)) : ByKeys(table));
        }

        // DELETE, not TRUNCATE: the logs hold a few rows, and truncating an unlogged table makes new files (slow, and its
        // statistics are lost).
        if (dirty.Count > 0)
        {
            sql.Append(CultureInfo.InvariantCulture, $"DELETE FROM {Schema}.dirty WHERE name IN ({string.Join(", ", dirty.Order(StringComparer.Ordinal).Select(SqlText))});\n");
        }

        foreach (var log in logs)
        {
            sql.Append(CultureInfo.InvariantCulture, $"DELETE FROM {log};\n");
        }

        sql.Append(CultureInfo.InvariantCulture, $"""
            SELECT CASE WHEN last_value IS NULL THEN setval(name, start_value, false) ELSE setval(name, last_value, true) END FROM {Schema}.sequences;
            UPDATE {Schema}.ddl SET seen = true WHERE NOT seen;
            COMMIT;
            """);
        return sql.ToString();
    }

    /// <summary>A value as an SQL string literal.</summary>
    internal static string SqlText(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    /// <summary>
    /// The rows under every logged key go (inserted, updated or deleted by the test: the old and the new key of an
    /// update are both logged), then the baseline's rows under those keys come back. Both statements look keys up by
    /// index (the table's primary key, the copy's unique index): a test's few changes cost little in a big table.
    /// </summary>
    private static string ByKeys(PlannedTable table)
    {
        var quoted = Quote(table.Table);
        var keys = table.Key!.Split(", ");
        var log = $"{Schema}.{PostgresDialect.QuoteIdentifier(table.Log!)}";
        var tuple = (string alias) => $"({string.Join(", ", keys.Select(k => alias + "." + k))})";
        return string.Create(CultureInfo.InvariantCulture, $"""
            DELETE FROM {quoted} AS x WHERE {tuple("x")} IN (SELECT {table.Key} FROM {log});
            INSERT INTO {quoted} ({table.Columns}) OVERRIDING SYSTEM VALUE SELECT {string.Join(", ", table.Columns.Split(", ").Select(c => "b." + c))} FROM {Copy(table.Table)} AS b WHERE {tuple("b")} IN (SELECT {table.Key} FROM {log});

            """);
    }

    private static string CopyBack(PlannedTable table, bool truncated)
    {
        var list = table.Columns == "*" ? string.Empty : $" ({table.Columns})";
        var delete = truncated ? string.Empty : $"DELETE FROM {Quote(table.Table)};\n";
        return $"{delete}INSERT INTO {Quote(table.Table)}{list} OVERRIDING SYSTEM VALUE SELECT {table.Columns} FROM {Copy(table.Table)};\n";
    }

    /// <summary>A <c>schema.table</c> name quoted part by part (the dialect's quoting).</summary>
    public static string Quote(string qualified) => PostgresDialect.Instance.QuoteTable(qualified);
}
