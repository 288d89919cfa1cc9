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

    /// <summary>Answers every starting read from <paramref name="held"/> (model → rows, largest keys, values), then writes to memory.</summary>
    private sealed class HeldOutput(MemoryOutput inner, IReadOnlyDictionary<string, (long Rows, Dictionary<string, long> Highest, Dictionary<string, IReadOnlyList<object>> Values)> held) : IDataOutput
    {
        public ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default)
        {
            foreach (var model in models)
            {
                if (model.Starting is { } read)
                {
                    var (rows, highest, values) = held.TryGetValue(model.Name, out var h) ? h : (0, [], []);
                    read.Answer(rows, highest, values);
                }
            }

            return ((IDataOutput)inner).PrepareAsync(models, cancellationToken);
        }

        public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default) => inner.OpenModelAsync(model, cancellationToken);

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private static async Task<Dictionary<string, List<object?[]>>> RunAsync(IReadOnlyDictionary<string, (long, Dictionary<string, long>, Dictionary<string, IReadOnlyList<object>>)> held)
    {
        var memory = new MemoryOutput();
        await DataGenerator.GenerateAsync(TestGeneration.Parse(Yaml), new HeldOutput(memory, held), cancellationToken: TestContext.Current.CancellationToken);
        return memory.Rows.ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    [Fact]
    public async Task Keys_continue_unique_values_avoid_held_ones_and_existing_refs_reach_held_rows()
    {
        var first = await RunAsync(new Dictionary<string, (long, Dictionary<string, long>, Dictionary<string, IReadOnlyList<object>>)>());
        var codes = first["customers"].Select(r => r[1]!).ToList();
        var held = new Dictionary<string, (long, Dictionary<string, long>, Dictionary<string, IReadOnlyList<object>>)>
        {
            ["customers"] = (5, new() { ["id"] = 5 }, new() { ["code"] = codes, ["id"] = [1, 2, 3, 4, 5] }),
            ["orders"] = (40, new() { ["id"] = 40 }, []),
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
    public async Task An_existing_ref_into_an_output_that_cannot_read_tables_fails_naming_it()
    {
        var act = () => TestGeneration.RowsAsync(TestGeneration.Parse(Yaml));

        (await act.Should().ThrowAsync<GenerationException>()).Which.Message.Should().Contain("field 'customer_id' is an existing ref to customers.id").And.Contain("cannot read the rows");
    }

    [Fact]
    public void A_lookup_cannot_go_through_an_existing_ref()
    {
        var act = () => TestGeneration.Parse(Yaml.Replace("existing: true }", "existing: true }\n      code: { type: lookup, from: customer_id, field: code }", StringComparison.Ordinal));

        act.Should().Throw<ManifestException>().Which.Message.Should().Contain("lookup 'from: customer_id' names an existing ref");
    }
}
