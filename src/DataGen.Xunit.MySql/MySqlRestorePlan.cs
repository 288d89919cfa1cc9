using System.Globalization;
using System.Text;
using DataGen.MySql;

namespace DataGen.Xunit;

/// <summary>A loaded MySQL table as its baseline left it: the columns a restore writes (or <c>*</c>) and its state, <c>checksum|next AUTO_INCREMENT</c>.</summary>
internal sealed record MySqlTable(string Table, string Columns, string State);

/// <summary>
/// MySQL's checksum restore, as plain functions (no connection: unit-tested without a server). The baseline is a copy
/// of every loaded table in a second database; a table whose checksum or next AUTO_INCREMENT value moved is emptied and
/// copied back, foreign-key checks off, and its AUTO_INCREMENT set back.
/// </summary>
internal static class MySqlRestorePlan
{
    /// <summary>Quotes an identifier as the dialect does.</summary>
    public static string Quote(string identifier) => MySqlDialect.Instance.Quote(identifier);

    /// <summary>A table's state from its checksum (null when the server has none) and next AUTO_INCREMENT value (null: none).</summary>
    public static string State(object? checksum, object? next) =>
        $"{(checksum is null or DBNull ? "null" : Convert.ToString(checksum, CultureInfo.InvariantCulture))}|{(next is null or DBNull ? string.Empty : Convert.ToString(next, CultureInfo.InvariantCulture))}";

    /// <summary>The script copying <paramref name="tables"/> (definition, then rows but generated columns) into the baseline database <paramref name="baseline"/>, made anew.</summary>
    public static string CaptureSql(string baseline, IReadOnlyList<string> tables, IReadOnlyDictionary<string, string> columns)
    {
        var quoted = Quote(baseline);
        var sql = new StringBuilder($"DROP DATABASE IF EXISTS {quoted}; CREATE DATABASE {quoted} CHARACTER SET utf8mb4;\n");
        foreach (var table in tables)
        {
            var list = columns.GetValueOrDefault(table) ?? "*";
            sql.Append(CultureInfo.InvariantCulture, $"CREATE TABLE {quoted}.{Quote(table)} LIKE {Quote(table)};\n");
            sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO {quoted}.{Quote(table)} ({list}) SELECT {list} FROM {Quote(table)};\n");
        }

        return sql.ToString();
    }

    /// <summary>The tables of the baseline whose state now differs (a table missing from <paramref name="now"/> was dropped or emptied: dirty too).</summary>
    public static List<MySqlTable> Dirty(IReadOnlyList<MySqlTable> baseline, IReadOnlyDictionary<string, string> now) =>
        baseline.Where(t => now.GetValueOrDefault(t.Table) != t.State).ToList();

    /// <summary>The script putting the <paramref name="dirty"/> tables back from <paramref name="baseline"/>; null when none is dirty.</summary>
    public static string? RestoreSql(IReadOnlyList<MySqlTable> dirty, string baseline)
    {
        if (dirty.Count == 0)
        {
            return null;
        }

        var sql = new StringBuilder("SET FOREIGN_KEY_CHECKS = 0;\n");
        foreach (var (table, columns, state) in dirty)
        {
            var list = columns == "*" ? string.Empty : $" ({columns})";
            sql.Append(CultureInfo.InvariantCulture, $"TRUNCATE TABLE {Quote(table)};\n");
            sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO {Quote(table)}{list} SELECT {columns} FROM {Quote(baseline)}.{Quote(table)};\n");
            if (state.Split('|')[1] is { Length: > 0 } next)
            {
                sql.Append(CultureInfo.InvariantCulture, $"ALTER TABLE {Quote(table)} AUTO_INCREMENT = {next};\n");
            }
        }

        return sql.Append("SET FOREIGN_KEY_CHECKS = 1;").ToString();
    }
}
