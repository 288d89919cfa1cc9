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
        var manifest = TestGeneration.Parse("models:\n  p: { count: 3, fields: { id: uuid } }\n  c:\n    count: { per: p, min: 9223372036854775000, max: 9223372036854775807 }\n    fields: { id: uuid }\n");

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
}
