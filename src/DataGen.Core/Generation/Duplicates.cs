using System.Globalization;
using System.Text;
using DataGen.Manifests;
using DataGen.Randomness;

namespace DataGen.Generation;

/// <summary>What a row copies: an earlier row of the run (<see cref="Row"/> ≥ 0), an archived row (<see cref="Archived"/> ≥ 0), or nothing.</summary>
internal readonly record struct DuplicateSource(long Row, int Archived)
{
    public static readonly DuplicateSource Original = new(-1, -1);
}

/// <summary>
/// Turns some rows of a model into fuzzed copies of earlier rows (entity-resolution data). Whether row i is a
/// duplicate, which earlier original it copies and how it is fuzzed depend only on (seed, model, i), so the
/// output stays identical for any thread count. Every row carries its cluster: the key of the original.
/// </summary>
internal sealed class Duplicates
{
    private const int SourceAttempts = 64;

    private static readonly (string Name, string Nick)[] Nicknames =
    [
        ("Robert", "Bob"), ("William", "Bill"), ("Richard", "Dick"), ("James", "Jim"), ("John", "Jack"), ("Michael", "Mike"),
        ("Thomas", "Tom"), ("Joseph", "Joe"), ("Charles", "Charlie"), ("Christopher", "Chris"), ("Daniel", "Dan"),
        ("Matthew", "Matt"), ("Anthony", "Tony"), ("Edward", "Ed"), ("Benjamin", "Ben"), ("Samuel", "Sam"),
        ("Alexander", "Alex"), ("Nicholas", "Nick"), ("Jonathan", "Jon"), ("Timothy", "Tim"), ("Steven", "Steve"),
        ("Andrew", "Andy"), ("Patrick", "Pat"), ("Gregory", "Greg"), ("Elizabeth", "Liz"), ("Margaret", "Maggie"),
        ("Katherine", "Kate"), ("Jennifer", "Jen"), ("Rebecca", "Becky"), ("Susan", "Sue"), ("Deborah", "Debbie"),
        ("Patricia", "Patty"), ("Victoria", "Vicky"), ("Jessica", "Jess"), ("Samantha", "Sam"), ("Kimberly", "Kim"),
        ("Christina", "Tina"), ("Abigail", "Abby"), ("Alexandra", "Alex"), ("Dorothy", "Dot"),
    ];

    private static readonly Dictionary<string, string> NicknameOf = Nicknames
        .SelectMany(p => new[] { (p.Name, p.Nick), (p.Nick, p.Name) })
        .GroupBy(p => p.Item1, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.First().Item2, StringComparer.OrdinalIgnoreCase);

    private readonly DuplicateSpec _spec;
    private readonly ulong _key;
    private readonly double _rate;
    private readonly double _archivedRate;
    private readonly int _keyIndex;
    private readonly (int Field, FuzzOp[] Ops)[] _fields;
    private readonly (int First, int Second)? _swap;

    public Duplicates(DuplicateSpec spec, ulong modelKey, string[] fieldNames, int keyIndex)
    {
        _spec = spec;
        _key = StableHash.Combine(modelKey, "$duplicates");
        _keyIndex = keyIndex;
        var variance = new DeterministicRandom(StableHash.Combine(_key, "rate"));
        _rate = spec.Rate == 0 ? 0 : Math.Clamp(spec.Rate + (((2 * variance.NextDouble()) - 1) * spec.Variance), 0, 100) / 100;
        _archivedRate = spec.Archived / 100;
        _fields = spec.Fields.Select(f => (Array.IndexOf(fieldNames, f.Field), f.Ops)).ToArray();
        _swap = spec.Swap is { } s ? (Array.IndexOf(fieldNames, s.First), Array.IndexOf(fieldNames, s.Second)) : null;
    }

    public string TruthField => _spec.TruthField;

    public bool Hidden => _spec.Hidden;

    /// <summary>Fields that may become null (dropped).</summary>
    public IEnumerable<int> Droppable => _fields.Where(f => f.Ops.Contains(FuzzOp.Drop)).Select(f => f.Field);

    /// <summary>
    /// What row <paramref name="row"/> copies: an earlier original of this run, an archived row (of
    /// <paramref name="archived"/>), or nothing (an original). One draw per row decides which: below the rate, an earlier
    /// row; within the archived rate after it, an archived one (so a model without an archive draws as before).
    /// </summary>
    public DuplicateSource SourceOf(long row, long generatedRows, int archived)
    {
        if (row >= generatedRows)
        {
            return DuplicateSource.Original;
        }

        var random = DeterministicRandom.ForRow(_key, row);
        var draw = random.NextDouble();
        if (draw >= _rate)
        {
            return archived > 0 && draw < _rate + _archivedRate
                ? new DuplicateSource(-1, (int)DeterministicRandom.ForRow(StableHash.Combine(_key, "archived"), row).NextBelow((ulong)archived))
                : DuplicateSource.Original;
        }

        if (row == 0)
        {
            return DuplicateSource.Original;
        }

        for (var attempt = 0; attempt < SourceAttempts; attempt++)
        {
            var candidate = (long)random.NextBelow((ulong)row);
            if (!IsDuplicate(candidate, archived))
            {
                return new DuplicateSource(candidate, -1);
            }
        }

        return DuplicateSource.Original;
    }

    /// <summary>Makes <paramref name="row"/> a fuzzed copy of <paramref name="source"/> (keeping its own key); returns the cluster.</summary>
    public object? Copy(long row, object?[] values, object?[] source)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (i != _keyIndex)
            {
                values[i] = source[i];
            }
        }

        var random = DeterministicRandom.ForRow(StableHash.Combine(_key, "fuzz"), row);
        var edits = (int)random.NextInclusive(_spec.MinEdits, _spec.MaxEdits);
        var choices = _fields.Length + (_swap is null ? 0 : 1);
        for (var e = 0; e < edits && choices > 0; e++)
        {
            var pick = random.NextIndex(choices);
            if (pick == _fields.Length)
            {
                var (a, b) = _swap!.Value;
                (values[a], values[b]) = (values[b], values[a]);
                continue;
            }

            var (field, ops) = _fields[pick];
            values[field] = Apply(ops[random.NextIndex(ops.Length)], values[field], ref random);
        }

        return source[_keyIndex];
    }

    private bool IsDuplicate(long row, int archived) =>
        DeterministicRandom.ForRow(_key, row).NextDouble() is var draw && ((row > 0 && draw < _rate) || (archived > 0 && draw < _rate + _archivedRate));

    /// <summary>
    /// Makes <paramref name="row"/> a fuzzed copy of an archived row (values, then its cluster): the row keeps its own key
    /// and the fields in <paramref name="own"/> (its refs: the rows they point at are this run's); returns the archived cluster.
    /// </summary>
    public object? CopyArchived(long row, object?[] values, object?[] archived, bool[] own)
    {
        var kept = new object?[values.Length];
        Array.Copy(values, kept, values.Length);
        Copy(row, values, archived);
        for (var i = 0; i < values.Length; i++)
        {
            if (own[i])
            {
                values[i] = kept[i];
            }
        }

        return archived[^1];
    }

    internal static object? Apply(FuzzOp op, object? value, ref DeterministicRandom random)
    {
        if (value is null)
        {
            return null;
        }

        switch (op)
        {
            case FuzzOp.Drop:
                return null;
            case FuzzOp.DateFormat:
                return value switch
                {
                    DateOnly d => d.Day <= 12 && d.Day != d.Month ? new DateOnly(d.Year, d.Day, Math.Min(d.Month, DateTime.DaysInMonth(d.Year, d.Day))) : d.AddDays(random.Chance(0.5) ? 1 : -1),
                    DateTime t => t.Day <= 12 && t.Day != t.Month ? new DateTime(t.Year, t.Day, Math.Min(t.Month, DateTime.DaysInMonth(t.Year, t.Day)), t.Hour, t.Minute, t.Second, t.Kind) : t.AddDays(random.Chance(0.5) ? 1 : -1),
                    string s => ReformatDate(s, ref random),
                    _ => value,
                };
        }

        if (value is not string text || text.Length == 0)
        {
            return value;
        }

        switch (op)
        {
            case FuzzOp.Typo:
                return Typo(text, ref random);
            case FuzzOp.Nickname:
                return NicknameOf.TryGetValue(text.Trim(), out var nick) ? nick : Typo(text, ref random);
            case FuzzOp.Initials:
                return char.ToUpperInvariant(text.TrimStart()[0]) + ".";
            case FuzzOp.Case:
                return random.NextIndex(3) switch
                {
                    0 => text.ToUpperInvariant(),
                    1 => text.ToLowerInvariant(),
                    _ => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(text.ToLowerInvariant()),
                };
            case FuzzOp.Whitespace:
                var space = text.IndexOf(' ', StringComparison.Ordinal);
                return random.NextIndex(3) switch
                {
                    0 when space >= 0 => text.Insert(space, " "),
                    1 when space >= 0 => text.Remove(space, 1),
                    _ => " " + text + " ",
                };
            case FuzzOp.PhoneFormat:
                var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
                if (digits.Length < 7)
                {
                    return text;
                }

                var last4 = digits[^4..];
                var mid = digits[^7..^4];
                var area = digits.Length >= 10 ? digits[^10..^7] : string.Empty;
                return random.NextIndex(4) switch
                {
                    0 => digits,
                    1 => area.Length > 0 ? $"({area}) {mid}-{last4}" : $"{mid}-{last4}",
                    2 => area.Length > 0 ? $"{area}.{mid}.{last4}" : $"{mid}.{last4}",
                    _ => area.Length > 0 ? $"+1 {area} {mid} {last4}" : $"{mid} {last4}",
                };
            default:
                return value;
        }
    }

    private static string Typo(string text, ref DeterministicRandom random)
    {
        var builder = new StringBuilder(text);
        var position = random.NextIndex(text.Length);

        // A letter other than the one at the position, so a substitution always changes something.
        var letter = (char)('a' + random.NextIndex(25));
        if (letter >= char.ToLowerInvariant(text[position]) && char.ToLowerInvariant(text[position]) is >= 'a' and <= 'z')
        {
            letter++;
        }

        var edit = random.NextIndex(4);
        if (edit == 3 && (text.Length < 2 || text[Math.Min(position, text.Length - 2)] == text[Math.Min(position, text.Length - 2) + 1]))
        {
            edit = 2; // transposing equal letters changes nothing
        }

        switch (edit)
        {
            case 0:
                builder.Insert(position, letter);
                break;
            case 1 when text.Length > 1:
                builder.Remove(position, 1);
                break;
            case 1:
                builder.Append(letter);
                break;
            case 2:
                builder[position] = char.IsUpper(text[position]) ? char.ToUpperInvariant(letter) : letter;
                break;
            default:
                var p = Math.Min(position, text.Length - 2);
                (builder[p], builder[p + 1]) = (builder[p + 1], builder[p]);
                break;
        }

        return builder.ToString();
    }

    private static string ReformatDate(string text, ref DeterministicRandom random)
    {
        if (!DateOnly.TryParse(text, CultureInfo.InvariantCulture, out var d))
        {
            return text;
        }

        return random.NextIndex(3) switch
        {
            0 => d.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture),
            1 => d.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture),
            _ => d.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
        };
    }
}
