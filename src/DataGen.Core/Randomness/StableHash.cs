namespace DataGen.Randomness;

/// <summary>
/// Hashes that never change between processes, machines or .NET versions
/// (unlike <see cref="string.GetHashCode()"/>): seeds are derived from them.
/// </summary>
internal static class StableHash
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>FNV-1a over the UTF-8 bytes of <paramref name="text"/>, finished with a SplitMix64 mix.</summary>
    public static ulong Of(string text)
    {
        var hash = FnvOffset;
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            var written = rune.EncodeToUtf8(buffer);
            for (var i = 0; i < written; i++)
            {
                hash ^= buffer[i];
                hash *= FnvPrime;
            }
        }

        return Mix(hash);
    }

    /// <summary>Combines two 64-bit values into one, order-sensitive.</summary>
    public static ulong Combine(ulong a, ulong b) => Mix(a ^ (Mix(b) + 0x9E3779B97F4A7C15UL + (a << 6) + (a >> 2)));

    /// <summary>Combines a key with a string.</summary>
    public static ulong Combine(ulong a, string b) => Combine(a, Of(b));

    /// <summary>The SplitMix64 finaliser: a bijective avalanche of 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>Seed facts every part of the core shares.</summary>
internal static class Seeding
{
    /// <summary>The seed used when neither the caller nor the definition gives one.</summary>
    public const ulong Default = 1;
}
