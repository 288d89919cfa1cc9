using System.Globalization;
using System.Text;

namespace Retail.Analytics;

/// <summary>A customer record as the deduplicator sees it.</summary>
public sealed record CustomerRecord(long Id, string? FirstName, string? LastName, string? Email, string? Phone, DateOnly? BirthDate);

/// <summary>
/// A simple rule-based deduplicator: records match when their phone digits match, or their normalised email matches,
/// or their last name (letters only) and birth date match. Matches are merged transitively into clusters.
/// </summary>
public static class Deduplicator
{
    /// <summary>Cluster id (the smallest record id in the cluster) for every record.</summary>
    public static IReadOnlyDictionary<long, long> Cluster(IReadOnlyList<CustomerRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var parent = records.ToDictionary(r => r.Id, r => r.Id);
        long Find(long x)
        {
            while (parent[x] != x)
            {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }

            return x;
        }

        void Union(long a, long b)
        {
            var (ra, rb) = (Find(a), Find(b));
            if (ra != rb)
            {
                parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
            }
        }

        foreach (var key in new Func<CustomerRecord, string?>[] { PhoneKey, EmailKey, NameBirthKey })
        {
            foreach (var group in records.Select(r => (r.Id, Key: key(r))).Where(x => x.Key is not null).GroupBy(x => x.Key, StringComparer.Ordinal))
            {
                var first = group.First().Id;
                foreach (var (id, _) in group.Skip(1))
                {
                    Union(first, id);
                }
            }
        }

        return records.ToDictionary(r => r.Id, r => Find(r.Id));
    }

    private static string? PhoneKey(CustomerRecord r)
    {
        var digits = new string((r.Phone ?? string.Empty).Where(char.IsAsciiDigit).ToArray());
        return digits.Length >= 10 ? "p:" + digits[^10..] : null;
    }

    private static string? EmailKey(CustomerRecord r) =>
        string.IsNullOrWhiteSpace(r.Email) ? null : "e:" + r.Email.Trim().ToLowerInvariant();

    private static string? NameBirthKey(CustomerRecord r)
    {
        var name = Letters(r.LastName);
        return name.Length == 0 || r.BirthDate is null ? null : $"n:{name}:{r.BirthDate.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
    }

    private static string Letters(string? text)
    {
        var builder = new StringBuilder();
        foreach (var c in (text ?? string.Empty).Normalize(NormalizationForm.FormD))
        {
            if (char.IsLetter(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }
}
