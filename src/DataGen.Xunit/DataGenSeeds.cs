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
    public static string Reproduction(ulong seed, string fullyQualifiedName) =>
        $"{Variable}={seed} dotnet test --filter \"FullyQualifiedName={fullyQualifiedName}\"";

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

        TestContext.Current.TestOutputHelper?.WriteLine($"[DataGen] {what}; seed {seed} (from {source})");
        TestContext.Current.TestOutputHelper?.WriteLine($"[DataGen] reproduce: {Reproduction(seed, $"{test.TestMethod.TestClass.Class.FullName}.{test.TestMethod.Method.Name}")}{Settings(Environment.GetEnvironmentVariables().Keys.Cast<string>())}");
    }

    /// <summary>
    /// The other <c>DATAGEN_*</c> variables of this run, by name only (a connection string holds a password), for the
    /// reproduction line: the data and the store depend on them too.
    /// </summary>
    internal static string Settings(IEnumerable<string> variables)
    {
        var names = variables.Where(v => v.StartsWith("DATAGEN_", StringComparison.Ordinal) && v != Variable).Order(StringComparer.Ordinal).ToList();
        return names.Count == 0 ? string.Empty : $" (with {string.Join(", ", names)} set as in this run; values not shown)";
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
