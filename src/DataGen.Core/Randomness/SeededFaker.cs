using DataGen.Generators;

namespace DataGen.Randomness;

/// <summary>
/// Bogus fakers whose values depend only on a seed and a path of names (e.g. test method, member, request number):
/// the same inputs give the same values on any machine and thread, with no shared random state.
/// </summary>
public static class SeededFaker
{
    /// <summary>Creates a faker for (<paramref name="seed"/>, <paramref name="path"/>…).</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="locale">The Bogus locale (e.g. <c>en</c>).</param>
    /// <param name="path">Names that pick this faker's stream of values.</param>
    public static Bogus.Faker Create(ulong seed, string locale, params IEnumerable<string> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var key = StableHash.Mix(seed);
        foreach (var part in path)
        {
            key = StableHash.Combine(key, part);
        }

        var session = new BogusSession(locale);
        session.Source.Reset(new DeterministicRandom(key));
        return session.Faker;
    }
}
