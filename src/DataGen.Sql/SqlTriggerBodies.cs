using System.Text.RegularExpressions;

namespace DataGen.Sql;

/// <summary>
/// What a trigger's body does, read from its text as the SQL stores print it (PL/pgSQL, MySQL and SQLite trigger
/// statements alike): the columns it assigns in the new row and the tables it inserts into. A reading, not a parse:
/// enough for the scaffold to leave trigger-filled columns and tables to their triggers.
/// </summary>
public static partial class SqlTriggerBodies
{
    /// <summary>Columns the body assigns in the new row: <c>NEW.col := …</c>, <c>SET NEW.col = …</c>.</summary>
    /// <param name="body">The trigger's or its function's text.</param>
    public static IEnumerable<string> AssignedColumns(string body) =>
        AssignedColumn().Matches(body ?? string.Empty).Select(m => Unquote(m.Groups[1].Value)).Distinct(StringComparer.Ordinal);

    /// <summary>Tables the body inserts into (<c>schema.table</c> where it says so).</summary>
    /// <param name="body">The trigger's or its function's text.</param>
    public static IEnumerable<string> InsertTargets(string body) =>
        InsertInto().Matches(body ?? string.Empty).Select(m => string.Join('.', m.Groups[1].Value.Split('.').Select(Unquote))).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// Whether the body reads the clock (<c>now()</c>, <c>CURRENT_TIMESTAMP</c>, <c>DATETIME('NOW')</c>, <c>GETDATE()</c> …):
    /// such a trigger would make the same seed give different tables, so loads suspend it where the store allows.
    /// </summary>
    /// <param name="body">The trigger's or its function's text.</param>
    public static bool StampsTheClock(string body) => Clock().IsMatch(body ?? string.Empty);

    private static string Unquote(string identifier) => identifier.Trim('"', '`', '[', ']');

    [GeneratedRegex(@"\b(now\s*\(|current_timestamp|current_date|current_time|localtimestamp|localtime\b|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday|sysdate|sysdatetime|getdate|getutcdate|utc_timestamp|unix_timestamp\s*\(\s*\)|(date|time|datetime|julianday|strftime|unixepoch)\s*\([^)]*'now')", RegexOptions.IgnoreCase)]
    private static partial Regex Clock();

    [GeneratedRegex(@"\bNEW\.(""[^""]+""|`[^`]+`|\w+)\s*:?=(?!=)", RegexOptions.IgnoreCase)]
    private static partial Regex AssignedColumn();

    [GeneratedRegex(@"\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s+((?:""[^""]+""|`[^`]+`|\[[^\]]+\]|\w+)(?:\.(?:""[^""]+""|`[^`]+`|\[[^\]]+\]|\w+))?)", RegexOptions.IgnoreCase)]
    private static partial Regex InsertInto();
}
