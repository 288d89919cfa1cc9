using DataGen.Generation;
using DataGen.Manifests;
using DataGen.Randomness;

namespace DataGen.Core.Tests.Duplicates;

public sealed class DuplicateTests
{
    private const string People = """
        seed: 3
        models:
          people:
            count: 20000
            key: id
            fields:
              id: { type: sequence, start: 1 }
              first_name: name.firstName
              last_name: name.lastName
              phone: { type: mask, mask: "(###) ###-####" }
              born: { type: date, min: -80y, max: -18y }
            duplicates:
              rate: 20
              edits: 1-2
              fields:
                first_name: [typo, nickname, initials]
                last_name: [case, whitespace]
                phone: [phone_format, drop]
                born: [date_format]
              swap: [first_name, last_name]
          orders:
            count: { per: people, min: 1, max: 1 }
            fields:
              person: { type: ref, ref: people.id }
        """;

    [Fact]
    public async Task About_rate_percent_of_rows_are_fuzzed_copies_whose_cluster_is_an_original()
    {
        var records = await TestGeneration.RecordsAsync(TestGeneration.Parse(People));
        var people = records["people"];
        var byId = people.ToDictionary(p => (long)p["id"]!);

        var duplicates = people.Where(p => !Equals(p["cluster_id"], p["id"])).ToList();
        ((double)duplicates.Count / people.Count).Should().BeApproximately(0.20, 0.01);
        foreach (var d in duplicates)
        {
            var original = byId[(long)d["cluster_id"]!];
            original["cluster_id"].Should().Be(original["id"], "a cluster names an original, never another duplicate");
            ((long)original["id"]!).Should().BeLessThan((long)d["id"]!, "duplicates copy earlier rows");
            var changed = new[] { "first_name", "last_name", "phone", "born" }.Count(f => !Equals(d[f], original[f]));
            changed.Should().BeInRange(0, 3);
        }

        // Most duplicates differ from their original somewhere (an edit can be a no-op, e.g. lower-casing "smith" twice).
        duplicates.Count(d => new[] { "first_name", "last_name", "phone", "born" }.Any(f => !Equals(d[f], byId[(long)d["cluster_id"]!][f]))).Should().BeGreaterThan(duplicates.Count * 9 / 10);
        duplicates.Should().Contain(d => d["phone"] == null).And.Contain(d => (string)d["first_name"]! == (string)byId[(long)d["cluster_id"]!]["last_name"]!);

        // Rows of other models may point at duplicates too, as real data does.
        records["orders"].Should().HaveCount(people.Count);
    }

    [Fact]
    public async Task Duplicates_are_identical_for_any_thread_count_and_batch_size()
    {
        var manifest = TestGeneration.Parse(People);
        var one = await TestGeneration.FileHashesAsync(manifest, DataGen.Outputs.FileFormat.Csv, new GenerationOptions { MaxDegreeOfParallelism = 1, BatchSize = 1000 });
        var many = await TestGeneration.FileHashesAsync(manifest, DataGen.Outputs.FileFormat.Csv, new GenerationOptions { MaxDegreeOfParallelism = 4, BatchSize = 77 });
        many.Should().Equal(one);
    }

    [Fact]
    public async Task Hidden_ground_truth_goes_to_a_truth_model()
    {
        var manifest = TestGeneration.Parse(People.Replace("rate: 20", "rate: 20\n      hidden: true\n      truth: entity", StringComparison.Ordinal));
        var records = await TestGeneration.RecordsAsync(manifest);

        records["people"][0].Keys.Should().NotContain("entity").And.NotContain("cluster_id");
        var truth = records["people_truth"];
        truth.Should().HaveCount(records["people"].Count);
        truth[0].Keys.Should().Equal("id", "entity");
        truth.Count(t => !Equals(t["id"], t["entity"])).Should().BeGreaterThan(3000);
    }

    [Fact]
    public async Task Tracer_rows_from_csv_are_appended_with_typed_values_and_generated_gaps()
    {
        var directory = Directory.CreateTempSubdirectory("datagen-tracers-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "tracers.csv"), "id,first_name,born\n900001,\"O'Tracer, Tess\",1980-02-29\n900002,Tom,\n", TestContext.Current.CancellationToken);
            var path = Path.Combine(directory.FullName, "people.yaml");
            await File.WriteAllTextAsync(path, People.Replace("count: 20000", "count: 100", StringComparison.Ordinal).Replace("    duplicates:", "    tracers: tracers.csv\n    duplicates:", StringComparison.Ordinal), TestContext.Current.CancellationToken);
            var manifest = await Manifest.LoadAsync(path, new ManifestOptions { Environment = _ => null }, TestContext.Current.CancellationToken);

            var people = (await TestGeneration.RecordsAsync(manifest))["people"];

            people.Should().HaveCount(102);
            people[100]["id"].Should().Be(900001L);
            people[100]["first_name"].Should().Be("O'Tracer, Tess");
            people[100]["born"].Should().Be(new DateOnly(1980, 2, 29));
            people[100]["last_name"].Should().BeOfType<string>().Which.Should().NotBeEmpty("columns the file does not give are generated");
            people[101]["born"].Should().BeNull();
            people[101]["cluster_id"].Should().Be(900002L, "tracers are originals");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("key: id", "key: id\n    duplicates: { rate: 5, fields: { first_name: [tpyo] } }", "unknown fuzz operator 'tpyo' (did you mean 'typo'?)")]
    [InlineData("key: id", "key: id\n    duplicates: { rate: 5, fields: { frist_name: [typo] } }", "fuzzed field 'frist_name' is not a field of model 'm' (did you mean 'first_name'?)")]
    [InlineData("key: id", "key: id\n    duplicates: { rate: 150, fields: { first_name: [typo] } }", "'rate' must be a percentage between 0 and 100")]
    [InlineData("key: id", "key: id\n    duplicates: { rate: 5, fields: { id: [typo] } }", "the key 'id' cannot be fuzzed")]
    [InlineData("key: id", "key: id\n    duplicates: { rate: 5, swap: [first_name] }", "'swap' must name two fields")]
    [InlineData("key: id", "key: id\n    duplicates: { rate: 5, edits: 3-1, fields: { first_name: [typo] } }", "'edits' must be a number ≥ 1 or a range")]
    [InlineData("key: id", "key: id\n    duplicates: { rate: 5, truth: first_name, fields: { first_name: [typo] } }", "ground-truth column 'first_name' must be a new name")]
    [InlineData("key: id", "key: id\n    duplicates: { rate: 5, fiels: { first_name: [typo] } }", "unknown duplicates key 'fiels' (did you mean 'fields'?)")]
    [InlineData("key: id", "duplicates: { rate: 5, fields: { first_name: [typo] } }", "duplicates need the model's 'key'")]
    [InlineData("id: uuid", "id: { type: mask, mask: \"C-#####\" }", "duplicates need a uuid or sequence key")]
    [InlineData("first_name: name.firstName", "first_name: { type: name.firstName, unique: true }", "field 'first_name' is unique, but duplicates copy it")]
    [InlineData("key: id", "key: id\n    tracers: missing.csv", "cannot read tracers file")]
    public void Bad_duplicate_and_tracer_settings_are_reported_with_their_position(string find, string replace, string message)
    {
        var yaml = """
            models:
              m:
                count: 10
                key: id
                fields:
                  id: uuid
                  first_name: name.firstName
                duplicates: { rate: 5, fields: { first_name: [typo] } }
            """;
        if (!replace.Contains("duplicates", StringComparison.Ordinal) && !replace.Contains("tracers", StringComparison.Ordinal))
        {
            yaml = yaml.Replace(find, replace, StringComparison.Ordinal);
        }
        else
        {
            yaml = yaml.Replace("    duplicates: { rate: 5, fields: { first_name: [typo] } }\n", string.Empty, StringComparison.Ordinal)
                .Replace("    duplicates: { rate: 5, fields: { first_name: [typo] } }", string.Empty, StringComparison.Ordinal);
            yaml = find == "key: id" && !replace.StartsWith("key", StringComparison.Ordinal)
                ? yaml.Replace("    key: id\n", string.Empty, StringComparison.Ordinal) + "\n    " + replace
                : yaml.Replace(find, replace, StringComparison.Ordinal);
        }

        var act = () => TestGeneration.Parse(yaml);
        var error = act.Should().Throw<ManifestException>().Which.Errors.Should().Contain(e => e.Message.Contains(message, StringComparison.Ordinal)).Which;
        error.Line.Should().BeGreaterThan(0);
        error.Model.Should().Be("m");
    }

    [Theory]
    [InlineData("nickname", "Robert", "Bob")]
    [InlineData("nickname", "Bob", "Robert")]
    [InlineData("initials", "john", "J.")]
    [InlineData("drop", "x", null)]
    public void Fuzz_operators_with_one_possible_result(string op, string input, string? expected)
    {
        var random = new DeterministicRandom(1);
        DataGen.Generation.Duplicates.Apply(DuplicateSpec.Ops[op], input, ref random).Should().Be(expected);
    }

    [Fact]
    public void Fuzz_operators_keep_what_they_promise()
    {
        for (ulong seed = 0; seed < 200; seed++)
        {
            var random = new DeterministicRandom(seed);
            var typo = (string)DataGen.Generation.Duplicates.Apply(FuzzOp.Typo, "Katherine", ref random)!;
            Suggest.Distance(typo, "Katherine").Should().BeInRange(1, 2, typo); // a transpose is two substitutions
            var phone = (string)DataGen.Generation.Duplicates.Apply(FuzzOp.PhoneFormat, "(630) 140-5082", ref random)!;
            new string(phone.Where(char.IsAsciiDigit).ToArray()).Should().EndWith("6301405082");
            var cased = (string)DataGen.Generation.Duplicates.Apply(FuzzOp.Case, "mary ann", ref random)!;
            cased.ToLowerInvariant().Should().Be("mary ann");
            var spaced = (string)DataGen.Generation.Duplicates.Apply(FuzzOp.Whitespace, "Van Dyke", ref random)!;
            spaced.Replace(" ", string.Empty, StringComparison.Ordinal).Should().Be("VanDyke");
            var date = (DateOnly)DataGen.Generation.Duplicates.Apply(FuzzOp.DateFormat, new DateOnly(1990, 3, 7), ref random)!;
            date.Should().Be(new DateOnly(1990, 7, 3));
        }
    }

    [Fact]
    public async Task Dropped_fields_and_lookups_of_them_are_nullable_columns()
    {
        var manifest = TestGeneration.Parse(People + """

              contacts:
                count: 10
                fields:
                  person: { type: ref, ref: people.id }
                  phone: { type: lookup, from: person, field: phone }
                  name: { type: lookup, from: person, field: last_name }
            """);
        var output = new DataGen.Outputs.MemoryOutput();
        await DataGenerator.GenerateAsync(manifest, output, null, TestContext.Current.CancellationToken);

        output.Models["people"].Fields.Single(f => f.Name == "phone").Nullable.Should().BeTrue("duplicates may drop it");
        output.Models["contacts"].Fields.Single(f => f.Name == "phone").Nullable.Should().BeTrue("a lookup copies the nulls of its source");
        output.Models["contacts"].Fields.Single(f => f.Name == "name").Nullable.Should().BeFalse();
    }
}
