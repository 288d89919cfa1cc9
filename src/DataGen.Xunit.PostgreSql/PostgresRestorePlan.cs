using System.Globalization;
using System.Text;
using DataGen.PostgreSql;

namespace DataGen.Xunit;

/// <summary>How one loaded table is put back: the tables referencing it, the columns written back, its primary key (null: the whole table is copied back).</summary>
/// <param name="Table">The table, <c>schema.table</c>.</param>
/// <param name="ReferencedBy">The other loaded or unloaded tables whose foreign keys point at it (<c>schema.table</c>).</param>
/// <param name="Columns">The columns a restore writes, quoted and comma-separated (generated columns left out), or <c>*</c>.</param>
/// <param name="Key">The primary key's columns, quoted and comma-separated, when the table is restored by difference.</param>
internal sealed record PlannedTable(string Table, string[] ReferencedBy, string Columns, string? Key);

/// <summary>
/// PostgreSQL's restore by difference, as plain functions of what the catalog says (no connection: unit-tested without a
/// server). A table with a primary key gets back only what a test changed: rows written since the baseline (their
/// <c>xmin</c> is newer) are deleted and the baseline rows whose key is missing are copied back. Other tables are emptied
/// (TRUNCATE where every table referencing them is emptied too, DELETE otherwise) and copied back whole.
/// </summary>
internal static class PostgresRestorePlan
{
    /// <summary>The kit's schema in the class's database: the baseline copies, the dirty list, sequences, the baseline's transaction.</summary>
    public const string Schema = "datagen_baseline";

    /// <summary><c>schema.table</c> for a target (<c>public</c> when it names none).</summary>
    public static string Qualified(string target) => target.Contains('.', StringComparison.Ordinal) ? target : "public." + target;

    /// <summary>The baseline copy of <paramref name="qualified"/> in the kit's schema (one identifier: its qualified name).</summary>
    public static string Copy(string qualified) => $"{Schema}.{PostgresDialect.QuoteIdentifier(qualified)}";

    /// <summary>
    /// The plan for <paramref name="tables"/> from the catalog: foreign keys (<c>From</c> references <c>To</c>), each
    /// table's restorable columns and each table's primary key. A key whose columns are not all restorable is not used.
    /// </summary>
    public static PlannedTable[] Plan(IEnumerable<string> tables, IReadOnlyList<(string From, string To)> references, IReadOnlyDictionary<string, string> columns, IReadOnlyDictionary<string, string> keys)
    {
        var plan = new List<PlannedTable>();
        foreach (var t in tables.Select(Qualified).Distinct(StringComparer.Ordinal))
        {
            var list = columns.GetValueOrDefault(t) ?? "*";
            var key = keys.GetValueOrDefault(t);
            if (key is not null && (list == "*" || !key.Split(", ").All(k => list.Split(", ").Contains(k))))
            {
                key = null;
            }

            plan.Add(new PlannedTable(t, references.Where(r => r.To == t && r.From != t).Select(r => r.From).Distinct(StringComparer.Ordinal).ToArray(), list, key));
        }

        return plan.ToArray();
    }

    /// <summary>The tables emptied with TRUNCATE: dirty, without a key, and every table referencing them truncated too.</summary>
    public static HashSet<string> Truncated(IReadOnlyList<PlannedTable> plan, IReadOnlySet<string> dirty)
    {
        var truncated = plan.Where(t => dirty.Contains(t.Table) && t.Key is null).Select(t => t.Table).ToHashSet(StringComparer.Ordinal);
        while (plan.FirstOrDefault(t => truncated.Contains(t.Table) && !t.ReferencedBy.All(truncated.Contains)) is { Table: { } blocked })
        {
            truncated.Remove(blocked);
        }

        return truncated;
    }

    /// <summary>The script that puts the <paramref name="dirty"/> tables of <paramref name="plan"/> back, sequences and the baseline's transaction included; null when nothing is dirty.</summary>
    public static string? RestoreSql(IReadOnlyList<PlannedTable> plan, IReadOnlySet<string> dirty)
    {
        if (dirty.Count == 0)
        {
            return null;
        }

        var sql = new StringBuilder("BEGIN;\nSET LOCAL session_replication_role = replica;\n");
        var truncated = Truncated(plan, dirty);
        var truncate = plan.Where(t => truncated.Contains(t.Table)).Select(t => Quote(t.Table)).ToList();
        if (truncate.Count > 0)
        {
            sql.Append(CultureInfo.InvariantCulture, $"TRUNCATE {string.Join(", ", truncate)};\n");
        }

        foreach (var table in plan.Where(t => dirty.Contains(t.Table)))
        {
            sql.Append(table.Key is null ? CopyBack(table, truncated.Contains(table.Table)) : Difference(table));
        }

        sql.Append(CultureInfo.InvariantCulture, $"""
            SELECT CASE WHEN last_value IS NULL THEN setval(name, start_value, false) ELSE setval(name, last_value, true) END FROM {Schema}.sequences;
            UPDATE {Schema}.since SET x = (txid_current() % 4294967296)::text::xid;
            TRUNCATE {Schema}.dirty;
            COMMIT;
            """);
        return sql.ToString();
    }

    /// <summary>
    /// Rows written since the baseline (inserted or updated: their xmin is newer than the baseline's, which a clone shares
    /// and each restore moves on) go; then the baseline rows whose key is missing come back. Only keys and row headers are
    /// read, never whole rows: a test's few changes cost little in a big table.
    /// </summary>
    private static string Difference(PlannedTable table)
    {
        var quoted = Quote(table.Table);
        var keys = table.Key!.Split(", ");
        return string.Create(CultureInfo.InvariantCulture, $"""
            DELETE FROM {quoted} AS x WHERE age(x.xmin) < (SELECT age(x) FROM {Schema}.since);
            INSERT INTO {quoted} ({table.Columns}) OVERRIDING SYSTEM VALUE SELECT {string.Join(", ", table.Columns.Split(", ").Select(c => "b." + c))} FROM {Copy(table.Table)} AS b WHERE NOT EXISTS (SELECT 1 FROM {quoted} AS x WHERE ({string.Join(", ", keys.Select(k => "x." + k))}) = ({string.Join(", ", keys.Select(k => "b." + k))}));

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
