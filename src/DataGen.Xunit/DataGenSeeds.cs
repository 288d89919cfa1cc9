using System.Globalization;
using System.Security.Cryptography;
using Xunit;
using Xunit.v3;

namespace DataGen.Xunit;

/// <summary>
/// The effective seed: <c>DATAGEN_SEED</c> (a number, or <c>random</c> for one new seed per run), then the
/// attribute's, then the manifest's, then 1 — with where it came from, and the one place that writes the seed report
/// and reproduction line of a failed test (for fixtures and data attributes of other packages too).
/// </summary>
public static class DataGenSeeds
{
    /// <summary>The environment variable that overrides every seed: a number, or <c>random</c>.</summary>
    public const string Variable = "DATAGEN_SEED";

    private static readonly Lazy<ulong> RunSeed = new(() => BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) % 1_000_000_000_000UL);

    /// <summary>The command that runs one test again with the same data.</summary>
    public static string Reproduction(ulong seed, string fullyQualifiedName) => Reproduction(seed, fullyQualifiedName, []);

    /// <summary>
    /// The command with this run's other <c>DATAGEN_*</c> settings: modes and variables (<c>DATAGEN_KAFKA=auto</c>)
    /// in the line, so it runs the test the same way; settings that may hold credentials (connection strings, URLs,
    /// bootstrap servers, passwords, tokens, keys) withheld and named in a shell comment, so the line still pastes whole.
    /// </summary>
    internal static string Reproduction(ulong seed, string fullyQualifiedName, IEnumerable<KeyValuePair<string, string?>> environment)
    {
        var settings = environment.Where(v => v.Key.StartsWith("DATAGEN_", StringComparison.Ordinal) && v.Key != Variable && v.Value is not null)
            .OrderBy(v => v.Key, StringComparer.Ordinal).ToList();

        // A setting goes into the line only as a valid shell assignment; the others are named in the comment, which
        // holds no character that could end it (a line break would make the rest of it a command).
        var shown = settings.Where(v => !MayBeSecret(v.Key, v.Value!) && IsShellName(v.Key)).Select(v => $"{v.Key}={Quote(v.Value!)} ");
        var withheld = settings.Where(v => MayBeSecret(v.Key, v.Value!) || !IsShellName(v.Key)).Select(v => CommentSafe(v.Key)).ToList();
        return $"{Variable}={seed} {string.Concat(shown)}dotnet test --filter {Filter(fullyQualifiedName)}"
            + (withheld.Count == 0 ? string.Empty : $"  # also set as in this run (values withheld: they may hold credentials): {string.Join(", ", withheld)}");
    }

    /// <summary>The filter as one shell word: in double quotes when nothing in it is special there, else in single quotes.</summary>
    private static string Filter(string fullyQualifiedName)
    {
        var filter = "FullyQualifiedName=" + fullyQualifiedName;
        return filter.AsSpan().IndexOfAny("\"$`\\!\n\r") < 0 ? $"\"{filter}\"" : Quote(filter);
    }

    private static bool IsShellName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string CommentSafe(string name) => new(name.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    /// <summary>Whether a setting may hold a credential: by its name, or by a value shaped like a connection string or URL.</summary>
    internal static bool MayBeSecret(string name, string value) =>
        SecretNames.Any(n => name.Contains(n, StringComparison.OrdinalIgnoreCase))
        || value.Contains('@', StringComparison.Ordinal) || value.Contains("://", StringComparison.Ordinal) || value.Contains(';', StringComparison.Ordinal)
        || value.Contains("password", StringComparison.OrdinalIgnoreCase);

    private static readonly string[] SecretNames = ["CONNECTION", "PASSWORD", "SECRET", "TOKEN", "CREDENTIAL", "BOOTSTRAP", "URL", "KEY", "USER", "AUTH"];

    /// <summary>A value as a POSIX shell word: as it is when plain, else in single quotes.</summary>
    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ',' or ':' or '/' or '+' or '=')
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>When the current test failed, writes what was loaded with which seed and the line that reproduces it.</summary>
    /// <param name="test">The test that finished.</param>
    /// <param name="what">What was loaded or generated, e.g. the store and the manifest.</param>
    /// <param name="seed">The seed used.</param>
    /// <param name="source">Where the seed came from (from <see cref="Resolve"/>).</param>
    public static void ReportIfFailed(IXunitTest test, string what, ulong seed, string source)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (TestContext.Current.TestState?.Result != TestResult.Failed)
        {
            return;
        }

        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().Select(e => new KeyValuePair<string, string?>((string)e.Key, e.Value as string));
        TestContext.Current.TestOutputHelper?.WriteLine($"[DataGen] {what}; seed {seed} (from {source})");
        TestContext.Current.TestOutputHelper?.WriteLine($"[DataGen] reproduce: {Reproduction(seed, $"{test.TestMethod.TestClass.Class.FullName}.{test.TestMethod.Method.Name}", environment)}");
    }

    /// <summary>The effective seed and where it came from.</summary>
    /// <param name="attribute">The attribute's seed, if set.</param>
    /// <param name="manifest">The manifest's seed, if any.</param>
    /// <param name="environment">Reads environment variables (default: the process environment).</param>
    /// <exception cref="ArgumentException"><c>DATAGEN_SEED</c> is neither a whole number nor <c>random</c>.</exception>
    public static (ulong Seed, string Source) Resolve(ulong? attribute, ulong? manifest, Func<string, string?>? environment = null)
    {
        var text = (environment ?? Environment.GetEnvironmentVariable)(Variable);
        if (!string.IsNullOrWhiteSpace(text))
        {
            if (string.Equals(text.Trim(), "random", StringComparison.OrdinalIgnoreCase))
            {
                return (RunSeed.Value, $"{Variable}=random");
            }

            return ulong.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seed)
                ? (seed, Variable)
                : throw new ArgumentException($"{Variable} must be a whole number ≥ 0 or 'random', found '{text}'");
        }

        return attribute is { } a ? (a, "the attribute")
            : manifest is { } m ? (m, "the manifest")
            : (DataGen.Manifest.DefaultSeed, "the default");
    }
}
