using System.Text;

namespace DataGen.Generators;

/// <summary>One reusable <see cref="StringBuilder"/> per thread for building generated strings (as the BCL does internally); nested use falls back to a new one.</summary>
internal static class StringBuilderCache
{
    [ThreadStatic]
    private static StringBuilder? _cached;

    public static StringBuilder Acquire(int capacity = 32)
    {
        var builder = _cached;
        if (builder is not null && builder.Capacity <= 1024)
        {
            _cached = null;
            builder.Clear();
            return builder;
        }

        return new StringBuilder(capacity);
    }

    public static string ToStringAndRelease(StringBuilder builder)
    {
        var result = builder.ToString();
        _cached = builder;
        return result;
    }

    /// <summary>Gives the builder back without making a string (its text was copied out).</summary>
    public static void Release(StringBuilder builder) => _cached = builder;
}
