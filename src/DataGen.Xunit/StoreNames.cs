using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace DataGen.Xunit;

/// <summary>
/// The names the kit gives what it creates on a store (class databases, templates, spares, files): each carries a tag of
/// the machine (a hash of its name) and the process, <c>dg_{what}_{machine}_{pid}_…</c>, so a later run on the same
/// machine finds what a killed process left behind and drops it. Kept templates (<c>dg_tmpl_{hash}</c>) carry no tag;
/// their copies do (<see cref="Copy"/>).
/// </summary>
internal static partial class StoreNames
{
    private static int _counter;

    /// <summary>
    /// This machine's tag: six hex digits of a hash of its name and, on Linux, of the process-id namespace it runs in —
    /// two containers sharing the host's name (host networking) see different processes, so neither takes the other's
    /// running processes for ended ones.
    /// </summary>
    public static string Machine { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Environment.MachineName + "|" + PidNamespace())))[..6];

    /// <summary>This process's tag: <c>{machine}_{pid}</c>.</summary>
    public static string Owner { get; } = $"{Machine}_{Environment.ProcessId}";

    /// <summary>A new name for something of <paramref name="what"/>'s (a test class): letters and digits of it (at most 30), then the owner tag and a counter.</summary>
    public static string New(string what)
    {
        var name = new string(what.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
        return $"dg_{name[..Math.Min(name.Length, 30)]}_{Owner}_{Interlocked.Increment(ref _counter)}";
    }

    /// <summary>The name of this process's template for the inputs' hash <paramref name="key"/>.</summary>
    public static string Template(string key) => $"dg_tmpl_{Owner}_{key[..16]}";

    /// <summary>
    /// The name of copy <paramref name="number"/> of template <paramref name="template"/>: the template's name and the
    /// number when the template carries this process's tag; for a template kept across runs (<c>dg_tmpl_{hash}</c>, no
    /// tag, so that no run drops it) a name of the copy's own with the tag, so that a killed run's copies are dropped
    /// by the next run while the kept template stays.
    /// </summary>
    public static string Copy(string template, int number)
    {
        if (Tagged().IsMatch(template))
        {
            return $"{template}_s{number}";
        }

        var kept = new string(template.Replace("dg_tmpl_", string.Empty, StringComparison.Ordinal).Where(char.IsAsciiLetterOrDigit).ToArray()).ToLowerInvariant();
        return $"dg_copy_{Owner}_{kept[..Math.Min(kept.Length, 16)]}_s{number}";
    }

    /// <summary>Whether <paramref name="name"/> is this machine's and its process is no longer running.</summary>
    public static bool IsLeftBehind(string name)
    {
        var match = Tagged().Match(name ?? string.Empty);
        if (!match.Success || match.Groups[1].Value != Machine || !int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        return pid != Environment.ProcessId && !IsRunning(pid);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return true; // another user's process: it exists, so it is not left behind
        }
    }

    /// <summary>The process-id namespace (<c>pid:[4026531836]</c>) on Linux; empty elsewhere or where it cannot be read.</summary>
    private static string PidNamespace()
    {
        try
        {
            return OperatingSystem.IsLinux() ? new FileInfo("/proc/self/ns/pid").LinkTarget ?? string.Empty : string.Empty;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    [GeneratedRegex("^dg_[a-z0-9]*_([0-9a-f]{6})_([0-9]{1,10})_", RegexOptions.CultureInvariant)]
    private static partial Regex Tagged();
}
