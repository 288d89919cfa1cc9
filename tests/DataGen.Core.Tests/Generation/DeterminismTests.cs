using DataGen.Outputs;

namespace DataGen.Core.Tests.Generation;

public sealed class DeterminismTests
{
    internal const string TwoModels = """
        seed: 11
        models:
          customers:
            count: 300
            key: id
            fields:
              id: uuid
              name: name.fullName
              email: { type: template, template: "{{name}}@example.com", unique: true }
          orders:
            count: { per: customers, min: 0, max: 4 }
            fields:
              id: sequence
              customer: { type: ref, ref: customers.id }
              email: { type: lookup, from: customer, field: email }
              total: { type: decimal, min: 1, max: 500, distribution: normal, mean: 80, stddev: 40 }
          notes:
            count: 50
            fields:
              text: lorem.sentence
              when: { type: datetime, min: -1y }
        """;

    [Theory]
    [InlineData(FileFormat.Ndjson)]
    [InlineData(FileFormat.Csv)]
    [InlineData(FileFormat.Json)]
    public async Task Same_manifest_and_seed_give_byte_identical_files_for_any_thread_count_and_batch_size(FileFormat format)
    {
        var manifest = TestGeneration.Parse(TwoModels);
        var baseline = await TestGeneration.FileHashesAsync(manifest, format, new GenerationOptions { MaxDegreeOfParallelism = 1, BatchSize = 4096 });

        foreach (var (threads, batch) in new[] { (2, 1), (4, 7), (8, 64), (3, 100_000) })
        {
            var other = await TestGeneration.FileHashesAsync(manifest, format, new GenerationOptions { MaxDegreeOfParallelism = threads, BatchSize = batch });
            other.Should().Equal(baseline, $"threads={threads}, batch={batch} must not change the output");
        }

        baseline.Should().NotBeEmpty();
    }

    [Fact]
    public async Task One_compiled_plan_serves_concurrent_runs_with_identical_output()
    {
        var manifest = TestGeneration.Parse(TwoModels);
        var plan = manifest.Plan;
        var outputs = Enumerable.Range(0, 4).Select(_ => new MemoryOutput()).ToList();

        await Task.WhenAll(outputs.Select(o => Task.Run(() => DataGenerator.GenerateAsync(manifest, o, new GenerationOptions { MaxDegreeOfParallelism = 2, BatchSize = 37 }, TestContext.Current.CancellationToken))));

        manifest.Plan.Should().BeSameAs(plan, "a manifest compiles once; runs keep their state elsewhere");
        foreach (var other in outputs.Skip(1))
        {
            foreach (var (model, rows) in outputs[0].Rows)
            {
                other.Rows[model].Should().BeEquivalentTo(rows, o => o.WithStrictOrdering(), $"model {model}");
            }
        }

        outputs[0].Rows["orders"].Should().NotBeEmpty();
    }

    [Fact]
    public async Task A_different_seed_gives_different_data()
    {
        var a = await TestGeneration.FileHashesAsync(TestGeneration.Parse(TwoModels), FileFormat.Ndjson);
        var b = await TestGeneration.FileHashesAsync(TestGeneration.Parse(TwoModels, new ManifestOptions { Seed = 12, Environment = _ => null }), FileFormat.Ndjson);
        a["notes.ndjson"].Should().NotBe(b["notes.ndjson"]);
        a["customers.ndjson"].Should().NotBe(b["customers.ndjson"]);
    }

    [Fact]
    public async Task Changing_one_models_count_leaves_an_unrelated_model_unchanged()
    {
        var before = await TestGeneration.FileHashesAsync(TestGeneration.Parse(TwoModels), FileFormat.Ndjson);
        var after = await TestGeneration.FileHashesAsync(TestGeneration.Parse(TwoModels.Replace("count: 300", "count: 400", StringComparison.Ordinal)), FileFormat.Ndjson);

        after["notes.ndjson"].Should().Be(before["notes.ndjson"]);
        after["customers.ndjson"].Should().NotBe(before["customers.ndjson"]);
    }

    [Fact]
    public async Task Row_i_does_not_depend_on_how_many_rows_follow()
    {
        var small = await TestGeneration.RowsAsync(TestGeneration.Parse(TwoModels.Replace("count: 50", "count: 10", StringComparison.Ordinal)));
        var large = await TestGeneration.RowsAsync(TestGeneration.Parse(TwoModels));

        large["notes"].Take(10).Should().BeEquivalentTo(small["notes"], o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Adding_a_field_does_not_shift_the_values_of_the_others()
    {
        const string before = """
            models:
              m:
                count: 100
                fields:
                  a: name.firstName
                  c: { type: int, min: 0, max: 1000000 }
            """;
        var after = before.Replace("      a: name.firstName", "      a: name.firstName\n      b: lorem.word", StringComparison.Ordinal);

        var x = await TestGeneration.RecordsAsync(TestGeneration.Parse(before));
        var y = await TestGeneration.RecordsAsync(TestGeneration.Parse(after));

        y["m"].Select(r => (r["a"], r["c"])).Should().Equal(x["m"].Select(r => (r["a"], r["c"])));
        y["m"][0].Should().ContainKey("b");
    }
}

/// <summary>
/// Sets Bogus's process-wide <c>Randomizer.Seed</c>: in a collection that runs alone, after the parallel ones, so no
/// other class runs while the global is changed.
/// </summary>
[Collection(nameof(ProcessGlobalState))]
public sealed class BogusGlobalSeedTests
{
    [Fact]
    public async Task Bogus_global_seed_does_not_affect_output()
    {
        var manifest = TestGeneration.Parse(DeterminismTests.TwoModels);
        var saved = Bogus.Randomizer.Seed;
        try
        {
            // Two different fixed global seeds: were any value drawn from Bogus's global randomizer, the files differ.
            Bogus.Randomizer.Seed = new Random(1);
            var a = await TestGeneration.FileHashesAsync(manifest, FileFormat.Ndjson);
            Bogus.Randomizer.Seed = new Random(987654);
            var b = await TestGeneration.FileHashesAsync(manifest, FileFormat.Ndjson);
            b.Should().Equal(a);
        }
        finally
        {
            Bogus.Randomizer.Seed = saved;
        }
    }
}
