using System.Runtime.CompilerServices;

namespace DataGen.Randomness;

/// <summary>
/// The PRNG behind every generated value: SplitMix64, pinned in our own code so output
/// never changes with a .NET or dependency upgrade. A value's stream is keyed by
/// (seed, model, field path, row), so adding a field or changing another model's count
/// leaves every other value where it was.
/// </summary>
internal struct DeterministicRandom
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;
    private ulong _state;

    public DeterministicRandom(ulong key) => _state = StableHash.Mix(key);

    /// <summary>A stream for row <paramref name="row"/> of a (seed, model, field) key.</summary>
    public static DeterministicRandom ForRow(ulong fieldKey, long row) =>
        new(StableHash.Combine(fieldKey, unchecked((ulong)row)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        var z = _state += Gamma;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 bits of precision.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="bound"/>) without modulo bias (Lemire's method).</summary>
    public ulong NextBelow(ulong bound)
    {
        if (bound == 0)
        {
            return 0;
        }

        var x = NextUInt64();
        var m = Math.BigMul(x, bound, out var low);
        if (low < bound)
        {
            var threshold = unchecked(0 - bound) % bound;
            while (low < threshold)
            {
                x = NextUInt64();
                m = Math.BigMul(x, bound, out low);
            }
        }

        return m;
    }

    /// <summary>Uniform integer in [<paramref name="min"/>, <paramref name="max"/>] (both inclusive).</summary>
    public long NextInclusive(long min, long max)
    {
        if (max <= min)
        {
            return min;
        }

        var span = unchecked((ulong)(max - min));
        if (span == ulong.MaxValue)
        {
            return unchecked((long)NextUInt64());
        }

        return unchecked(min + (long)NextBelow(span + 1));
    }

    /// <summary>Uniform index in [0, <paramref name="count"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextIndex(int count) => (int)NextBelow((ulong)count);

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => p > 0 && (p >= 1 || NextDouble() < p);

    /// <summary>A standard normal variate (Marsaglia's polar method over <see cref="DeterministicMath"/>).</summary>
    public double NextGaussian()
    {
        while (true)
        {
            var u = (2 * NextDouble()) - 1;
            var v = (2 * NextDouble()) - 1;
            var s = (u * u) + (v * v);
            if (s > 0 && s < 1)
            {
                return u * Math.Sqrt(-2 * DeterministicMath.Log(s) / s);
            }
        }
    }
}
