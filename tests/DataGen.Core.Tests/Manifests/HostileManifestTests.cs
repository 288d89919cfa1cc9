using DataGen.Outputs;

namespace DataGen.Core.Tests.Manifests;

/// <summary>Regression tests, one per reproducer of the hardening issue's fuzzing: each is a located error, not a crash.</summary>
public sealed class HostileManifestTests
{
    private static ManifestError Single(string yaml)
    {
        var act = () => TestGeneration.Parse(yaml);
        return act.Should().Throw<ManifestException>().Which.Errors.Should().ContainSingle().Which;
    }

    [Fact]
    public void An_unterminated_flow_sequence_at_the_end_is_a_located_yaml_error()
    {
        var error = Single("a: [\n0");

        error.Message.Should().StartWith("invalid YAML");
        error.Line.Should().Be(2);
    }

    [Fact]
    public void A_nul_in_a_comment_is_a_located_yaml_error()
    {
        var act = () => TestGeneration.Parse("models:\n  m: # a\0b\n    count: 1\n    fields: { id: uuid }\n");

        act.Should().Throw<ManifestException>().Which.Errors.Should().OnlyContain(e => e.Line > 0 && e.Message.StartsWith("invalid YAML", StringComparison.Ordinal));
    }

    [Fact]
    public void A_decimal_bound_beyond_what_the_generator_holds_is_located_at_the_field()
    {
        var error = Single("models:\n  m:\n    count: 1\n    fields: { d: { type: decimal, min: 0, max: 1e20 } }\n");

        error.Model.Should().Be("m");
        error.Field.Should().Be("d");
        error.Line.Should().Be(4);
        error.Message.Should().Contain("'decimal' cannot be built from these options");
    }

    [Fact]
    public void An_empty_simulation_name_is_located()
    {
        var act = () => TestGeneration.Parse(File.ReadAllText(Path.Combine(TestGeneration.RepositoryRoot, "samples", "manifests", "banking.yaml")).Replace("  name: banking\n", "  name: \"\"\n", StringComparison.Ordinal));

        act.Should().Throw<ManifestException>().Which.Errors.Should().Contain(e => e.Message.Contains("'name' must not be empty") && e.Line > 0);
    }

    [Fact]
    public async Task Per_parent_counts_past_the_largest_row_count_fail_naming_the_model()
    {
        // With the work estimate raised out of the way, the counting itself still stops at the overflow.
        var manifest = TestGeneration.Parse(
            "models:\n  p: { count: 3, fields: { id: uuid } }\n  c:\n    count: { per: p, min: 9223372036854775000, max: 9223372036854775807 }\n    fields: { id: uuid }\n",
            new ManifestOptions { MaxValues = double.PositiveInfinity, Environment = _ => null });

        var act = () => DataGenerator.GenerateAsync(manifest, new MemoryOutput(), cancellationToken: TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<GenerationException>()).Which.Model.Should().Be("c");
    }

    [Fact]
    public void A_value_for_an_undeclared_variable_is_an_error_with_a_suggestion()
    {
        var act = () => TestGeneration.Parse(
            "variables:\n  email_domain: example.com\nmodels:\n  m: { count: 1, fields: { e: { type: template, template: \"a@{{email_domain}}\" } } }\n",
            new ManifestOptions { Variables = new Dictionary<string, string> { ["email_domian"] = "corp.test" }, Environment = _ => null });

        var error = act.Should().Throw<ManifestException>().Which.Errors.Should().ContainSingle().Which;
        error.Message.Should().Be("variable 'email_domian' has a value (--var, ManifestOptions.Variables or an attribute) but is not declared under 'variables:' (did you mean 'email_domain'?); declared: email_domain");
        error.Line.Should().Be(1);
    }

    [Fact]
    public void Environment_values_for_other_manifests_are_not_errors()
    {
        var manifest = TestGeneration.Parse("models:\n  m: { count: 1, fields: { id: uuid } }\n", new ManifestOptions { Environment = name => name == "DATAGEN_VAR_other" ? "x" : null });

        manifest.Models.Should().Equal("m");
    }

    [Fact]
    public void A_transition_probability_without_its_unit_is_an_error()
    {
        var banking = File.ReadAllText(Path.Combine(TestGeneration.RepositoryRoot, "samples", "manifests", "banking.yaml"));
        banking.Should().Contain("probability: 10% }");
        var act = () => TestGeneration.Parse(banking.Replace("probability: 10% }", "probability: 10 }", StringComparison.Ordinal));

        act.Should().Throw<ManifestException>().Which.Errors.Should().ContainSingle(e => e.Message.Contains("a percentage per tick with its unit, such as 0.5%") && e.Line > 0);
    }

    [Fact]
    public void Nested_brackets_deep_enough_to_overflow_the_parser_are_refused_where_they_go_too_deep()
    {
        var error = Single("models: " + new string('[', 100_000) + new string(']', 100_000) + "\n");

        error.Message.Should().Contain("more than 64 levels deep");
        $"{error.Line},{error.Column}".Should().Be("1,73");
    }

    [Fact]
    public void Block_nesting_beyond_the_limit_is_refused()
    {
        var text = string.Concat(Enumerable.Range(0, 500).Select(i => new string(' ', i) + $"k{i}:\n"));

        Single(text).Message.Should().Contain("nests mappings and sequences more than 64 levels deep");
    }

    [Fact]
    public void Arrays_nested_a_thousand_deep_are_refused_before_generation()
    {
        var items = string.Concat(Enumerable.Repeat("{ type: array, count: [1, 2], items: ", 1000)) + "uuid" + string.Concat(Enumerable.Repeat(" }", 1000));

        Single($"models:\n  m:\n    count: 1\n    fields:\n      a: {items}\n").Message.Should().Contain("levels deep");
    }

    [Fact]
    public void An_alias_bomb_is_refused_without_expanding_it()
    {
        var lines = new List<string> { "models:", "  m:", "    count: 1", "    fields:", "      a0: { type: choice, values: &a0 [x, x, x, x, x, x, x, x, x, x] }" };
        for (var i = 1; i < 9; i++)
        {
            lines.Add($"      a{i}: {{ type: choice, values: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}] }}");
        }

        var error = Single(string.Join('\n', lines) + "\n");

        error.Message.Should().Contain("expands to more than 1,000,000 YAML nodes through its anchors and aliases");
    }

    [Fact]
    public void Anchors_used_a_few_times_are_fine()
    {
        var manifest = TestGeneration.Parse("""
            models:
              a: { count: 2, fields: { id: uuid, tier: { type: choice, values: &tiers [gold, silver] } } }
              b: { count: 2, fields: { id: uuid, tier: { type: choice, values: *tiers } } }
            """);

        manifest.Models.Should().Equal("a", "b");
    }

    [Fact]
    public void The_nesting_limit_can_be_raised()
    {
        var yaml = "models: " + new string('[', 70) + new string(']', 70) + "\n";

        var act = () => TestGeneration.Parse(yaml, new ManifestOptions { MaxNesting = 100, Environment = _ => null });

        act.Should().Throw<ManifestException>().Which.Errors.Should().NotContain(e => e.Message.Contains("levels deep"));
    }

    [Fact]
    public void Fifty_nested_arrays_are_refused_before_they_multiply()
    {
        var items = string.Concat(Enumerable.Repeat("{ type: array, count: [1, 2], items: ", 50)) + "uuid" + string.Concat(Enumerable.Repeat(" }", 50));

        var error = Single($"models:\n  m:\n    count: 1\n    fields:\n      a: {items}\n");

        error.Message.Should().Contain("values a row").And.Contain("at most 10,000,000");
        error.Model.Should().Be("m");
    }

    [Fact]
    public void A_run_estimated_past_the_work_limit_is_refused_at_the_count_that_crosses_it()
    {
        var error = Single("models:\n  p: { count: 1000000000, fields: { id: uuid } }\n  c:\n    count: { per: p, min: 0, max: 1000000000 }\n    fields: { id: uuid, n: { type: int, min: 1, max: 9 } }\n");

        error.Model.Should().Be("c");
        $"{error.Line},{error.Column}".Should().Be("4,12");
        error.Message.Should().Contain("could generate up to 2E+18 values").And.Contain("ManifestOptions.MaxValues, datagen --max-values");
    }

    [Fact]
    public void The_work_limit_can_be_raised()
    {
        var manifest = TestGeneration.Parse("models:\n  p: { count: 1000000000000, fields: { id: uuid } }\n", new ManifestOptions { MaxValues = 1e13, Environment = _ => null });

        manifest.Models.Should().Equal("p");
    }
}
