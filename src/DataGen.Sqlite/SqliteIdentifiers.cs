using System.Text.RegularExpressions;

namespace DataGen.Sqlite;

/// <summary>Whole identifiers in SQLite statement text (a view's <c>CREATE VIEW</c>, as <c>sqlite_master</c> keeps it).</summary>
internal static partial class SqliteIdentifiers
{
    /// <summary>
    /// Whether <paramref name="sql"/> names <paramref name="name"/> as an identifier (bare, "quoted", `quoted` or
    /// [quoted], compared without case as SQLite does), outside string literals and comments.
    /// </summary>
    public static bool Names(string sql, string name)
    {
        foreach (Match token in Token().Matches(sql))
        {
            var text = token.Value;
            var identifier = text[0] switch
            {
                '"' => text[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal),
                '`' => text[1..^1].Replace("``", "`", StringComparison.Ordinal),
                '[' => text[1..^1],
                '\'' or '-' or '/' => null,
                _ => text,
            };
            if (identifier is not null && identifier.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>String literals and comments (skipped), quoted identifiers, and bare words.</summary>
    [GeneratedRegex(@"'(?:[^']|'')*'|--[^\n]*|/\*.*?(?:\*/|$)|""(?:[^""]|"""")*""|`(?:[^`]|``)*`|\[[^\]]*\]|[\p{L}\p{N}_$]+", RegexOptions.Singleline)]
    private static partial Regex Token();
}
