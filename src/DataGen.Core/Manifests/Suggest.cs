namespace DataGen.Manifests;

// One home for "did you mean": compiled into DataGen.Core and, as a linked source file, into the datagen CLI (which
// uses Core's public API only, so it cannot call Core's internal copy).

/// <summary>"Did you mean" suggestions by edit distance.</summary>
internal static class Suggest
{
    /// <summary>" (did you mean 'x'?)" when a candidate is close, else empty.</summary>
    public static string Hint(string name, IEnumerable<string> candidates) =>
        Closest(name, candidates) is { } s ? $" (did you mean '{s}'?)" : string.Empty;

    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        var list = candidates.ToList();
        foreach (var c in list)
        {
            var d = Distance(name.ToUpperInvariant(), c.ToUpperInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = c;
            }
        }

        if (bestDistance <= Math.Max(2, name.Length / 3))
        {
            return best;
        }

        // "integer" → "int", "first" → "firstName": a prefix either way is a likely intent too.
        return list.Where(c => c.Length >= 3 && (name.StartsWith(c, StringComparison.OrdinalIgnoreCase) || c.StartsWith(name, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(c => Math.Abs(c.Length - name.Length))
            .FirstOrDefault();
    }

    /// <summary>Optimal string alignment distance: edits plus adjacent transpositions (nmae → name is 1).</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
