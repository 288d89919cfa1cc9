using DataGen.Schemas;
using Microsoft.EntityFrameworkCore;

namespace DataGen.EntityFrameworkCore.Tests;

/// <summary>The description of a model follows EF Core's mapping exactly (no database needed).</summary>
public sealed class DescribeTests
{
    private static readonly DatabaseSchema Library = Describe();

    private static DatabaseSchema Describe()
    {
        using var context = new LibraryContext(new DbContextOptionsBuilder<LibraryContext>().UseSqlite("Data Source=:memory:").Options);
        return DbContextSchema.Describe(context);
    }

    private static TableSchema Table(string name) => Library.Find(name) ?? throw new InvalidOperationException($"no table {name}: {string.Join(", ", Library.Tables.Select(t => t.Name))}");

    [Fact]
    public void Tables_and_columns_are_named_as_EF_maps_them()
    {
        Library.Tables.Select(t => t.Name).Should().BeEquivalentTo(["library_members", "Phone", "Items", "ItemShelf", "Loans", "Shelves"]);
        Table("library_members").Columns.Select(c => c.Name).Should().Contain(["Id", "Name", "email_address", "Level", "Colour", "JoinedOn", "Home_City", "Home_Street", "Card_Number", "Card_Expires", "DisplayName"]);
    }

    [Fact]
    public void Keys_unique_indexes_and_foreign_keys_come_from_the_model()
    {
        var members = Table("library_members");
        members.PrimaryKey.Should().Equal("Id");
        members.Column("Id")!.Identity.Should().BeTrue("an int key generated on add is the database's");
        members.UniqueKeys.Should().ContainSingle().Which.Should().Equal("email_address");

        var loans = Table("Loans");
        loans.PrimaryKey.Should().Equal("Code");
        loans.Column("Code")!.Identity.Should().BeFalse("a Guid key is the client's to make");
        loans.Column("Code")!.Kind.Should().Be(ValueKind.Uuid);
        loans.ForeignKeys.Select(f => (string.Join(",", f.Columns), f.ReferencedTable)).Should().BeEquivalentTo([("MemberId", "library_members"), ("ItemId", "Items")]);

        var join = Table("ItemShelf");
        join.PrimaryKey.Should().HaveCount(2, "a many-to-many join table is keyed by both sides");
        join.ForeignKeys.Select(f => f.ReferencedTable).Should().BeEquivalentTo(["Items", "Shelves"]);

        var phones = Table("Phone");
        phones.ForeignKeys.Should().ContainSingle().Which.ReferencedTable.Should().Be("library_members", "an owned collection is a table of its own, keyed to its owner");
    }

    [Fact]
    public void Enums_take_the_values_their_conversion_stores()
    {
        var members = Table("library_members");
        members.Column("Level")!.AllowedValues.Should().Equal("Basic", "Plus", "Premium");
        members.Column("Level")!.Kind.Should().Be(ValueKind.String);
        members.Column("Colour")!.AllowedValues.Should().Equal(["red", "green", "blue"], "a custom conversion's values");
        var state = Table("Loans").Column("State")!;
        state.Kind.Should().Be(ValueKind.Integer);
        state.AllowedValues.Should().Equal("10", "20", "99");
    }

    [Fact]
    public void A_TPH_table_has_its_discriminator_values_and_required_columns_of_derived_types()
    {
        var items = Table("Items");
        items.Column("ItemType")!.AllowedValues.Should().BeEquivalentTo(["book", "disc"]);
        items.Column("Pages")!.Nullable.Should().BeFalse("Book.Pages is required where it is mapped: every row gets a value");
        items.Column("Label")!.Nullable.Should().BeTrue();
        items.Checks.Should().ContainSingle().Which.Should().Contain("\"Price\" >= 0");
        items.Column("Price")!.Precision.Should().Be(8);
        items.Column("Price")!.Scale.Should().Be(2);
    }

    [Fact]
    public void Lengths_kinds_and_computed_columns_are_described()
    {
        var members = Table("library_members");
        members.Column("email_address")!.MaxLength.Should().Be(120);
        members.Column("Home_City")!.MaxLength.Should().Be(50);
        members.Column("Home_City")!.Nullable.Should().BeFalse();
        members.Column("JoinedOn")!.Kind.Should().Be(ValueKind.Date);
        members.Column("Card_Expires")!.Kind.Should().Be(ValueKind.DateTime);
        members.Column("DisplayName")!.Computed.Should().BeTrue();
        Table("Items").Column("Length")!.Kind.Should().Be(ValueKind.Time);
    }

    [Fact]
    public void The_scaffold_writes_a_manifest_for_the_model()
    {
        var yaml = ManifestScaffold.Write(Library, new ScaffoldOptions { Kind = "sqlite" });

        yaml.Should().Contain("table: library_members").And.Contain("ref: library_members.Id").And.Contain("values: [\"book\", \"disc\"]");
        yaml.Should().NotContain("DisplayName:", "a computed column is not written");
        var manifest = Manifest.Parse(yaml.Replace("{{connection}}", "Data Source=x.db", StringComparison.Ordinal));
        manifest.Models.Should().Contain(["library_members", "Items", "ItemShelf", "Loans"]);
    }
}
