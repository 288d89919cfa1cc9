using System.Globalization;

namespace DataGen.Schemas;

/// <summary>What a CHECK constraint says about one column: the values it allows or the bounds it sets.</summary>
internal sealed class ColumnRule
{
    /// <summary>The only values allowed (as text), or null.</summary>
    public HashSet<string>? Allowed { get; set; }

    public decimal? Min { get; set; }

    public bool MinExclusive { get; set; }

    public decimal? Max { get; set; }

    public bool MaxExclusive { get; set; }

    /// <summary>Dates and times bounded by a literal, kept as the literal text.</summary>
    public string? MinText { get; set; }

    public string? MaxText { get; set; }

    /// <summary>Other columns this one must be greater (or equal) than: <c>return_date &gt;= rental_date</c>.</summary>
    public List<string> AtLeast { get; private set; } = [];

    /// <summary>The columns of <see cref="AtLeast"/> this one must be strictly greater than: <c>end_date &gt; start_date</c>.</summary>
    public HashSet<string> Above { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>Texts must not be empty (<c>col &lt;&gt; ''</c>, <c>length(col) &gt; 0</c>).</summary>
    public bool NonEmpty { get; set; }

    /// <summary>Never NULL though the column allows it (<c>col IS NOT NULL</c>, alone or in the case chosen of an OR).</summary>
    public bool NotNull { get; set; }

    /// <summary>Other columns of the row this one must differ from: <c>productassemblyid &lt;&gt; componentid</c>.</summary>
    public List<string> Differs { get; private set; } = [];

    /// <summary>A copy to fold a case into, kept only when the whole case is understood.</summary>
    public ColumnRule Clone()
    {
        var copy = (ColumnRule)MemberwiseClone();
        copy.Allowed = Allowed is null ? null : new HashSet<string>(Allowed, Allowed.Comparer);
        copy.AtLeast = [.. AtLeast];
        copy.Above = new HashSet<string>(Above, StringComparer.Ordinal);
        copy.Differs = [.. Differs];
        return copy;
    }
}

/// <summary>
/// Reads CHECK expressions as PostgreSQL, SQL Server and SQLite print them into per-column rules: <c>IN (…)</c>,
/// <c>= ANY (ARRAY[…])</c>, an OR of equalities, comparisons and BETWEEN against constants, AND of those, and
/// comparisons between two columns. Anything else is reported as not understood, never guessed. For the scaffold, an
/// OR of cases over several columns (<c>(a IS NULL AND b = 0) OR (a IS NOT NULL AND b &gt;= 1)</c>) is met by one case
/// whose every part is understood, preferring a case that forces no column NULL; the other cases are never generated.
/// </summary>
internal static partial class CheckConstraints
{
    /// <summary>Folds <paramref name="check"/> into <paramref name="rules"/>; false when some part of it was not understood.</summary>
    /// <param name="check">The CHECK expression as the database prints it.</param>
    /// <param name="columns">The table's columns (what names in the expression may be).</param>
    /// <param name="rules">The rules so far, per column.</param>
    /// <param name="chooseCase">Whether an OR of cases may be met by one of them (rules to generate values by, not to judge a manifest's values by).</param>
    public static bool Apply(string check, IReadOnlyCollection<string> columns, Dictionary<string, ColumnRule> rules, bool chooseCase = false)
    {
        List<Token> tokens;
        try
        {
            tokens = Tokenize(check);
        }
        catch (FormatException)
        {
            return false;
        }

        var parser = new Parser(tokens, columns);
        var node = parser.ParseExpression();
        if (node is null || !parser.AtEnd)
        {
            return false;
        }

        return Fold(node, rules, chooseCase);
    }

    private static bool Fold(Node node, Dictionary<string, ColumnRule> rules, bool chooseCase)
    {
        switch (node)
        {
            case And and:
                var all = true;
                foreach (var part in and.Parts)
                {
                    all &= Fold(part, rules, chooseCase);
                }

                return all;
            case Or or:
                return FoldValueSet(or, rules, chooseCase) || (chooseCase && FoldOneCase(or, rules));
            case InList list:
                Rule(rules, list.Column).Allowed = Intersect(Rule(rules, list.Column).Allowed, list.Values);
                return true;
            case Compare compare:
                return FoldCompare(compare, rules);
            case NonEmpty nonEmpty:
                Rule(rules, nonEmpty.Column).NonEmpty = true;
                return true;
            case IsNull { Negated: true } notNull:
                Rule(rules, notNull.Column).NotNull = true;
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Meets an OR by one of its cases: the first whose every part folds, cases that force a column NULL last (they
    /// would empty a column the other cases fill). Each case folds into a copy of the rules, kept only when it is whole.
    /// </summary>
    private static bool FoldOneCase(Or or, Dictionary<string, ColumnRule> rules)
    {
        foreach (var @case in or.Parts.OrderBy(p => ForcesNull(p) ? 1 : 0))
        {
            if (ForcesNull(@case))
            {
                continue;
            }

            var copy = rules.ToDictionary(r => r.Key, r => r.Value.Clone(), rules.Comparer);
            if (Fold(@case, copy, chooseCase: true))
            {
                rules.Clear();
                foreach (var (column, rule) in copy)
                {
                    rules[column] = rule;
                }

                return true;
            }
        }

        return false;
    }

    private static bool ForcesNull(Node node) => node switch
    {
        IsNull { Negated: false } => true,
        And and => and.Parts.Any(ForcesNull),
        _ => false,
    };

    /// <summary>An OR of allowed-value sets over one column, or "col IS NULL OR rule".</summary>
    private static bool FoldValueSet(Or or, Dictionary<string, ColumnRule> rules, bool chooseCase)
    {
        // Only an OR of allowed-value sets over one column is understood (SQL Server prints IN that way), LIKE
        // patterns included; "col IS NULL OR …" is the same set on a nullable column.
        string? column = null;
        var values = new HashSet<string>(StringComparer.Ordinal);
        var alternatives = or.Parts.Where(p => p is not IsNull { Negated: false }).ToList();
        if (alternatives.Count == 1 && alternatives.Count < or.Parts.Count)
        {
            // "col IS NULL OR <rule>" (end_date IS NULL OR end_date >= start_date): the rule, on a nullable column.
            return Fold(alternatives[0], rules, chooseCase);
        }

        if (alternatives.Count == 0)
        {
            return false; // "a IS NULL OR b IS NULL": not both filled, nothing a value set says
        }

        foreach (var alternative in alternatives)
        {
            var part = alternative is Compare { Op: "=", Literal: { } equal, Column: var c } ? new InList(c, [equal]) : alternative;
            if (part is not InList list || (column is not null && column != list.Column))
            {
                return false;
            }

            column = list.Column;
            values.UnionWith(list.Values);
        }

        Rule(rules, column!).Allowed = Intersect(Rule(rules, column!).Allowed, values);
        return true;
    }

    private static bool FoldCompare(Compare c, Dictionary<string, ColumnRule> rules)
    {
        if (c.OtherColumn is { } other)
        {
            // a >= b / a > b: a is at least b; b <= a likewise (normalised by the parser).
            switch (c.Op)
            {
                case ">=" or ">":
                    Rule(rules, c.Column).AtLeast.Add(other);
                    if (c.Op == ">")
                    {
                        Rule(rules, c.Column).Above.Add(other);
                    }

                    return true;
                case "<=" or "<":
                    Rule(rules, other).AtLeast.Add(c.Column);
                    if (c.Op == "<")
                    {
                        Rule(rules, other).Above.Add(c.Column);
                    }

                    return true;
                case "<>":
                    Rule(rules, c.Column).Differs.Add(other);
                    return true;
                default:
                    return false;
            }
        }

        var rule = Rule(rules, c.Column);
        var number = decimal.TryParse(c.Literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : (decimal?)null;
        switch (c.Op)
        {
            case "=":
                rule.Allowed = Intersect(rule.Allowed, [c.Literal!]);
                return true;
            case "<>" when c.Literal == string.Empty:
                rule.NonEmpty = true;
                return true;
            case ">=" or ">":
                if (number is { } lo)
                {
                    if (rule.Min is null || lo > rule.Min || (lo == rule.Min && c.Op == ">"))
                    {
                        rule.Min = lo;
                        rule.MinExclusive = c.Op == ">";
                    }
                }
                else
                {
                    rule.MinText = c.Literal;
                }

                return true;
            case "<=" or "<":
                if (number is { } hi)
                {
                    if (rule.Max is null || hi < rule.Max || (hi == rule.Max && c.Op == "<"))
                    {
                        rule.Max = hi;
                        rule.MaxExclusive = c.Op == "<";
                    }
                }
                else
                {
                    rule.MaxText = c.Literal;
                }

                return true;
            default:
                return false;
        }
    }

    private static HashSet<string> Intersect(HashSet<string>? existing, IEnumerable<string> values)
    {
        var set = new HashSet<string>(values, StringComparer.Ordinal);
        if (existing is not null)
        {
            set.IntersectWith(existing);
        }

        return set;
    }

    private static ColumnRule Rule(Dictionary<string, ColumnRule> rules, string column)
    {
        if (!rules.TryGetValue(column, out var rule))
        {
            rules[column] = rule = new ColumnRule();
        }

        return rule;
    }
}
