using System.Text.RegularExpressions;

namespace DataGen.Core.Tests.Generators;

public sealed class GeneratorTests
{
    private static async Task<List<Dictionary<string, object?>>> Rows(string fields, int count = 2000, string extra = "")
    {
        var yaml = $"""
            seed: 5
            referenceDate: 2025-06-15T12:00:00Z
            {extra}
            models:
              m:
                count: {count}
                fields:
            {Indent(fields, 6)}
            """;
        return (await TestGeneration.RecordsAsync(TestGeneration.Parse(yaml)))["m"];
    }

    private static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n').Select(l => new string(' ', spaces) + l));

    [Fact]
    public async Task Masks_fill_digits_and_letters()
    {
        var rows = await Rows("""
            phone: { type: mask, mask: "07#########" }
            citizen: { type: mask, mask: "@@###@@@#@###@" }
            escaped: { type: mask, mask: "\\#?*" }
            """);

        rows.Should().AllSatisfy(r =>
        {
            ((string)r["phone"]!).Should().MatchRegex("^07[0-9]{9}$");
            ((string)r["citizen"]!).Should().MatchRegex("^[A-Z]{2}[0-9]{3}[A-Z]{3}[0-9][A-Z][0-9]{3}[A-Z]$");
            ((string)r["escaped"]!).Should().MatchRegex("^#[a-z][A-Za-z0-9]$");
        });
        rows.Select(r => r["phone"]).Distinct().Should().HaveCountGreaterThan(1990);
    }

    [Fact]
    public async Task Uniform_ints_cover_the_range_inclusively()
    {
        var values = (await Rows("n: { type: int, min: -3, max: 3 }")).Select(r => (long)r["n"]!).ToList();
        values.Should().OnlyContain(v => v >= -3 && v <= 3);
        values.Distinct().Should().HaveCount(7);
        values.GroupBy(v => v).Should().OnlyContain(g => g.Count() > 2000 / 7 * 0.8);
    }

    [Fact]
    public async Task Normal_decimals_have_the_requested_mean_and_deviation()
    {
        var values = (await Rows("x: { type: decimal, min: 0, max: 1000, scale: 2, distribution: normal, mean: 500, stddev: 50 }", 20000))
            .Select(r => (decimal)r["x"]!).ToList();
        var mean = values.Average();
        var sd = Math.Sqrt(values.Select(v => Math.Pow((double)(v - mean), 2)).Average());

        mean.Should().BeApproximately(500m, 2m);
        sd.Should().BeApproximately(50, 2);
        values.Should().OnlyContain(v => decimal.Round(v, 2) == v && v >= 0 && v <= 1000);
    }

    [Fact]
    public async Task Booleans_follow_their_probability()
    {
        var rows = await Rows("b: { type: bool, probability: 0.2 }", 20000);
        rows.Count(r => (bool)r["b"]!).Should().BeInRange(3700, 4300);
    }

    [Fact]
    public async Task Null_rate_applies_to_any_field()
    {
        var rows = await Rows("""
            a: { type: name.firstName, nullRate: 0.3 }
            b: { type: int, nullRate: 30% }
            """, 20000);
        rows.Count(r => r["a"] is null).Should().BeInRange(5600, 6400);
        rows.Count(r => r["b"] is null).Should().BeInRange(5600, 6400);
    }

    [Fact]
    public async Task Weighted_choice_follows_the_weights()
    {
        var rows = await Rows("tier: { type: choice, values: { gold: 1, silver: 3, bronze: 6 } }", 20000);
        var counts = rows.GroupBy(r => (string)r["tier"]!).ToDictionary(g => g.Key, g => g.Count());
        counts["gold"].Should().BeInRange(1800, 2200);
        counts["silver"].Should().BeInRange(5600, 6400);
        counts["bronze"].Should().BeInRange(11500, 12500);
    }

    [Fact]
    public async Task Choice_values_keep_their_yaml_types()
    {
        var rows = await Rows("""v: { type: choice, values: [1, 2.5, "3", true] }""", 200);
        rows.Select(r => r["v"]).Should().Contain(1L).And.Contain(2.5m).And.Contain("3").And.Contain(true);
    }

    [Fact]
    public async Task Dates_are_relative_to_the_reference_date_not_the_clock()
    {
        var rows = await Rows("""
            birth: { type: date, min: -80y, max: -18y }
            at: { type: datetime, min: 2025-06-01, max: 0 }
            t: { type: time, min: "09:00", max: "17:30" }
            """);

        rows.Should().AllSatisfy(r =>
        {
            ((DateOnly)r["birth"]!).Should().BeOnOrAfter(new DateOnly(1945, 6, 15)).And.BeOnOrBefore(new DateOnly(2007, 6, 15));
            ((DateTime)r["at"]!).Should().BeOnOrAfter(new DateTime(2025, 6, 1)).And.BeOnOrBefore(new DateTime(2025, 6, 15, 12, 0, 0));
            ((TimeOnly)r["t"]!).Should().BeOnOrAfter(new TimeOnly(9, 0)).And.BeOnOrBefore(new TimeOnly(17, 30));
        });
    }

    [Fact]
    public async Task Sequences_count_rows_and_uuids_are_version_4()
    {
        var rows = await Rows("""
            id: { type: sequence, start: 10, step: 5 }
            uuid: uuid
            """, 100);

        rows.Select(r => (long)r["id"]!).Should().Equal(Enumerable.Range(0, 100).Select(i => 10L + (5 * i)));
        rows.Select(r => (Guid)r["uuid"]!).Should().OnlyHaveUniqueItems().And.OnlyContain(g => g.Version == 4);
    }

    [Fact]
    public async Task Templates_combine_fields_in_any_declaration_order()
    {
        var rows = await Rows("""
            email: { type: template, template: "{{first}}.{{last}}@{{domain}}", lowercase: true }
            first: name.firstName
            last: name.lastName
            """, 50, "variables:\n  domain: Example.COM");

        rows.Should().AllSatisfy(r => r["email"].Should().Be($"{r["first"]}.{r["last"]}@example.com".ToLowerInvariant()));
    }

    [Fact]
    public async Task Unique_fields_never_repeat_even_from_a_small_domain()
    {
        var rows = await Rows("code: { type: int, min: 1, max: 1000, unique: true }", 900);
        rows.Select(r => r["code"]).Should().OnlyHaveUniqueItems().And.HaveCount(900);
    }

    [Fact]
    public async Task Unique_field_that_cannot_be_satisfied_fails_naming_model_and_field()
    {
        var act = () => Rows("code: { type: int, min: 1, max: 5, unique: true }", 10);
        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Model.Should().Be("m");
        error.Field.Should().Be("code");
        error.Message.Should().Contain("no unique value after 1000 attempts");
    }

    [Fact]
    public async Task Not_equal_draws_again_until_the_value_differs_from_the_other_field_the_same_way_every_run()
    {
        const string fields = """
            b: { type: int, min: 1, max: 3, notEqual: a }
            a: { type: int, min: 1, max: 3 }
            c: { type: int, min: 1, max: 3 }
            """;

        var rows = await Rows(fields, 3000);

        rows.Should().OnlyContain(r => !Equals(r["a"], r["b"]), "declared before the field it names, it is still generated after it");
        rows.Count(r => Equals(r["a"], r["c"])).Should().BeInRange(850, 1150, "without notEqual a third of the rows match");
        rows.Select(r => r["b"]).Distinct().Should().HaveCount(3);
        (await Rows(fields, 3000)).Select(r => r["b"]).Should().Equal(rows.Select(r => r["b"]), "the redraws are keyed by the row and attempt");
    }

    [Fact]
    public async Task Not_equal_that_cannot_be_met_fails_naming_model_field_and_the_other_field()
    {
        var act = () => Rows("a: { type: constant, value: 7 }\nb: { type: constant, value: 7, notEqual: a }", 10);

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Field.Should().Be("b");
        error.Message.Should().Contain("no value different from field 'a' ('7') after 100 attempts");
    }

    [Theory]
    [InlineData("a: int\nb: { type: int, notEqual: x }", "'notEqual' names 'x', which is not another field of this object")]
    [InlineData("a: int\nb: { type: int, notEqual: b }", "'notEqual' names 'b', which is not another field of this object (did you mean 'a'?)")]
    [InlineData("a: int\nb: { type: sequence, notEqual: a }", "this generator's value is fixed by the row's position")]
    public void Not_equal_on_a_missing_field_or_a_positional_generator_is_a_located_error(string fields, string message)
    {
        var act = () => TestGeneration.Parse($"models:\n  m:\n    count: 5\n    fields:\n{Indent(fields, 6)}");

        act.Should().Throw<ManifestException>().Which.Message.Should().Contain(message).And.MatchRegex(@"\(\d+,\d+\)");
    }

    [Fact]
    public async Task Bogus_methods_take_positional_and_named_arguments_and_row_templates()
    {
        var rows = await Rows("""
            first: name.firstName
            amount: { type: finance.amount, args: [10, 20, 1] }
            words: { type: lorem.words, args: { num: 4 } }
            email: { type: internet.email, args: ["{{first}}", "Smith", "corp.test"] }
            past: { type: date.past, args: [2] }
            """, 300);

        rows.Should().AllSatisfy(r =>
        {
            ((decimal)r["amount"]!).Should().BeInRange(10m, 20m);
            ((string[])r["words"]!).Should().HaveCount(4);
            ((string)r["email"]!).Should().EndWith("@corp.test");
            ((DateTime)r["past"]!).Should().BeOnOrAfter(new DateTime(2023, 6, 15)).And.BeOnOrBefore(new DateTime(2025, 6, 15, 12, 0, 0));
        });
    }

    [Fact]
    public async Task Native_bogus_paths_use_bogus_locale_data()
    {
        var rows = await Rows("""
            first: name.firstName
            city: address.city
            phone: phone.phoneNumber
            email: { type: internet.email, args: ["{{first}}", "Müller"] }
            """, 500, "locale: de");

        var germanFirstNames = Bogus.Database.Get("name", "first_name", "de") as Bogus.Bson.BArray;
        var names = Enumerable.Range(0, germanFirstNames!.Count).Select(i => germanFirstNames[i].StringValue).ToHashSet();
        var male = Bogus.Database.Get("name", "male_first_name", "de") as Bogus.Bson.BArray;
        var female = Bogus.Database.Get("name", "female_first_name", "de") as Bogus.Bson.BArray;
        foreach (var list in new[] { male, female }.Where(l => l is not null))
        {
            names.UnionWith(Enumerable.Range(0, list!.Count).Select(i => list[i].StringValue));
        }

        rows.Should().AllSatisfy(r =>
        {
            names.Should().Contain((string)r["first"]!);
            ((string)r["phone"]!).Should().NotContain("#");
            ((string)r["city"]!).Should().NotContain("#{");
            ((string)r["email"]!).Should().MatchRegex("^[A-Za-z0-9._-]+@[a-z0-9.-]+$").And.NotContain("Mller");
        });
        rows.Count(r => ((string)r["email"]!).Contains("Muller", StringComparison.Ordinal)).Should().BeGreaterThan(250, "two of Bogus's three user-name patterns use the last name, folded to ASCII");
    }

    [Fact]
    public async Task Nested_objects_and_arrays_nest_to_any_depth()
    {
        var rows = await Rows("""
            id: sequence
            outer:
              type: object
              fields:
                tag: { type: template, template: "row-{{id}}" }
                lists:
                  type: array
                  count: [2, 3]
                  items:
                    type: array
                    count: 2
                    items:
                      type: object
                      fields:
                        n: sequence
                        label: { type: template, template: "{{tag}}/{{n}}" }
            """, 20);

        foreach (var row in rows)
        {
            var outer = (IReadOnlyDictionary<string, object?>)row["outer"]!;
            outer["tag"].Should().Be($"row-{row["id"]}");
            var lists = (object?[])outer["lists"]!;
            lists.Length.Should().BeInRange(2, 3);
            foreach (var inner in lists.Cast<object?[]>())
            {
                inner.Should().HaveCount(2);
                inner.Cast<IReadOnlyDictionary<string, object?>>().Select(o => o["n"]).Should().Equal(1L, 2L);
                inner.Cast<IReadOnlyDictionary<string, object?>>().Select(o => o["label"]).Should().Equal($"row-{row["id"]}/1", $"row-{row["id"]}/2");
            }
        }
    }

    [Fact]
    public async Task References_point_at_existing_keys_and_lookups_copy_the_referenced_row()
    {
        var data = await TestGeneration.RecordsAsync(TestGeneration.Parse("""
            models:
              customers:
                count: 50
                key: id
                fields:
                  id: uuid
                  email: internet.email
              products:
                count: 100
                key: sku
                fields:
                  sku: { type: mask, mask: "P-#####", unique: true }
                  price: { type: decimal, min: 1, max: 10 }
              orders:
                count: { per: customers, min: 1, max: 5 }
                fields:
                  customer_id: { type: ref, ref: customers.id }
                  customer_email: { type: lookup, from: customer_id, field: email }
                  lines:
                    type: array
                    count: [1, 3]
                    items:
                      type: object
                      fields:
                        sku: { type: ref, ref: products.sku, distribution: skewed, skew: 3 }
                        price: { type: lookup, from: sku, field: price }
            """));

        var customers = data["customers"].ToDictionary(c => (Guid)c["id"]!);
        var products = data["products"].ToDictionary(p => (string)p["sku"]!);
        var orders = data["orders"];

        orders.Should().AllSatisfy(o => o["customer_email"].Should().Be(customers[(Guid)o["customer_id"]!]["email"]));
        var perCustomer = orders.GroupBy(o => (Guid)o["customer_id"]!).ToDictionary(g => g.Key, g => g.Count());
        perCustomer.Keys.Should().BeEquivalentTo(customers.Keys, "every customer gets 1–5 orders of its own");
        perCustomer.Values.Should().OnlyContain(n => n >= 1 && n <= 5);
        var position = data["customers"].Select((c, i) => ((Guid)c["id"]!, i)).ToDictionary(x => x.Item1, x => x.i);
        orders.Select(o => position[(Guid)o["customer_id"]!]).Should().BeInAscendingOrder("children follow their parent's order");

        var lines = orders.SelectMany(o => ((object?[])o["lines"]!).Cast<IReadOnlyDictionary<string, object?>>()).ToList();
        lines.Should().AllSatisfy(l => l["price"].Should().Be(products[(string)l["sku"]!]["price"]));
        var firstTenth = data["products"].Take(10).Select(p => p["sku"]).ToHashSet();
        lines.Count(l => firstTenth.Contains(l["sku"])).Should().BeGreaterThan(lines.Count * 4 / 10, "skew 3 sends ~46% of picks to the first 10% of rows");
    }

    [Fact]
    public async Task Scale_multiplies_root_counts_and_per_parent_counts_follow()
    {
        const string yaml = """
            models:
              a:
                count: 100
                fields: { id: uuid }
              b:
                count: { per: a, min: 2, max: 2 }
                fields: { a_id: { type: ref, ref: a.id } }
              c:
                count: [10, 20]
                fields: { x: int }
            """;
        var scaled = await TestGeneration.RowsAsync(TestGeneration.Parse(yaml, new ManifestOptions { Scale = 2.5, Environment = _ => null }));
        var plain = await TestGeneration.RowsAsync(TestGeneration.Parse(yaml));

        scaled["a"].Should().HaveCount(250);
        scaled["b"].Should().HaveCount(500);
        plain["c"].Count.Should().BeInRange(10, 20);
        scaled["c"].Count.Should().Be((int)Math.Round(plain["c"].Count * 2.5, MidpointRounding.ToEven));
    }

    [Fact]
    public void Masks_regex_sanity() => Regex.IsMatch("07123456789", "^07[0-9]{9}$").Should().BeTrue();
}
