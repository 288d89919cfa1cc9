using DataGen.Generation;
using DataGen.Outputs;

namespace DataGen.Core.Tests.Generation;

/// <summary>
/// <c>deferred: true</c> refs fill a reference cycle. Where the referenced keys are known before their rows are written (a
/// sequence or uuid, a count known ahead) the value goes with the row (stores hold the foreign key's checks until the run
/// ends); otherwise the model's rows go in with the field NULL, and once every model is generated an update sets it by key —
/// in memory, in files (a <c>model.updates</c> file) and in the SQL stores (their own tests).
/// </summary>
public sealed class DeferredReferenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Departments have a head (an employee); employees belong to a department and report to an earlier employee.</summary>
    private const string Company = """
        seed: 11
        models:
          departments:
            count: 40
            key: id
            fields:
              id: sequence
              name: { type: template, template: "dept-{{id}}" }
              head_id: { type: ref, ref: employees.id, deferred: true, nullRate: 10% }
              deputy_id: { type: ref, ref: employees.code, deferred: true, distribution: skewed }
          employees:
            count: 500
            key: id
            fields:
              id: { type: sequence, start: 1000 }
              code: { type: template, template: "E{{id}}" }
              department_id: { type: ref, ref: departments.id }
              manager_id: { type: ref, ref: employees.id, roots: 5% }
        """;

    [Fact]
    public async Task A_reference_cycle_is_filled_by_updates_after_every_model()
    {
        var rows = await TestGeneration.RecordsAsync(TestGeneration.Parse(Company));

        var employees = rows["employees"];
        var ids = employees.Select(e => e["id"]).ToHashSet();
        var codes = employees.Select(e => e["code"]).ToHashSet();
        var departments = rows["departments"];
        departments.Should().HaveCount(40);
        departments.Where(d => d["head_id"] is not null).Should().HaveCountGreaterThan(25, "10% are left NULL by nullRate")
            .And.OnlyContain(d => ids.Contains(d["head_id"]));
        departments.Should().Contain(d => d["head_id"] == null);
        departments.Should().OnlyContain(d => codes.Contains(d["deputy_id"]), "a deferred ref can point at any field the referenced model keeps, here a text");
        departments.Select(d => d["head_id"]).Distinct().Should().HaveCountGreaterThan(20, "heads are drawn from all employees");
        employees.Should().OnlyContain(e => departments.Any(d => Equals(d["id"], e["department_id"])));
    }

    [Fact]
    public async Task A_ref_to_keys_known_ahead_is_written_with_the_row_and_needs_no_update()
    {
        var manifest = TestGeneration.Parse(Company);
        var output = new MemoryOutput();

        var summary = await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);

        summary.Models.Should().Contain(m => m.Model == "departments (updates: deputy_id)", "employees.code is a template: only it waits for an update");
        var descriptor = manifest.Plan.Models.Single(m => m.Name == "departments").Describe(40, name => manifest.Plan.Models.FirstOrDefault(m => m.Name == name));
        descriptor.HeldReferences.Should().ContainSingle().Which.Field.Should().Be("head_id");
        descriptor.Fields.Single(f => f.Name == "head_id").Nullable.Should().BeTrue("its nullRate still applies");
        descriptor.Fields.Single(f => f.Name == "deputy_id").Nullable.Should().BeTrue("it goes in NULL until the update");
        output.Updates.Should().ContainKey("departments").WhoseValue.Fields.Select(f => f.Name).Should().Equal(["id", "deputy_id"], "the update carries the key and deputy_id only");
    }

    [Fact]
    public async Task A_not_null_one_to_one_cycle_is_filled_in_one_pass_at_any_scale()
    {
        var yaml = """
            seed: 3
            models:
              stores:
                count: 50
                key: id
                fields:
                  id: sequence
                  manager_id: { type: ref, ref: staff.id, deferred: true, unique: true }
              staff:
                count: 50
                key: id
                fields:
                  id: { type: sequence, start: 7 }
                  store_id: { type: ref, ref: stores.id }
            """;

        foreach (var scale in new[] { 1.0, 40.0 })
        {
            var manifest = TestGeneration.Parse(yaml, new ManifestOptions { Scale = scale });
            var rows = await TestGeneration.RecordsAsync(manifest);

            var staff = rows["staff"].Select(s => s["id"]).ToHashSet();
            rows["stores"].Should().HaveCount((int)(50 * scale)).And.OnlyContain(s => s["manager_id"] != null && staff.Contains(s["manager_id"]));
            rows["stores"].Select(s => s["manager_id"]).Should().OnlyHaveUniqueItems("a store's manager manages one store");
        }
    }

    [Fact]
    public async Task Deferred_values_are_the_same_for_any_thread_count_and_batch_size()
    {
        var manifest = TestGeneration.Parse(Company);
        var one = await TestGeneration.RowsAsync(manifest, new GenerationOptions { MaxDegreeOfParallelism = 1, BatchSize = 7 });
        var many = await TestGeneration.RowsAsync(manifest, new GenerationOptions { MaxDegreeOfParallelism = 4, BatchSize = 1000 });
        var other = await TestGeneration.RowsAsync(manifest.WithSeed(12));

        many["departments"].Should().BeEquivalentTo(one["departments"], o => o.WithStrictOrdering());
        other["departments"].Select(r => r[2]).Should().NotEqual(one["departments"].Select(r => r[2]), "another seed chooses other heads");
    }

    [Fact]
    public async Task Files_hold_NULL_in_the_row_and_the_values_in_a_model_updates_file_and_shards_add_up_to_it()
    {
        var manifest = TestGeneration.Parse(Company);
        var whole = Directory.CreateTempSubdirectory("datagen-deferred-").FullName;
        var parts = Directory.CreateTempSubdirectory("datagen-deferred-shards-").FullName;
        try
        {
            await using (var output = new FileOutput(whole, FileFormat.Ndjson))
            {
                var summary = await DataGenerator.GenerateAsync(manifest, output, cancellationToken: Ct);
                summary.Models.Should().Contain(m => m.Model == "departments (updates: deputy_id)" && m.Rows == 40);
            }

            var departments = await File.ReadAllLinesAsync(Path.Combine(whole, "departments.ndjson"), Ct);
            departments.Should().HaveCount(40).And.OnlyContain(l => l.Contains("\"deputy_id\":null", StringComparison.Ordinal))
                .And.Contain(l => !l.Contains("\"head_id\":null", StringComparison.Ordinal), "head_id goes with the row (employees' keys are known ahead)");
            var updates = await File.ReadAllLinesAsync(Path.Combine(whole, "departments.updates.ndjson"), Ct);
            updates.Should().HaveCount(40);
            updates[0].Should().StartWith("{\"id\":1,\"deputy_id\":");
            var memory = await TestGeneration.RecordsAsync(manifest);
            updates.Should().Equal(memory["departments"].Select(d => System.Text.Json.JsonSerializer.Serialize(new { id = d["id"], deputy_id = d["deputy_id"] })), "the file holds what the rows get");

            for (var i = 0; i < 3; i++)
            {
                var shard = new GenerationShard(i, 3);
                await using var output = new FileOutput(parts, FileFormat.Ndjson) { Shard = shard };
                await DataGenerator.GenerateAsync(manifest, output, new GenerationOptions { Shard = shard }, Ct);
            }

            var concatenated = Enumerable.Range(0, 3).SelectMany(i => File.ReadAllBytes(Path.Combine(parts, $"departments.updates.shard-{i}-of-3.ndjson"))).ToArray();
            concatenated.Should().Equal(File.ReadAllBytes(Path.Combine(whole, "departments.updates.ndjson")));
        }
        finally
        {
            Directory.Delete(whole, recursive: true);
            Directory.Delete(parts, recursive: true);
        }
    }

    [Fact]
    public async Task An_output_that_cannot_update_rows_fails_the_run_naming_the_model_and_field_and_completes_nothing()
    {
        var output = new InsertOnlyOutput();

        var act = () => DataGenerator.GenerateAsync(TestGeneration.Parse(Company), output, cancellationToken: Ct);

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Model.Should().Be("departments");
        error.Field.Should().Be("deputy_id");
        error.Message.Should().Contain("a deferred ref is set by updating rows").And.Contain("InsertOnlyOutput cannot change rows it has written");
        output.Completed.Should().BeFalse();
    }

    [Theory]
    [InlineData("      boss_id: { type: ref, ref: b.name, deferred: true }", "give model 'a' a key", false)]
    [InlineData("      boss_id: { type: ref, ref: b.name, deferred: true, unique: true }", "cannot be the key or part of a unique key", true)]
    [InlineData("      boss_id: { type: ref, ref: a.id, deferred: true }", "needs no 'deferred'", true)]
    [InlineData("      inner: { type: object, fields: { boss_id: { type: ref, ref: b.id, deferred: true } } }", "goes on a top-level field", true)]
    [InlineData("      boss_id: { type: ref, ref: b.id, deferred: true }\n      boss_name: { type: lookup, from: boss_id, field: name }", "names a deferred ref", true)]
    public void Misused_deferred_refs_are_located_errors(string field, string expected, bool keyed)
    {
        var yaml = $$"""
            models:
              a:
                count: 5
            {{(keyed ? "    key: id\n" : string.Empty)}}    fields:
                  id: sequence
            {{field}}
              b:
                count: 5
                fields:
                  id: sequence
                  name: name.firstName
                  a_id: { type: ref, ref: a.id }
            """;

        var error = ((Action)(() => TestGeneration.Parse(yaml))).Should().Throw<ManifestException>().Which;

        error.Errors.Should().ContainSingle().Which.Message.Should().Contain(expected);
        error.Errors[0].Line.Should().BeGreaterThan(4, "the error points into the field");
    }

    [Fact]
    public void A_cycle_without_deferred_suggests_it()
    {
        var error = ((Action)(() => TestGeneration.Parse("""
            models:
              a: { count: 1, key: id, fields: { id: sequence, b_id: { type: ref, ref: b.id } } }
              b: { count: 1, key: id, fields: { id: sequence, a_id: { type: ref, ref: a.id } } }
            """))).Should().Throw<ManifestException>().Which;

        error.Message.Should().Contain("reference cycle between models").And.Contain("deferred: true");
    }

    private sealed class InsertOnlyOutput : IDataOutput
    {
        private readonly MemoryOutput _inner = new();

        public bool Completed { get; private set; }

        public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default) => _inner.OpenModelAsync(model, cancellationToken);

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default)
        {
            Completed = true;
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
