#pragma warning disable DGEN001 // the experimental generator seam under test
using System.Text.RegularExpressions;

namespace DataGen.Core.Tests.Generators;

/// <summary>The public seam for an application's own value generators: used by name from YAML, deterministic, checked where written.</summary>
public sealed class CustomGeneratorTests
{
    /// <summary><c>sku</c>: a prefix (required) and a number of digits (default 4, 1 to 9), from the row's faker; docs/manifest.md shows it.</summary>
    private static readonly ValueGenerator Sku = ValueGenerator.Create("sku", ValueKind.String, ["prefix", "digits"], p =>
    {
        var prefix = p.GetString("prefix", required: true) ?? string.Empty;
        var digits = p.GetInt64("digits") ?? 4;
        if (digits is < 1 or > 9)
        {
            p.Error("digits", $"'digits' must be from 1 to 9, found {digits}");
        }

        var mask = new string('#', (int)Math.Clamp(digits, 1, 9));
        return ctx => prefix + ctx.Faker.Random.ReplaceNumbers(mask);
    });

    /// <summary><c>badge</c>: no parameters; a person's name from Bogus and the row.</summary>
    private static readonly ValueGenerator Badge = ValueGenerator.Create("badge", ValueKind.String, ctx => $"{ctx.Faker.Person.FullName} #{ctx.Row}");

    private static ManifestOptions Options(ulong? seed = null) => new() { Environment = _ => null, Seed = seed, Generators = [Sku, Badge] };

    private const string Products = """
        seed: 7
        models:
          products:
            count: 2000
            fields:
              id: sequence
              sku: { type: sku, prefix: AB, digits: 6, unique: true }
              badge: badge
              note: { type: badge, nullRate: 0.5 }
        """;

    [Fact]
    public async Task A_manifest_uses_csharp_generators_by_name_with_their_parameters()
    {
        var rows = (await TestGeneration.RecordsAsync(TestGeneration.Parse(Products, Options())))["products"];

        rows.Should().HaveCount(2000);
        rows.Select(r => (string)r["sku"]!).Should().OnlyContain(s => Regex.IsMatch(s, "^AB[0-9]{6}$")).And.OnlyHaveUniqueItems();
        rows.Select((r, i) => (string)r["badge"]!).Should().OnlyContain(b => b.Contains(" #", StringComparison.Ordinal));
        rows.Select((r, i) => ((string)r["badge"]!).EndsWith($" #{i}", StringComparison.Ordinal)).Should().AllBeEquivalentTo(true, "the context gives the row's index");

        // Each row has its own person (Bogus caches one per faker: a shared faker would repeat it).
        rows.Select(r => ((string)r["badge"]!).Split(" #")[0]).Distinct().Count().Should().BeGreaterThan(1500);
        rows.Count(r => r["note"] is null).Should().BeInRange(850, 1150, "nullRate applies to C# generators as to built-in ones");
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_values_whatever_the_thread_count_and_another_seed_others()
    {
        var one = await TestGeneration.RowsAsync(TestGeneration.Parse(Products, Options()), new GenerationOptions { MaxDegreeOfParallelism = 1 });
        var many = await TestGeneration.RowsAsync(TestGeneration.Parse(Products, Options()), new GenerationOptions { MaxDegreeOfParallelism = 4 });
        var other = await TestGeneration.RowsAsync(TestGeneration.Parse(Products, Options(seed: 8)), new GenerationOptions { MaxDegreeOfParallelism = 4 });

        many["products"].Should().BeEquivalentTo(one["products"], o => o.WithStrictOrdering());
        other["products"].Select(r => r[1]).Should().NotEqual(one["products"].Select(r => r[1]));
    }

    [Fact]
    public void A_misspelt_generator_is_reported_where_it_is_written_with_a_suggestion()
    {
        var error = Invalid("""
            models:
              products:
                count: 1
                fields:
                  sku: { type: skuu, prefix: AB }
            """).Should().ContainSingle().Which;

        (error.Line, error.Column).Should().Be((5, 20));
        error.Field.Should().Be("sku");
        error.Message.Should().Contain("unknown generator 'skuu'").And.Contain("did you mean 'sku'").And.Contain("the application's: badge, sku");
    }

    [Fact]
    public void Bad_parameters_are_reported_where_they_are_written()
    {
        var errors = Invalid("""
            models:
              products:
                count: 1
                fields:
                  a: { type: sku, prefix: AB, digits: many }
                  b: { type: sku, prefx: AB }
                  c: { type: sku, prefix: AB, digits: 12 }
                  d: { type: badge, size: 3 }
            """);

        errors.Should().ContainSingle(e => e.Field == "a" && e.Line == 5 && e.Column == 43 && e.Message.Contains("'digits' must be an integer, found 'many'", StringComparison.Ordinal));
        errors.Should().ContainSingle(e => e.Field == "b" && e.Line == 6 && e.Message.Contains("needs option 'prefix'", StringComparison.Ordinal));
        errors.Should().ContainSingle(e => e.Field == "b" && e.Line == 6 && e.Column == 23 && e.Message.Contains("unknown option 'prefx' for generator 'sku' (did you mean 'prefix'?)", StringComparison.Ordinal));
        errors.Should().ContainSingle(e => e.Field == "c" && e.Line == 7 && e.Column == 43 && e.Message.Contains("'digits' must be from 1 to 9, found 12", StringComparison.Ordinal));
        errors.Should().ContainSingle(e => e.Field == "d" && e.Line == 8 && e.Message.Contains("unknown option 'size' for generator 'badge'", StringComparison.Ordinal));
        errors.Should().HaveCount(5);
    }

    [Fact]
    public void A_generator_that_throws_while_binding_is_reported_at_the_field()
    {
        var strict = ValueGenerator.Create("strict", ValueKind.String, ["pattern"], p => throw new ArgumentException($"pattern '{p.GetString("pattern")}' is not supported"));
        var error = Invalid(
            """
            models:
              m:
                count: 1
                fields:
                  x: { type: strict, pattern: "[" }
            """,
            strict).Should().ContainSingle().Which;

        (error.Line, error.Column).Should().Be((5, 10));
        error.Message.Should().Contain("'strict' cannot be built from these options: pattern '[' is not supported");
    }

    [Fact]
    public async Task A_value_of_another_kind_than_declared_or_a_null_fails_the_run_naming_the_field()
    {
        const string yaml = """
            models:
              m:
                count: 2
                fields:
                  x: liar
            """;
        var liar = ValueGenerator.Create("liar", ValueKind.Integer, _ => "text");
        var act = () => TestGeneration.RowsAsync(TestGeneration.Parse(yaml, new ManifestOptions { Environment = _ => null, Generators = [liar] }));
        (await act.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("test.yaml(5,").And.Contain("declares Integer values but returned String");

        var empty = ValueGenerator.Create("liar", ValueKind.Unknown, _ => null);
        act = () => TestGeneration.RowsAsync(TestGeneration.Parse(yaml, new ManifestOptions { Environment = _ => null, Generators = [empty] }));
        (await act.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("returned null");
    }

    [Fact]
    public void Names_that_clash_or_are_not_identifiers_are_refused_when_given()
    {
        var act = () => ValueGenerator.Create("my.sku", ValueKind.String, _ => "x");
        act.Should().Throw<ArgumentException>().WithMessage("*dotted name is a Bogus method*");

        act = () => ValueGenerator.Create("sku", ValueKind.String, ["nullRate"], _ => _ => "x");
        act.Should().Throw<ArgumentException>().WithMessage("*'nullRate' cannot be a parameter name*");

        var parse = () => TestGeneration.Parse("models: { m: { count: 1, fields: { x: int } } }", new ManifestOptions { Environment = _ => null, Generators = [ValueGenerator.Create("int", ValueKind.Integer, _ => 1L)] });
        parse.Should().Throw<ArgumentException>().WithMessage("*'int' is a built-in generator's name*");

        parse = () => TestGeneration.Parse("models: { m: { count: 1, fields: { x: badge } } }", new ManifestOptions { Environment = _ => null, Generators = [Badge, Badge] });
        parse.Should().Throw<ArgumentException>().WithMessage("*two generators are named 'badge'*");
    }

    private static IReadOnlyList<ManifestError> Invalid(string yaml, params ValueGenerator[] extra)
    {
        var act = () => TestGeneration.Parse(yaml, Options() with { Generators = [Sku, Badge, .. extra] });
        return act.Should().Throw<ManifestException>().Which.Errors;
    }
}
