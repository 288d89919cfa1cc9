using DataGen.Generation;
using DataGen.Outputs;
using System.Text.RegularExpressions;
using DataGen.Schemas;

namespace DataGen.Core.Tests.Schemas;

/// <summary>What the scaffold guesses from names: every generator it can write compiles, and lookup tables get words, not people.</summary>
public sealed class ColumnHeuristicsTests
{
    [Fact]
    public async Task Every_text_generator_the_heuristics_can_write_compiles_and_generates()
    {
        var specs = ColumnHeuristics.TextGenerators.ToList();
        var yaml = "models:\n  m:\n    count: 20\n    fields:\n" + string.Join("\n", specs.Select((s, i) => $"      f{i}: {s}")) + "\n";

        var rows = await TestGeneration.RecordsAsync(TestGeneration.Parse(yaml));

        specs.Should().HaveCountGreaterThan(20);
        rows["m"].Should().HaveCount(20);
        rows["m"].SelectMany(r => r.Values).Should().AllSatisfy(v => v.Should().BeOfType<string>().Which.Should().NotBeEmpty());
    }

    [Theory]
    [InlineData("language", "name", "English")]
    [InlineData("category", "name", "commerce.department")]
    [InlineData("country", "country", "address.country")]
    [InlineData("customer", "name", "name.fullName")]
    [InlineData("actor", "name", "name.fullName")]
    [InlineData("currency", "currency_code", "USD")]
    public void Names_are_read_with_their_table(string table, string column, string expected)
    {
        ColumnHeuristics.Text(column, null, false, table).Should().Contain(expected);
    }

    [Theory]
    [InlineData("length", 30, 180)]
    [InlineData("rental_duration", 30, 180)]
    [InlineData("rating", 1, 5)]
    [InlineData("release_year", 1990, 2025)]
    [InlineData("quantity", 1, 10)]
    public void Integers_get_plausible_ranges_from_their_names(string column, int min, int max)
    {
        ColumnHeuristics.Integer(column, null, null).Should().Be($"{{ type: int, min: {min}, max: {max} }}");
    }

    [Theory]
    [InlineData("unit_price", "min: 1, max: 1000")]
    [InlineData("UnitPrice", "min: 1, max: 1000")]
    [InlineData("DiscountPercent", "min: 0, max: 100")]
    public void PascalCase_names_as_EF_Core_maps_them_read_like_snake_case(string column, string expected)
    {
        ColumnHeuristics.Decimal(column, 10, 2, null, null).Should().Contain(expected);
    }

    [Theory]
    [InlineData("ShippingAddress_City", "address.city")]
    [InlineData("billing_state", "address.state")]
    [InlineData("HomePhone", "phone.phoneNumber")]
    [InlineData("FirstName", "name.firstName")]
    public void An_owned_type_s_column_is_read_by_its_last_words(string column, string expected)
    {
        ColumnHeuristics.Text(column, null, false, "customers").Should().Contain(expected);
    }

    private static ColumnSchema Text(string name, bool nullable = false, int? maxLength = null) => new(name, "text", ValueKind.String) { Nullable = nullable, MaxLength = maxLength };

    [Fact]
    public void An_email_is_made_from_the_row_s_names_only_when_the_table_has_them()
    {
        ColumnHeuristics.Text("Email", 120, true, "customers", [Text("FirstName"), Text("LastName"), Text("Email")])
            .Should().Be("{ type: internet.email, args: [\"{{FirstName}}\", \"{{LastName}}\"], maxLength: 120, unique: true }");
        ColumnHeuristics.Text("email", null, false, "customers", [Text("name"), Text("email")])
            .Should().Be("{ type: internet.email, args: [\"{{name}}\"] }");
        ColumnHeuristics.Text("email", null, true, "customers", [Text("name", nullable: true), Text("email")])
            .Should().Be("{ type: internet.email, unique: true }", "a name that may be null makes no address");
        ColumnHeuristics.Text("email", 16, true, "customers", [Text("name")])
            .Should().NotContain("internet.email", "an address does not fit in 16 characters: a unique pattern that fits does");
    }

    /// <summary>
    /// The EF model's path: a schema (as DbContextSchema describes one, PascalCase, a unique e-mail) completes a manifest
    /// that names only a count. Every e-mail is the row's own name's, and none repeats over thousands of rows.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Emails_from_a_schema_are_made_from_each_row_s_names_and_kept_unique(bool firstAndLast)
    {
        List<ColumnSchema> columns = firstAndLast
            ? [new("Id", "integer", ValueKind.Integer), Text("FirstName", maxLength: 50), Text("LastName", maxLength: 50), Text("Email", maxLength: 120)]
            : [new("Id", "integer", ValueKind.Integer), Text("Name", maxLength: 100), Text("Email", maxLength: 120)];
        var schema = new DatabaseSchema([new TableSchema(null, "Customers", columns) { PrimaryKey = ["Id"], UniqueKeys = [["Email"]] }]);
        var manifest = await Manifest.ParseAsync("seed: 3\nmodels:\n  Customers:\n    count: 5000\n", "shop.yaml", new ManifestOptions { Schema = schema }, TestContext.Current.CancellationToken);

        var rows = (await TestGeneration.RecordsAsync(manifest))["Customers"];

        rows.Should().HaveCount(5000);
        rows.Select(r => (string)r["Email"]!).Should().OnlyHaveUniqueItems();
        foreach (var row in rows)
        {
            var name = firstAndLast ? (string)row["FirstName"]! : (string)row["Name"]!;
            var email = (string)row["Email"]!;
            email.Should().MatchRegex(@"^[^@\s]+@[a-z0-9.-]+\.[a-z]+$");
            // Bogus's user name: the first name (spaces and what an address cannot hold taken out), then perhaps the last.
            email.Should().StartWith(Regex.Replace(name.Replace(" ", string.Empty, StringComparison.Ordinal), @"[^\w.\-]+", string.Empty), "the address is made from the row's name");
            if (firstAndLast && email.Split('@')[0].Length > name.Length + 3)
            {
                email.Should().Contain(Regex.Replace((string)row["LastName"]!, @"[^\w.\-]+", string.Empty));
            }
        }
    }
}
