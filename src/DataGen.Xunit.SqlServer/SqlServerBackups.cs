using System.Collections.Concurrent;
using DataGen.Sql;
using Microsoft.Data.SqlClient;

namespace DataGen.Xunit;

/// <summary>
/// SQL Server's template backups: files in the server's default backup folder named after their template, whose name
/// carries the owner tag (machine and process). Each is deleted when the run ends; the files a killed process left are
/// found by their tag and deleted by the next run on the machine that saves a template on the server.
/// </summary>
internal static class SqlServerBackups
{
    /// <summary>Sets <c>@dir</c> to the server's default backup folder, with its path separator at the end.</summary>
    private const string Folder =
        "DECLARE @dir nvarchar(4000) = CAST(SERVERPROPERTY('InstanceDefaultBackupPath') AS nvarchar(4000)); "
        + "IF RIGHT(@dir, 1) NOT IN (N'/', N'\\') SET @dir = @dir + CASE WHEN CHARINDEX(N'/', @dir) > 0 THEN N'/' ELSE N'\\' END; ";

    private static readonly ConcurrentDictionary<string, Lazy<Task>> Swept = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Deletes backup file <c>file</c> of the default backup folder (a field, so the T-SQL parse test reads it).</summary>
    internal static readonly Func<string, string> DeleteSql = file =>
        Folder + $"DECLARE @path nvarchar(4000) = @dir + {Literal(file)}; EXEC master.dbo.xp_delete_file 0, @path;";

    /// <summary>Lists the files of the default backup folder that match a pattern (a field, so the T-SQL parse test reads it).</summary>
    internal static readonly Func<string, string> ListSql = pattern =>
        Folder + $"SELECT file_or_directory_name FROM sys.dm_os_enumerate_filesystem(@dir, {Literal(pattern)}) WHERE is_directory = 0;";

    /// <summary>The backup file of template <paramref name="template"/>: its name (letters, digits, underscores) and <c>.bak</c>.</summary>
    public static string FileOf(string template) => new string(template.Where(c => char.IsAsciiLetterOrDigit(c) || c == '_').ToArray()) + ".bak";

    /// <summary>Has <paramref name="file"/> deleted when the run ends.</summary>
    public static void DeleteAtEnd(string master, string file) =>
        KitCleanup.AtEnd($"SQL Server template backup {file}", ct => SqlCommands.ExecuteOnceAsync(new SqlConnection(master), DeleteSql(file), ct));

    /// <summary>Once per server and process: deletes, in the background, the template backups killed test processes on this machine left.</summary>
    public static void SweepOnce(string master)
    {
        var server = new SqlConnectionStringBuilder(master).DataSource;
        KitCleanup.Track(Swept.GetOrAdd(server, _ => new Lazy<Task>(() => Task.Run(() => SweepAsync(master, server)))).Value);
    }

    private static async Task SweepAsync(string master, string server)
    {
        try
        {
            var files = new List<string>();
            var connection = new SqlConnection(master);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync().ConfigureAwait(false);
                await SqlCommands.ReadAsync(connection, null, ListSql("dg_tmpl_*.bak"), r => files.Add(r.GetString(0))).ConfigureAwait(false);
            }

            var left = files.Where(f => StoreNames.IsLeftBehind(Path.GetFileNameWithoutExtension(f))).ToList();
            foreach (var file in left)
            {
                await SqlCommands.ExecuteOnceAsync(new SqlConnection(master), DeleteSql(file)).ConfigureAwait(false);
            }

            if (left.Count > 0)
            {
                KitLog.Fallback($"SQL Server at {server}", $"deleted {left.Count} template backup file(s) left behind by test processes that were killed", "nothing else is touched");
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            KitLog.Fallback($"SQL Server at {server}", $"could not look for template backups killed test processes left behind ({KitLog.Why(e)})", "they stay in the server's backup folder until a later run deletes them");
        }
    }

    private static string Literal(string text) => $"N'{text.Replace("'", "''", StringComparison.Ordinal)}'";
}
