using DataGen.Outputs;

namespace DataGen.Core.Tests;

/// <summary>
/// What an appending run does with what its tables held (issue 25), through an output that answers the starting reads
/// from memory: keys continue, unique values avoid the held ones, existing refs reach held rows, the same starting data
/// gives the same rows; an output that cannot read tables fails an existing ref, naming it.
/// </summary>
public sealed class AppendTests
{
    private const string Yaml = """
        seed: 5
        models:
          customers:
            mode: append
            count: 5
            key: id
            fields:
              id: sequence
              code: { type: mask, mask: "##", unique: true }
          orders:
            mode: append
            count: 40
            key: id
            fields:
              id: sequence
              customer_id: { type: ref, ref: customers.id, existing: true }
        """;

    /// <summary>
    /// Answers every starting read from <paramref name="held"/> (model → its rows, column → value) as a SQL store would:
    /// the largest value of each sequence column, each asked column's values and each column set's rows, sorted.
    /// </summary>
    private sealed class HeldOutput(MemoryOutput inner, IReadOnlyDictionary<string, List<Dictionary<string, object?>>> held) : IDataOutput
    {
        public ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default)
        {
            foreach (var model in models)
            {
                if (model.Starting is { } read)
                {
                    var rows = held.GetValueOrDefault(model.Name) ?? [];
                    read.Answer(
                        rows.Count,
                        read.Highest.Where(c => rows.Any(r => r[c] is not null)).ToDictionary(c => c, c => rows.Max(r => Convert.ToInt64(r[c], System.Globalization.CultureInfo.InvariantCulture))),
                        read.Values.ToDictionary(c => c, c => (IReadOnlyList<object>)rows.Select(r => r[c]).OfType<object>().Order().ToList()),
                        read.Tuples.Select(t => (IReadOnlyList<object?[]>)rows.Where(r => r[t[0]] is not null).Select(r => t.Select(c => r[c]).ToArray()).OrderBy(r => string.Join("|", r)).ToList()).ToList());
                }
            }

            return ((IDataOutput)inner).PrepareAsync(models, cancellationToken);
        }

        public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default) => inner.OpenModelAsync(model, cancellationToken);

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private static async Task<Dictionary<string, List<object?[]>>> RunAsync(IReadOnlyDictionary<string, List<Dictionary<string, object?>>> held, string yaml = Yaml)
    {
        var memory = new MemoryOutput();
        await DataGenerator.GenerateAsync(TestGeneration.Parse(yaml), new HeldOutput(memory, held), cancellationToken: TestContext.Current.CancellationToken);
        return memory.Rows.ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    /// <summary>A run's rows as a table holds them: each row by the model's field names.</summary>
    private static List<Dictionary<string, object?>> Held(List<object?[]> rows, params string[] names) =>
        rows.Select(r => names.Select((n, i) => (n, r[i])).ToDictionary(x => x.n, x => x.Item2)).ToList();

    [Fact]
    public async Task Keys_continue_unique_values_avoid_held_ones_and_existing_refs_reach_held_rows()
    {
        var first = await RunAsync(new Dictionary<string, List<Dictionary<string, object?>>>());
        var codes = first["customers"].Select(r => r[1]!).ToList();
        var held = new Dictionary<string, List<Dictionary<string, object?>>>
        {
            ["customers"] = Held(first["customers"], "id", "code"),
            ["orders"] = Held(first["orders"], "id", "customer_id"),
        };

        var next = await RunAsync(held);
        var again = await RunAsync(held);

        next["customers"].Select(r => r[0]).Should().Equal(6L, 7L, 8L, 9L, 10L);
        next["orders"].Select(r => (long)r[0]!).Should().StartWith(41L);
        next["customers"].Select(r => r[1]).Should().NotIntersectWith(codes, "a unique value the table holds is not made again (the first run's codes would repeat without it)");
        next["orders"].Select(r => r[1]).Should().Contain(v => (long)v! <= 5, "existing refs reach the rows held before the run").And.Contain(v => (long)v! > 5);
        again["orders"].Select(r => r[1]).Should().Equal(next["orders"].Select(r => r[1]), "the same seed on the same starting data gives the same rows");
        next["orders"].Select(r => r[1]).Should().NotEqual(first["orders"].Select(r => r[1]));
    }

    [Fact]
    public async Task A_composite_unique_key_avoids_every_held_combination()
    {
        // A join table with few possible pairs (8 × 5 = 40): a second run's 15 pairs collide with the first's unless held ones count as taken.
        const string yaml = """
            seed: 5
            models:
              films: { mode: append, count: 8, key: id, fields: { id: sequence } }
              actors: { mode: append, count: 5, key: id, fields: { id: sequence } }
              film_actor:
                mode: append
                count: 15
                unique: [film_id, actor_id]
                fields:
                  film_id: { type: ref, ref: films.id, existing: true }
                  actor_id: { type: ref, ref: actors.id, existing: true }
            """;
        var first = await RunAsync(new Dictionary<string, List<Dictionary<string, object?>>>(), yaml);
        var held = new Dictionary<string, List<Dictionary<string, object?>>>
        {
            ["films"] = Held(first["films"], "id"),
            ["actors"] = Held(first["actors"], "id"),
            ["film_actor"] = Held(first["film_actor"], "film_id", "actor_id"),
        };

        var next = await RunAsync(held, yaml);

        var pairs = first["film_actor"].Concat(next["film_actor"]).Select(r => (r[0], r[1])).ToList();
        pairs.Should().OnlyHaveUniqueItems("no pair the table held is made again");
        next["film_actor"].Should().Contain(r => (long)r[0]! <= 8, "the new pairs reach held films");
        (await RunAsync(held, yaml))["film_actor"].Select(r => (r[0], r[1])).Should().Equal(next["film_actor"].Select(r => (r[0], r[1])), "same seed, same starting data, same rows");
    }

    [Fact]
    public async Task A_lookup_through_an_existing_ref_copies_the_held_rows_field()
    {
        var yaml = Yaml.Replace("existing: true }", "existing: true }\n      code: { type: lookup, from: customer_id, field: code }", StringComparison.Ordinal);
        var first = await RunAsync(new Dictionary<string, List<Dictionary<string, object?>>>(), yaml);
        var held = new Dictionary<string, List<Dictionary<string, object?>>>
        {
            ["customers"] = Held(first["customers"], "id", "code"),
            ["orders"] = Held(first["orders"], "id", "customer_id", "code"),
        };

        var next = await RunAsync(held, yaml);

        var codeOf = first["customers"].Concat(next["customers"]).ToDictionary(r => (long)r[0]!, r => r[1]);
        next["orders"].Should().Contain(r => (long)r[1]! <= 5, "some orders point at held customers");
        next["orders"].Should().AllSatisfy(r => r[2].Should().Be(codeOf[(long)r[1]!], "each order copies its customer's code, held or new"));
        (await RunAsync(held, yaml))["orders"].Select(r => r[2]).Should().Equal(next["orders"].Select(r => r[2]));
    }

    [Fact]
    public void A_lookup_path_cannot_go_on_from_an_existing_ref()
    {
        var yaml = Yaml.Replace("      code: { type: mask", "      region_id: { type: ref, ref: regions.id }\n      code: { type: mask", StringComparison.Ordinal)
            .Replace("models:\n", "models:\n  regions: { count: 2, key: id, fields: { id: sequence, name: { type: choice, values: [north, south] } } }\n", StringComparison.Ordinal)
            .Replace("existing: true }", "existing: true }\n      region: { type: lookup, from: customer_id, field: region_id.name }", StringComparison.Ordinal);

        var act = () => TestGeneration.Parse(yaml);

        act.Should().Throw<ManifestException>().Which.Message.Should().Contain("lookup 'field: region_id.name' follows a path from 'customer_id', an existing ref");
    }

    [Fact]
    public async Task An_existing_ref_into_an_output_that_cannot_read_tables_fails_naming_it()
    {
        var act = () => TestGeneration.RowsAsync(TestGeneration.Parse(Yaml));

        (await act.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("field 'customer_id' is an existing ref to customers.id").And.Contain("cannot read the rows");
    }
}
