using System.Globalization;
using System.Security.Cryptography;

namespace DataGen.Xunit;

/// <summary>
/// The effective seed: <c>DATAGEN_SEED</c> (a number, or <c>random</c> for one new seed per run), then the
/// attribute's, then the manifest's, then 1 — with where it came from, for the reproduction line.
/// </summary>
internal static class Seeds
{
    public const string Variable = "DATAGEN_SEED";

    private static readonly Lazy<ulong> RunSeed = new(() => BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) % 1_000_000_000_000UL);

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
