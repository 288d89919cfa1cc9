namespace DataGen.Randomness;

/// <summary>
/// A keyed shuffle of the rows <c>[0, count)</c>, computed one position at a time (a four-round Feistel network over the
/// smallest even power of two that holds them, walking the cycle back into range): what a unique ref draws from, so
/// each of the referenced rows is taken at most once without retries, however many rows there are.
/// </summary>
internal readonly struct RowPermutation
{
    private readonly ulong _key;
    private readonly long _count;
    private readonly int _half;
    private readonly long _mask;

    public RowPermutation(ulong key, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _key = key;
        _count = count;
        var bits = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(count - 1));
        _half = Math.Max(1, (bits + 1) / 2);
        _mask = (1L << _half) - 1;
    }

    /// <summary>The row at <paramref name="position"/> of the shuffle (0 ≤ position &lt; count).</summary>
    public long this[long position]
    {
        get
        {
            var x = position;
            do
            {
                x = Round(x);
            }
            while (x >= _count);
            return x;
        }
    }

    private long Round(long x)
    {
        var left = x >> _half;
        var right = x & _mask;
        for (var i = 0UL; i < 4; i++)
        {
            (left, right) = (right, left ^ (long)(StableHash.Combine(_key, ((ulong)right << 2) | i) & (ulong)_mask));
        }

        return (left << _half) | right;
    }
}
