using DataGen.Simulations;

namespace DataGen.Core.Tests.Simulations;

/// <summary>
/// The expression language on its own (simulations, event flows and the expr generator share it): parsing, precedence,
/// types, dates and durations, errors with offsets, functions.
/// </summary>
public sealed class ExpressionTests
{
    private static readonly Dictionary<string, object?> Names = new(StringComparer.Ordinal)
    {
        ["balance"] = 120L,
        ["rate"] = 0.5m,
        ["name"] = "ada",
        ["active"] = true,
        ["missing"] = null,
        ["at"] = new DateTime(2024, 2, 28, 10, 0, 0, DateTimeKind.Utc),
        ["day"] = new DateOnly(2024, 2, 28),
    };

    private static object? Eval(string text, ulong seed = 1)
    {
        string? problem = null;
        var compiled = Expressions.Compile(text, Names.ContainsKey, (message, offset) => problem = $"{offset}: {message}", "test.yaml(4,9)");
        problem.Should().BeNull();
        return compiled!(new Context(seed));
    }

    private static (string Message, int Offset) Error(string text)
    {
        (string, int)? problem = null;
        Expressions.Compile(text, Names.ContainsKey, (message, offset) => problem = (message, offset), "test.yaml(4,9)").Should().BeNull();
        return problem!.Value;
    }

    [Theory]
    [InlineData("1 + 2 * 3", 7L)]
    [InlineData("(1 + 2) * 3", 9L)]
    [InlineData("10 - 4 - 3", 3L)]
    [InlineData("-balance + 20", -100L)]
    [InlineData("17 % 5", 2L)]
    [InlineData("balance * 2", 240L)]
    public void Integer_arithmetic_stays_integral_with_the_usual_precedence(string text, long expected) =>
        Eval(text).Should().Be(expected);

    [Theory]
    [InlineData("7 / 2", "3.5")]
    [InlineData("balance * rate", "60.0")]
    [InlineData("0.1 + 0.2", "0.3")]
    public void Division_and_fractions_are_exact_decimals(string text, string expected) =>
        Eval(text).Should().Be(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("balance > 100 and active", true)]
    [InlineData("balance > 100 && not active", false)]
    [InlineData("!active || balance == 120", true)]
    [InlineData("name == 'ada'", true)]
    [InlineData("name < 'bob'", true)]
    [InlineData("missing == null", true)]
    [InlineData("missing != 0", true)]
    [InlineData("rate >= 0.5", true)]
    [InlineData("balance != 120.0", false)]
    public void Comparisons_and_logic(string text, bool expected) =>
        Eval(text).Should().Be(expected);

    [Fact]
    public void Plus_with_a_string_concatenates() => Eval("name + '-' + balance").Should().Be("ada-120");

    [Theory]
    [InlineData("round(2.345, 2)", "2.34")]
    [InlineData("round(2.5)", "2")]
    [InlineData("abs(-3.25)", "3.25")]
    [InlineData("min(balance, 7.5)", "7.5")]
    [InlineData("max(1, rate)", "1")]
    public void Number_functions(string text, string expected) =>
        Convert.ToDecimal(Eval(text), System.Globalization.CultureInfo.InvariantCulture).Should().Be(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Random_functions_stay_in_range_and_follow_the_seed()
    {
        for (ulong seed = 0; seed < 200; seed++)
        {
            ((decimal)Eval("uniform(1, 2, 3)", seed)!).Should().BeInRange(1m, 2m);
            ((long)Eval("int(5, 7)", seed)!).Should().BeInRange(5, 7);
            Eval("pick('a', 'b', 'c')", seed).Should().BeOneOf("a", "b", "c");
            Eval("chance(0)", seed).Should().Be(false);
            Eval("chance(100)", seed).Should().Be(true);
        }

        Eval("uniform(0, 1000, 4)", 9).Should().Be(Eval("uniform(0, 1000, 4)", 9));
        Enumerable.Range(0, 20).Select(s => Eval("uniform(0, 1000, 4)", (ulong)s)).Distinct().Should().HaveCountGreaterThan(15);
    }

    [Theory]
    [InlineData("balance +", "expected a value, found the end of the expression", 9)]
    [InlineData("balance 2", "unexpected '2'", 8)]
    [InlineData("'open", "unterminated string", 0)]
    [InlineData("1 + ballance", "unknown name 'ballance'", 4)]
    [InlineData("unifrom(1, 2)", "unknown function 'unifrom'", 0)]
    [InlineData("int(1)", "int() takes 2 arguments, found 1", 0)]
    [InlineData("(1 + 2", "expected ')' at the end", 6)]
    [InlineData("1 # 2", "unexpected '# 2'", 2)]
    public void Errors_say_what_and_where(string text, string message, int offset)
    {
        var (actual, at) = Error(text);

        actual.Should().StartWith(message);
        at.Should().Be(offset);
    }

    [Fact]
    public void An_unknown_function_suggests_the_closest() =>
        Error("unifrom(1, 2)").Message.Should().Contain("did you mean 'uniform'");

    /// <summary>The numeric semantics docs/simulations.md writes down: each failure is an error at the expression, located.</summary>
    [Theory]
    [InlineData("1 / 0", "division by zero")]
    [InlineData("balance % 0", "division by zero")]
    [InlineData("1.5 / 0", "division by zero")]
    [InlineData("9223372036854775807 + 1", "out of range")]
    [InlineData("-9223372036854775807 - 2", "out of range")]
    [InlineData("3037000500 * 3037000500", "out of range")]
    [InlineData("79228162514264337593543950335 * 2", "out of range")]
    [InlineData("missing + 1", "expected a number, found null")]
    [InlineData("missing < 1", "expected a number, found null")]
    [InlineData("name * 2", "expected a number, found ada (String)")]
    [InlineData("round(rate, 40)", "out of range")]
    [InlineData("at + days(20000000)", "out of range")]
    [InlineData("at + days(3000000)", "out of range")]
    [InlineData("int(1, 99999999999999999999)", "out of range")]
    [InlineData("balance and active", "expected true or false")]
    public void Failures_while_evaluating_are_errors_at_the_expression(string text, string reason)
    {
        var act = () => Eval(text);

        act.Should().Throw<Expressions.ExpressionFailure>().WithMessage($"test.yaml(4,9): in expression '{text}': *{reason}*");
    }

    [Theory]
    [InlineData("1.10 + 2", "3.10")]
    [InlineData("1 / 3", "0.3333333333333333333333333333")]
    [InlineData("round(2.675, 2)", "2.68")]
    [InlineData("0.1 * 0.2", "0.02")]
    public void Decimals_keep_their_scale_and_28_digits(string text, string expected) =>
        ((decimal)Eval(text)!).ToString(System.Globalization.CultureInfo.InvariantCulture).Should().Be(expected);

    [Fact]
    public void NaN_and_infinities_are_not_numbers()
    {
        var compiled = Expressions.Compile("x + 1", n => n == "x", (_, _) => { }, "test.yaml(2,3)")!;

        foreach (var value in new object[] { double.NaN, double.PositiveInfinity, float.NegativeInfinity })
        {
            var act = () => compiled(new Single(value));
            act.Should().Throw<Expressions.ExpressionFailure>().WithMessage("*NaN and infinities are not numbers here*");
        }
    }

    private sealed class Single(object value) : IExpressionContext
    {
        public SimulationRandom Random { get; } = new(1);

        public object? ValueOf(string name) => value;
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(null, false)]
    public void Truthy_accepts_booleans_and_null(object? value, bool expected) => Expressions.Truthy(value).Should().Be(expected);

    [Fact]
    public void Truthy_rejects_other_values() =>
        ((Action)(() => Expressions.Truthy(1L))).Should().Throw<InvalidOperationException>().WithMessage("expected true or false*");

    private sealed class Context(ulong seed) : IExpressionContext
    {
        public SimulationRandom Random { get; } = new(seed);

        public object? ValueOf(string name) => Names[name];
    }

    [Fact]
    public void Dates_move_by_durations_and_subtract_to_durations()
    {
        var at = new DateTime(2024, 2, 28, 10, 0, 0, DateTimeKind.Utc);

        Eval("at + days(2)").Should().Be(at.AddDays(2));
        Eval("at - hours(10) - minutes(30) + seconds(30)").Should().Be(at.AddHours(-10).AddMinutes(-30).AddSeconds(30));
        Eval("day + days(1)").Should().Be(new DateOnly(2024, 2, 29), "whole days keep a date a date");
        Eval("day + hours(6)").Should().Be(new DateTime(2024, 2, 28, 6, 0, 0, DateTimeKind.Utc));
        Eval("at - day").Should().Be(TimeSpan.FromHours(10));
        Eval("days(1) * 3").Should().Be(TimeSpan.FromDays(3));
        Eval("at > day and day == day and at - day > hours(9) and min(at, day) == day").Should().Be(true);
    }

    [Fact]
    public void Durations_check_their_arguments()
    {
        Error("days(1, 2)").Should().Be(("days() takes 1 arguments, found 2", 0));
        Error("dayz(1)").Message.Should().Contain("did you mean 'days'?");
        var act = () => Eval("active + days(1)");
        act.Should().Throw<Expressions.ExpressionFailure>().WithMessage("*True (Boolean)*");
    }
}
