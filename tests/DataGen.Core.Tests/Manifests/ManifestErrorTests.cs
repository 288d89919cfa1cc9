using DataGen;

namespace DataGen.Core.Tests.Manifests;

public sealed class ManifestErrorTests
{
    private static ManifestException Invalid(string yaml, ManifestOptions? options = null)
    {
        var act = () => TestGeneration.Parse(yaml, options);
        return act.Should().Throw<ManifestException>().Which;
    }

    private static ManifestError Single(string yaml) => Invalid(yaml).Errors.Should().ContainSingle().Which;

    [Fact]
    public void Unknown_generator_names_file_line_column_model_field_and_suggests()
    {
        var error = Single("""
            models:
              customers:
                count: 10
                fields:
                  id: uuid
                  name: nmae.firstName
            """);

        error.File.Should().Be("test.yaml");
        (error.Line, error.Column).Should().Be((6, 13));
        error.Model.Should().Be("customers");
        error.Field.Should().Be("name");
        error.Message.Should().Contain("'nmae' is not a Bogus data set").And.Contain("did you mean 'name.firstName'");
        error.ToString().Should().StartWith("test.yaml(6,13): error: model 'customers', field 'name': ");
    }

    [Fact]
    public void Unknown_builtin_generator_lists_the_builtins()
    {
        var error = Single("""
            models:
              m:
                count: 1
                fields:
                  n: { type: integer }
            """);

        error.Message.Should().Contain("unknown generator 'integer'").And.Contain("did you mean 'int'").And.Contain("sequence");
        (error.Line, error.Column).Should().Be((5, 18));
    }

    [Fact]
    public void Unknown_bogus_method_suggests_the_closest_one()
    {
        var error = Single("""
            models:
              m:
                count: 1
                fields:
                  n: name.frstName
            """);

        error.Message.Should().Contain("unknown Bogus method 'name.frstName'").And.Contain("did you mean 'name.firstName'");
    }

    [Fact]
    public void Wrong_argument_type_names_the_parameter_and_expected_type()
    {
        var error = Single("""
            models:
              m:
                count: 1
                fields:
                  amount: { type: finance.amount, args: { min: ten, max: 100 } }
            """);

        error.Message.Should().Contain("argument 'min' of 'finance.amount' must be a number, found 'ten'");
        (error.Line, error.Column).Should().Be((5, 52));
    }

    [Fact]
    public void Reference_to_missing_model_lists_the_models()
    {
        var error = Single("""
            models:
              customers:
                count: 1
                fields:
                  id: uuid
              orders:
                count: 1
                fields:
                  customer_id: { type: ref, ref: customer.id }
            """);

        error.Model.Should().Be("orders");
        error.Field.Should().Be("customer_id");
        error.Message.Should().Contain("unknown model 'customer'").And.Contain("did you mean 'customers'");
        (error.Line, error.Column).Should().Be((9, 38));
    }

    [Fact]
    public void Reference_to_missing_field_lists_the_fields()
    {
        var error = Single("""
            models:
              customers:
                count: 1
                fields:
                  id: uuid
              orders:
                count: 1
                fields:
                  customer_id: { type: ref, ref: customers.key }
            """);

        error.Message.Should().Contain("model 'customers' has no field 'key'").And.Contain("its fields: id");
    }

    [Fact]
    public void Reference_cycle_between_models_names_the_cycle()
    {
        var error = Single("""
            models:
              a:
                count: 1
                fields:
                  id: uuid
                  b_id: { type: ref, ref: b.id }
              b:
                count: 1
                fields:
                  id: uuid
                  a_id: { type: ref, ref: a.id }
            """);

        error.Message.Should().Contain("reference cycle between models: a → b → a");
    }

    [Fact]
    public void Template_cycle_between_fields_is_reported()
    {
        var error = Single("""
            models:
              m:
                count: 1
                fields:
                  a: { type: template, template: "{{b}}" }
                  b: { type: template, template: "x{{a}}" }
            """);

        error.Message.Should().Contain("fields depend on each other in a cycle: a → b → a");
    }

    [Fact]
    public void Count_that_is_not_a_number_is_reported_at_the_count()
    {
        var error = Single("""
            models:
              m:
                count: lots
                fields:
                  id: uuid
            """);

        error.Message.Should().Be("'count' must be a whole number ≥ 0, found 'lots'");
        (error.Line, error.Column, error.Model).Should().Be((3, 12, "m"));
    }

    [Fact]
    public void Unknown_variable_is_reported_with_how_to_supply_it()
    {
        var error = Single("""
            models:
              m:
                count: 1
                fields:
                  email: { type: template, template: "{{first}}@{{domian}}" }
                  first: name.firstName
            """);

        error.Message.Should().Contain("'{{domian}}'").And.Contain("neither a field");
    }

    [Fact]
    public void Declared_variable_without_value_says_how_to_pass_it()
    {
        var error = Single("""
            variables:
              size: null
            models:
              m:
                count: "{{size}}"
                fields:
                  id: uuid
            """);

        error.Message.Should().Contain("variable 'size' has no value: pass --var size=… or set DATAGEN_VAR_size");
    }

    [Fact]
    public void Variables_come_from_options_then_environment_then_defaults()
    {
        const string yaml = """
            variables:
              size: 3
            models:
              m:
                count: "{{size}}"
                fields:
                  id: uuid
            """;

        TestGeneration.Parse(yaml).Models.Should().Equal("m");
        var fromEnvironment = TestGeneration.Parse(yaml, new ManifestOptions { Environment = n => n == "DATAGEN_VAR_size" ? "5" : null });
        var fromOptions = TestGeneration.Parse(yaml, new ManifestOptions { Environment = _ => "5", Variables = new Dictionary<string, string> { ["size"] = "7" } });

        Count(TestGeneration.Parse(yaml)).Should().Be(3);
        Count(fromEnvironment).Should().Be(5);
        Count(fromOptions).Should().Be(7);

        static long Count(Manifest m) => TestGeneration.RowsAsync(m).GetAwaiter().GetResult()["m"].Count;
    }

    [Fact]
    public void Invalid_yaml_is_reported_at_its_position()
    {
        var error = Single("""
            models:
              m:
                count: 1
                fields: { id: uuid
            """);

        error.Message.Should().StartWith("invalid YAML:");
        error.Line.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Unknown_option_is_reported_with_a_suggestion()
    {
        var error = Single("""
            models:
              m:
                count: 1
                fields:
                  n: { type: int, mn: 1, max: 5 }
            """);

        error.Message.Should().Contain("unknown option 'mn' for generator 'int' (did you mean 'min'?)");
        (error.Line, error.Column).Should().Be((5, 23));
    }

    [Fact]
    public void Validation_reports_every_error_not_just_the_first()
    {
        var errors = Invalid("""
            seed: -1
            modles: {}
            models:
              m:
                count: x
                fields:
                  a: nope
                  b: { type: int, min: 10, max: 1 }
                  c: { type: ref, ref: missing.id }
            """).Errors;

        errors.Should().HaveCount(6);
        errors.Select(e => e.Line).Should().BeInAscendingOrder();
        errors.Select(e => e.Message).Should().Contain(m => m.Contains("unknown top-level key 'modles'") && m.Contains("did you mean 'models'"));
    }

    [Fact]
    public void Lookup_from_a_field_that_is_not_a_ref_is_reported()
    {
        var error = Single("""
            models:
              m:
                count: 1
                fields:
                  a: uuid
                  b: { type: lookup, from: a, field: a }
            """);

        error.Message.Should().Be("lookup 'from: a' must name a field of type 'ref'");
    }

    [Fact]
    public void A_self_reference_needs_a_key_computed_from_the_row()
    {
        var error = Single("""
            models:
              employees:
                count: 3
                fields:
                  id: { type: int, min: 1, max: 1000, unique: true }
                  manager_id: { type: ref, ref: employees.id }
            """);

        error.Message.Should().Contain("a reference to the model's own rows needs 'id' to be a sequence or uuid");
        error.Field.Should().Be("manager_id");
    }

    [Fact]
    public void Unique_on_a_nested_field_is_rejected()
    {
        var error = Single("""
            models:
              m:
                count: 1
                fields:
                  o:
                    type: object
                    fields:
                      x: { type: int, unique: true }
            """);

        error.Message.Should().Contain("'unique' is supported on a model's top-level fields");
        error.Field.Should().Be("o.x");
    }

    [Fact]
    public void Unknown_locale_is_reported()
    {
        var error = Single("""
            locale: xx
            models:
              m:
                count: 1
                fields:
                  id: uuid
            """);

        error.Message.Should().StartWith("unknown locale 'xx'");
    }

    [Fact]
    public async Task Missing_file_is_a_manifest_error_naming_the_file()
    {
        var act = () => DataGen.Manifest.LoadAsync("/nonexistent/retail.yaml", cancellationToken: TestContext.Current.CancellationToken);
        var error = (await act.Should().ThrowAsync<ManifestException>()).Which.Errors.Single();
        error.File.Should().Be("/nonexistent/retail.yaml");
        error.Message.Should().StartWith("cannot read the manifest");
    }

    [Fact]
    public void Json_manifests_are_accepted()
    {
        var manifest = TestGeneration.Parse("""
            { "seed": 3, "models": { "m": { "count": 2, "fields": { "id": "uuid", "n": { "type": "int", "min": 1, "max": 2 } } } } }
            """);

        manifest.Seed.Should().Be(3);
        manifest.Models.Should().Equal("m");
    }
}
