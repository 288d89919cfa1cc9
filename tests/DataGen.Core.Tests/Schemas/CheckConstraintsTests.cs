using DataGen.Schemas;

namespace DataGen.Core.Tests.Schemas;

/// <summary>CHECK expressions as PostgreSQL, SQL Server and SQLite print them, turned into per-column rules.</summary>
public sealed class CheckConstraintsTests
{
    private static readonly string[] Columns = ["s", "n", "d", "e", "f", "rental_date", "return_date", "status", "qty", "name", "rating"];

    private static Dictionary<string, ColumnRule> Read(string check, bool understood = true)
    {
        var rules = new Dictionary<string, ColumnRule>(StringComparer.Ordinal);
        CheckConstraints.Apply(check, Columns, rules).Should().Be(understood, check);
        return rules;
    }

    [Theory]
    [InlineData("((s)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))")]
    [InlineData("(s = ANY (ARRAY['a'::text, 'b'::text]))")]
    [InlineData("([s]='b' OR [s]='a')")]
    [InlineData("s IN ('a', 'b')")]
    [InlineData("((s IS NULL) OR (upper((s)::text) = ANY (ARRAY['a'::text, 'b'::text])))")]
    [InlineData("\"s\" in ('a','b') AND s IN ('a', 'b', 'c')")]
    public void Allowed_values_in_every_dialect(string check)
    {
        Read(check)["s"].Allowed.Should().BeEquivalentTo(["a", "b"]);
    }

    [Theory]
    [InlineData("s is null or s like '%Trailers%' or s like '%Deleted Scenes%'")]
    [InlineData("((s IS NULL) OR ((s)::text ~~ '%Trailers%'::text) OR ((s)::text ~~ 'Deleted_Scenes'::text))")]
    public void Like_patterns_give_values_that_match_them(string check)
    {
        Read(check)["s"].Allowed.Should().BeEquivalentTo(["Trailers", check.Contains('_', StringComparison.Ordinal) ? "DeletedxScenes" : "Deleted Scenes"]);
    }

    [Theory]
    [InlineData("s like '%a\\%%'")]
    [InlineData("s like '%a%' or n like '%b%'")]
    public void Like_patterns_that_cannot_be_filled_are_not_understood(string check)
    {
        Read(check, understood: false);
    }

    [Fact]
    public void A_rule_or_null_is_the_rule()
    {
        Read("((e >= d) OR (e IS NULL))")["e"].AtLeast.Should().Equal("d");
    }

    [Theory]
    [InlineData("((e > d) OR (e IS NULL))", true)]
    [InlineData("(d < e)", true)]
    [InlineData("(e >= d)", false)]
    public void A_column_strictly_after_another_is_told_from_one_not_before_it(string check, bool strictly)
    {
        var rule = Read(check)["e"];

        rule.AtLeast.Should().Equal("d");
        rule.Above.Contains("d").Should().Be(strictly);
    }

    [Fact]
    public void Is_not_null_is_understood_and_keeps_the_column_filled()
    {
        var rule = Read("s IS NOT NULL AND s IN ('a')")["s"];

        rule.Allowed.Should().BeEquivalentTo(["a"]);
        rule.NotNull.Should().BeTrue();
    }

    [Fact]
    public void Two_columns_that_must_differ_are_understood()
    {
        Read("(n <> qty)")["n"].Differs.Should().Equal("qty");
        Read("[n]<>[qty]")["n"].Differs.Should().Equal("qty");
    }

    /// <summary>AdventureWorks' bill of materials: a top-level assembly (no parent) at level 0, or a component below one.</summary>
    private const string TwoCases = "(((s IS NULL) AND (n = 0) AND (qty = 1.00)) OR ((s IS NOT NULL) AND (n >= 1)))";

    [Fact]
    public void An_or_of_cases_over_several_columns_is_not_understood_when_judging_a_manifests_values()
    {
        Read(TwoCases, understood: false);
    }

    [Fact]
    public void An_or_of_cases_is_met_by_the_case_that_forces_no_column_null_when_generating()
    {
        var rules = new Dictionary<string, ColumnRule>(StringComparer.Ordinal) { ["n"] = new() { Max = 9 } };

        CheckConstraints.Apply(TwoCases, Columns, rules, chooseCase: true).Should().BeTrue();

        rules["s"].NotNull.Should().BeTrue("the case chosen says s IS NOT NULL");
        rules["n"].Min.Should().Be(1);
        rules["n"].Max.Should().Be(9, "rules from other checks are kept");
        rules.Should().NotContainKey("qty", "the other case is never generated");
    }

    [Fact]
    public void A_case_that_is_not_understood_leaves_the_rules_untouched_and_the_next_case_is_tried()
    {
        var rules = new Dictionary<string, ColumnRule>(StringComparer.Ordinal);

        CheckConstraints.Apply("((n >= 5) AND (s ~ '^x')) OR ((n <= 2) AND (qty > 0))", Columns, rules, chooseCase: true).Should().BeTrue();

        rules["n"].Min.Should().BeNull("the first case was not understood as a whole");
        rules["n"].Max.Should().Be(2);
        rules["qty"].Min.Should().Be(0);
        rules["qty"].MinExclusive.Should().BeTrue();
    }

    [Theory]
    [InlineData("(s IS NULL) OR (n IS NULL)")]
    [InlineData("((s IS NULL) AND (n = 1)) OR ((qty IS NULL) AND (n = 2))")]
    public void Cases_that_each_force_a_column_null_are_not_understood(string check)
    {
        CheckConstraints.Apply(check, Columns, new Dictionary<string, ColumnRule>(StringComparer.Ordinal), chooseCase: true).Should().BeFalse();
    }

    [Theory]
    [InlineData("((n >= 1.5) AND (n <= (3)::numeric))", 1.5, false, 3.0, false)]
    [InlineData("n BETWEEN 1.5 AND 3", 1.5, false, 3.0, false)]
    [InlineData("n BETWEEN -500 AND 500", -500.0, false, 500.0, false)]
    [InlineData("n BETWEEN -9.5 AND -0.5", -9.5, false, -0.5, false)]
    [InlineData("([n]>(1.5) AND [n]<(3))", 1.5, true, 3.0, true)]
    [InlineData("(1.5 < n)", 1.5, true, null, false)]
    [InlineData("n >= -2 AND n >= 1.5 AND n <= 10 AND n <= 3", 1.5, false, 3.0, false)]
    public void Numeric_bounds(string check, double min, bool minExclusive, double? max, bool maxExclusive)
    {
        var rule = Read(check)["n"];

        rule.Min.Should().Be((decimal)min);
        rule.MinExclusive.Should().Be(minExclusive);
        rule.Max.Should().Be(max is null ? null : (decimal)max.Value);
        rule.MaxExclusive.Should().Be(maxExclusive);
    }

    [Fact]
    public void Date_bounds_comparisons_between_columns_and_non_empty_text()
    {
        Read("(d > '2000-01-01'::date)")["d"].MinText.Should().Be("2000-01-01");
        Read("(return_date >= rental_date)")["return_date"].AtLeast.Should().Equal("rental_date");
        Read("(rental_date <= return_date)")["return_date"].AtLeast.Should().Equal("rental_date");
        Read("(e <> ''::text)")["e"].NonEmpty.Should().BeTrue();
        Read("length(name) > 0")["name"].NonEmpty.Should().BeTrue();
        Read("(len([name])>=(1))")["name"].NonEmpty.Should().BeTrue();
    }

    [Theory]
    [InlineData("((f % 2) = 0)")]
    [InlineData("lower(name) = name")]
    [InlineData("s IN (SELECT x FROM t)")]
    [InlineData("(s = 'a' OR n > 3)")]
    [InlineData("s NOT IN ('a')")]
    [InlineData("'unterminated")]
    public void What_is_not_understood_is_said_not_guessed(string check)
    {
        Read(check, understood: false);
    }

    [Fact]
    public void Understood_parts_of_an_and_are_kept_when_another_part_is_not()
    {
        var rules = Read("(qty > 0) AND ((f % 2) = 0)", understood: false);

        rules["qty"].Min.Should().Be(0);
        rules["qty"].MinExclusive.Should().BeTrue();
    }
}
