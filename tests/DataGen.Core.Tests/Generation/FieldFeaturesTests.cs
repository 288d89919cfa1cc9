namespace DataGen.Core.Tests.Generation;

/// <summary>Expressions over the row, hierarchies, composite unique keys and maxLength.</summary>
public sealed class FieldFeaturesTests
{
    [Fact]
    public async Task An_expression_reads_other_fields_and_a_condition_leaves_other_rows_null()
    {
        var manifest = TestGeneration.Parse("""
            models:
              rentals:
                count: 500
                fields:
                  return_date: { type: expr, expr: "rental_date + days(int(1, 10))" }
                  rental_date: { type: datetime, min: 2024-01-01, max: 2024-12-31 }
                  method: { type: choice, values: [card, cash] }
                  card_last4: { type: expr, expr: "'*' + int(1000, 9999)", when: "method == 'card'" }
                  total: { type: expr, expr: "round(price * qty, 2)" }
                  price: { type: decimal, min: 1, max: 20 }
                  qty: { type: int, min: 1, max: 5 }
            """);

        var rows = (await TestGeneration.RecordsAsync(manifest))["rentals"];

        rows.Should().OnlyContain(r => ((DateTime)r["return_date"]! - (DateTime)r["rental_date"]!).TotalDays >= 1 && ((DateTime)r["return_date"]! - (DateTime)r["rental_date"]!).TotalDays <= 10);
        rows.Should().OnlyContain(r => (r["method"] as string == "card") == (r["card_last4"] is string));
        rows.Should().OnlyContain(r => (decimal)r["total"]! == Math.Round((decimal)r["price"]! * (long)r["qty"]!, 2));
    }

    [Theory]
    [InlineData("{ type: expr, expr: \"rental_dat + 1\" }", "unknown name 'rental_dat' (names are fields of this object or an enclosing one)")]
    [InlineData("{ type: expr, expr: \"days(\" }", "expected a value")]
    [InlineData("{ type: expr, expr: \"1\", when: \"nope(1)\" }", "unknown function 'nope'")]
    public void Expression_mistakes_are_located(string field, string message)
    {
        var act = () => TestGeneration.Parse($"models:\n  m:\n    count: 1\n    fields:\n      rental_date: datetime\n      x: {field}\n");

        var error = act.Should().Throw<ManifestException>().Which.Errors.Should().ContainSingle().Which;
        error.Message.Should().Contain(message);
        error.Line.Should().Be(6);
        error.Field.Should().Be("x");
    }

    [Theory]
    [InlineData("sequence")]
    [InlineData("uuid")]
    public async Task A_hierarchy_points_each_row_at_an_earlier_one(string key)
    {
        var manifest = TestGeneration.Parse($$"""
            models:
              categories:
                count: 2000
                fields:
                  id: {{key}}
                  parent: { type: ref, ref: categories.id, roots: 20% }
            """);

        var rows = (await TestGeneration.RowsAsync(manifest))["categories"];

        var position = rows.Select((r, i) => (r[0], i)).ToDictionary(x => x.Item1!, x => x.i);
        rows.Select((r, i) => (Parent: r[1], Row: i)).Where(x => x.Parent is not null).Should().OnlyContain(x => position[x.Parent!] < x.Row);
        rows.Count(r => r[1] is null).Should().BeInRange(300, 500, "about 20 % are roots");
        rows[0][1].Should().BeNull("the first row has nobody before it");
    }

    [Theory]
    [InlineData(1000, 4)]
    [InlineData(30, 10)]
    public async Task Max_depth_bounds_the_levels_of_a_hierarchy(int rows, int depth)
    {
        var manifest = TestGeneration.Parse($"models:\n  org:\n    count: {rows}\n    fields:\n      id: sequence\n      manager: {{ type: ref, ref: org.id, maxDepth: {depth} }}\n");

        var generated = (await TestGeneration.RowsAsync(manifest))["org"];

        var parent = generated.ToDictionary(r => (long)r[0]!, r => (long?)r[1]);
        int Depth(long id) => parent[id] is { } p ? 1 + Depth(p) : 0;
        parent.Should().OnlyContain(kv => kv.Value == null || kv.Value < kv.Key, "parents come first");
        generated.Select(r => Depth((long)r[0]!)).Max().Should().Be(depth - 1, "a row of band b has its parent in band b − 1, so the last band is exactly that deep");
    }

    [Fact]
    public async Task A_hierarchy_without_roots_points_the_first_row_at_itself()
    {
        var rows = (await TestGeneration.RowsAsync(TestGeneration.Parse("models:\n  m:\n    count: 50\n    fields:\n      id: sequence\n      boss: { type: ref, ref: m.id, roots: 0% }\n")))["m"];

        rows.Should().OnlyContain(r => r[1] != null);
        rows[0][1].Should().Be(1L);
    }

    [Fact]
    public async Task A_composite_unique_key_never_repeats_a_pair()
    {
        var manifest = TestGeneration.Parse("""
            models:
              actors: { count: 20, fields: { id: sequence } }
              films: { count: 20, fields: { id: sequence } }
              film_actor:
                count: 300
                unique: [actor_id, film_id]
                fields:
                  actor_id: { type: ref, ref: actors.id }
                  film_id: { type: ref, ref: films.id }
            """);

        var rows = (await TestGeneration.RowsAsync(manifest))["film_actor"];

        rows.Select(r => (r[0], r[1])).Should().OnlyHaveUniqueItems().And.HaveCount(300);
    }

    [Fact]
    public async Task A_composite_key_with_too_few_combinations_fails_naming_them()
    {
        var manifest = TestGeneration.Parse("""
            models:
              m:
                count: 10
                unique: [[a, b]]
                fields:
                  a: { type: choice, values: [x, y] }
                  b: { type: choice, values: [1, 2] }
            """);

        var act = () => TestGeneration.RowsAsync(manifest);

        (await act.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("no unique combination of a, b");
    }

    [Fact]
    public void A_unique_key_naming_an_unknown_field_is_located()
    {
        var act = () => TestGeneration.Parse("models:\n  m:\n    count: 1\n    unique: [a, bb]\n    fields: { a: uuid, b: uuid }\n");

        var error = act.Should().Throw<ManifestException>().Which.Errors.Should().ContainSingle().Which;
        error.Message.Should().Be("unique field 'bb' is not a field of model 'm' (did you mean 'b'?)");
        $"{error.Line},{error.Column}".Should().Be("4,17");
    }

    [Fact]
    public async Task Max_length_cuts_text_and_leaves_other_values()
    {
        var manifest = TestGeneration.Parse("models:\n  m:\n    count: 200\n    fields:\n      s: { type: lorem.sentence, maxLength: 5 }\n      n: { type: int, maxLength: 1 }\n");

        var rows = (await TestGeneration.RowsAsync(manifest))["m"];

        rows.Should().OnlyContain(r => ((string)r[0]!).Length <= 5);
        rows.Should().Contain(r => (long)r[1]! >= 10, "numbers are not cut");
    }
}
