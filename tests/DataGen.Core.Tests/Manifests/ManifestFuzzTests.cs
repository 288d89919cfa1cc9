using DataGen.Randomness;

namespace DataGen.Core.Tests.Manifests;

/// <summary>
/// Seeded mutants of every sample manifest: reading one must end in a manifest or a located <see cref="ManifestException"/>,
/// never in another exception. Deterministic (the mutants follow a fixed seed) and bounded in count.
/// </summary>
public sealed class ManifestFuzzTests
{
    private const int MutantsPerManifest = 2000;
    private static readonly string[] Fragments = ["[", "]", "{", "}", ":", ",", "-", " ", "\n", "\t", "\"", "'", "&a", "*a", "!", "|", ">", "%", "0", "1e20", "-1", "9223372036854775808", "null", "~", "{{x}}", "\0", "#", "?", "@", "`"];

    public static TheoryData<string> Samples() =>
        new(Directory.GetFiles(Path.Combine(TestGeneration.RepositoryRoot, "samples", "manifests"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Samples))]
    public void Mutants_of_a_sample_are_read_or_rejected_with_locations(string sample)
    {
        var text = File.ReadAllText(Path.Combine(TestGeneration.RepositoryRoot, "samples", "manifests", sample));
        // DATAGEN_FUZZ_SEED explores other mutants (the suite's own seed is fixed, so a failure reproduces).
        var extra = ulong.TryParse(Environment.GetEnvironmentVariable("DATAGEN_FUZZ_SEED"), out var s) ? s : 0;
        var random = new DeterministicRandom(StableHash.Of(sample) ^ StableHash.Mix(extra));
        var failures = new List<string>();
        for (var i = 0; i < MutantsPerManifest; i++)
        {
            var mutant = Mutate(text, ref random);
            try
            {
                Manifest.Parse(mutant, sample, new ManifestOptions { Environment = _ => null, Variables = new Dictionary<string, string>() });
            }
            catch (ManifestException e)
            {
                e.Errors.Should().NotBeEmpty();
            }
            catch (Exception e)
            {
                var at = e.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("DataGen.", StringComparison.Ordinal))?.Trim();
                failures.Add($"mutant {i}: {e.GetType().Name}: {e.Message.Split('\n')[0]} {at}");
            }
        }

        failures.Should().BeEmpty();
    }

    private static string Mutate(string text, ref DeterministicRandom random)
    {
        var edits = 1 + (int)random.NextBelow(3);
        for (var e = 0; e < edits && text.Length > 0; e++)
        {
            var at = (int)random.NextBelow((ulong)text.Length);
            text = random.NextBelow(5) switch
            {
                0 => text.Remove(at, Math.Min(text.Length - at, 1 + (int)random.NextBelow(8))),
                1 => text.Insert(at, Fragments[random.NextBelow((ulong)Fragments.Length)]),
                2 => text[..at],
                3 => DuplicateLine(text, at),
                _ => text.Remove(at, 1).Insert(at, Fragments[random.NextBelow((ulong)Fragments.Length)]),
            };
        }

        return text;
    }

    private static string DuplicateLine(string text, int at)
    {
        var start = text.LastIndexOf('\n', Math.Max(0, at - 1)) + 1;
        var end = text.IndexOf('\n', at);
        var line = end < 0 ? text[start..] : text[start..(end + 1)];
        return text.Insert(start, line);
    }
}
