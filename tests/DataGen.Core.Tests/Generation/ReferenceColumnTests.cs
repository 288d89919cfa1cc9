using DataGen.Generation;
using DataGen.Outputs;

namespace DataGen.Core.Tests.Generation;

/// <summary>
/// Reference columns are kept compactly (recomputed for sequence and uuid keys, unboxed for integers and UUIDs) and
/// must give back exactly what was generated: every ref lands on a real key of the referenced rows, with its type.
/// </summary>
public sealed class ReferenceColumnTests
{
    [Theory]
    [InlineData("sequence")]
    [InlineData("{ type: sequence, start: 1000, step: -3 }")]
    [InlineData("uuid")]
    [InlineData("{ type: uuid, nullRate: 20% }")]
    [InlineData("{ type: int, min: 1, max: 1000000, unique: true }")]
    [InlineData("{ type: int, min: 1, max: 9000000000000 }")]
    [InlineData("{ type: int, min: -5, max: 5 }")]
    [InlineData("{ type: mask, mask: 'C-#####' }")]
    [InlineData("{ type: choice, values: [1, two, 3.5, true] }")]
    [InlineData("{ type: date, min: 2020-01-01, max: 2021-01-01 }")]
    public async Task Refs_and_lookups_read_back_exactly_the_generated_values(string key)
    {
        var manifest = TestGeneration.Parse($$"""
            models:
              parents:
                count: 3000
                fields:
                  id: {{key}}
                  name: name.firstName
              children:
                count: 5000
                fields:
                  parent_id: { type: ref, ref: parents.id }
                  skewed_id: { type: ref, ref: parents.id, distribution: skewed }
                  parent_name: { type: lookup, from: parent_id, field: name }
            """);

        var rows = await TestGeneration.RowsAsync(manifest);

        var byKey = rows["parents"].GroupBy(r => r[0] ?? "<null>").ToDictionary(g => g.Key, g => g.Select(r => r[1]).ToHashSet());
        foreach (var child in rows["children"])
        {
            foreach (var value in child[..2])
            {
                byKey.Should().ContainKey(value ?? "<null>");
                if (value is not null)
                {
                    value.GetType().Should().Be(rows["parents"].First(r => Equals(r[0], value))[0]!.GetType(), "a ref keeps its value's type");
                }
            }

            byKey[child[0] ?? "<null>"].Should().Contain(child[2], "a lookup reads the referenced row");
        }
    }

    [Theory]
    [InlineData("sequence")]
    [InlineData("uuid")]
    [InlineData("{ type: mask, mask: 'S-####', unique: true }")]
    public async Task A_lookup_path_follows_refs_through_several_models(string storeKey)
    {
        // The store of the inventory of the rental, and the city of that store's manager (three hops).
        var manifest = TestGeneration.Parse($$"""
            models:
              staff:
                count: 40
                fields:
                  id: sequence
                  city: address.city
              stores:
                count: 25
                fields:
                  id: {{storeKey}}
                  name: company.companyName
                  manager_id: { type: ref, ref: staff.id, nullRate: 20% }
              inventory:
                count: 400
                fields:
                  id: uuid
                  store_id: { type: ref, ref: stores.id }
              rentals:
                count: 3000
                fields:
                  id: sequence
                  inventory_id: { type: ref, ref: inventory.id }
                  store_name: { type: lookup, from: inventory_id, field: store_id.name }
                  manager_city: { type: lookup, from: inventory_id, field: store_id.manager_id.city }
            """);

        var rows = await TestGeneration.RowsAsync(manifest);

        var inventory = rows["inventory"].ToDictionary(r => r[0]!, r => r[1]!);
        var stores = rows["stores"].ToDictionary(r => r[0]!, r => (Name: r[1], Manager: r[2]));
        var cities = rows["staff"].ToDictionary(r => r[0]!, r => r[1]);
        var nullManagers = 0;
        foreach (var rental in rows["rentals"])
        {
            var store = stores[inventory[rental[1]!]];
            rental[2].Should().Be(store.Name);
            rental[3].Should().Be(store.Manager is null ? null : cities[store.Manager], "a null ref on the way makes the value null");
            nullManagers += store.Manager is null ? 1 : 0;
        }

        nullManagers.Should().BeGreaterThan(0, "the test covers a null on the way");
        (await TestGeneration.RowsAsync(manifest))["rentals"].Should().BeEquivalentTo(rows["rentals"], o => o.WithStrictOrdering(), "same seed, same values");
    }

    [Theory]
    [InlineData("store_id.title", "model 'stores' has no field 'title'; its fields: id, name")]
    [InlineData("id.name", "'id' of model 'inventory' is not a ref, so the path cannot go through it")]
    [InlineData("label.name", "'label' of model 'inventory' is not a ref, so the path cannot go through it")]
    public void A_lookup_path_that_goes_nowhere_is_a_located_error(string path, string message)
    {
        var act = () => TestGeneration.Parse($$"""
            models:
              stores: { count: 2, fields: { id: sequence, name: company.companyName } }
              inventory:
                count: 4
                fields:
                  id: sequence
                  label: lorem.word
                  store_id: { type: ref, ref: stores.id }
              rentals:
                count: 5
                fields:
                  inventory_id: { type: ref, ref: inventory.id }
                  x: { type: lookup, from: inventory_id, field: "{{path}}" }
            """);

        act.Should().Throw<ManifestException>().Which.Message.Should().Contain("test.yaml(13,53)").And.Contain(message);
    }

    [Fact]
    public async Task Integers_that_outgrow_int_are_widened_without_losing_earlier_rows()
    {
        // Generated keys fit in an int; the tracer rows at the end don't, so the column widens after 500 rows.
        var manifest = await TestGeneration.LoadWithFilesAsync(
            """
            models:
              accounts:
                count: 500
                tracers: big.csv
                fields:
                  number: { type: int, min: -1000000, max: 1000000, unique: true }
              payments:
                count: 5000
                fields:
                  account: { type: ref, ref: accounts.number }
            """,
            ("big.csv", "number\n9000000001\n-9000000002\n"));

        var rows = await TestGeneration.RowsAsync(manifest);

        var keys = rows["accounts"].Select(r => r[0]).ToHashSet();
        keys.Should().Contain([9000000001L, -9000000002L]);
        rows["payments"].Select(r => r[0]).Should().OnlyContain(k => keys.Contains(k))
            .And.Contain(k => (long)k! < 1000000 && (long)k! > -1000000, "rows stored before the widening are still there")
            .And.Contain(9000000001L);
    }

    [Fact]
    public async Task Tracer_rows_and_duplicates_keep_their_own_keys_for_references()
    {
        var manifest = await TestGeneration.LoadWithFilesAsync(
            """
            models:
              people:
                count: 50
                key: id
                tracers: tracers.csv
                fields:
                  id: { type: sequence, start: 7 }
                  first_name: name.firstName
                duplicates: { rate: 30, fields: { first_name: [typo] } }
              orders:
                count: 3000
                fields:
                  person: { type: ref, ref: people.id }
            """,
            ("tracers.csv", "id\n900001\n900002\n"));

        var rows = await TestGeneration.RowsAsync(manifest);

        var keys = rows["people"].Select(r => r[0]).ToHashSet();
        keys.Should().Contain([900001L, 900002L]);
        rows["orders"].Select(r => r[0]).Should().OnlyContain(k => keys.Contains(k));
        rows["orders"].Select(r => r[0]).Should().Contain(900001L, "3,000 uniform picks over the rows reach the tracers");
    }

    [Fact]
    public async Task A_referenced_model_too_large_to_keep_is_an_error_naming_it_before_anything_is_generated()
    {
        var manifest = TestGeneration.Parse("""
            models:
              accounts:
                count: 1000000
                fields:
                  number: { type: int, min: 1, max: 999999999999 }
              payments:
                count: 10
                fields:
                  account: { type: ref, ref: accounts.number }
            """);
        var output = new MemoryOutput();

        var act = () => DataGenerator.GenerateAsync(manifest, output, new GenerationOptions { MemoryLimit = 1 << 20 }, TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Model.Should().Be("accounts");
        error.Message.Should().Contain("1,000,000 rows' values of 'number'").And.Contain("needs about 7.6 MiB").And.Contain("a sequence or uuid key is recomputed");
        output.Rows.Should().BeEmpty("the check comes before the first row");
    }

    [Fact]
    public async Task Sequence_and_uuid_keys_need_no_memory_for_references()
    {
        var manifest = TestGeneration.Parse("""
            models:
              accounts:
                count: 1000000
                fields:
                  id: sequence
                  uuid: uuid
              payments:
                count: 10
                fields:
                  account: { type: ref, ref: accounts.id }
                  account_uuid: { type: ref, ref: accounts.uuid }
            """);

        var summary = await DataGenerator.GenerateAsync(manifest, new CountingOutput(), new GenerationOptions { MemoryLimit = 1 << 20 }, TestContext.Current.CancellationToken);

        summary.Models.Should().Contain(m => m.Model == "payments" && m.Rows == 10);
    }

    [Fact]
    public async Task Per_parent_counts_over_too_many_parents_are_an_error_naming_the_model()
    {
        var manifest = TestGeneration.Parse("""
            models:
              customers: { count: 1000000, fields: { id: sequence } }
              orders:
                count: { per: customers, min: 0, max: 2 }
                fields: { id: uuid }
            """);

        var act = () => DataGenerator.GenerateAsync(manifest, new CountingOutput(), new GenerationOptions { MemoryLimit = 1 << 20 }, TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Model.Should().Be("orders");
        error.Message.Should().Contain("counting rows for each of the 1,000,000 rows of 'customers'");
    }
}
