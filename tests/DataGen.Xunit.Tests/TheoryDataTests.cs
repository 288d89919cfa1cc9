using System.Reflection;
using Xunit.Sdk;

namespace DataGen.Xunit.Tests;

public sealed class Customer
{
    public Guid Id { get; set; }

    public string FirstName { get; set; } = string.Empty;

    public string Email { get; set; } = string.Empty;

    public decimal Amount { get; set; }
}

/// <summary>Every field of customers.yaml, PascalCase (the fields are snake_case), birth date as a DateOnly.</summary>
public sealed class FullCustomer
{
    public Guid Id { get; set; }

    public required string FirstName { get; set; }

    public required string LastName { get; set; }

    public required string Email { get; set; }

    public string? Phone { get; set; }

    public string? City { get; set; }

    public DateOnly BirthDate { get; set; }

    public decimal Amount { get; set; }

    public List<string> Orders { get; set; } = [];
}

/// <summary>A positional record, camel-cased by its constructor.</summary>
public sealed record CustomerRecord(Guid Id, string FirstName, string LastName, string Email, string Phone, string City, DateTime BirthDate, double Amount);

/// <summary>A property no field fills.</summary>
public sealed class CustomerWithExtra
{
    public Guid Id { get; set; }

    public string FirstName { get; set; } = string.Empty;

    public int LoyaltyPoints { get; set; }
}

public sealed class TheoryDataTests
{
    [Theory]
    [GeneratedData("customers.yaml", "customers", Count = 4)]
    public void Dictionary_rows(IReadOnlyDictionary<string, object?> customer)
    {
        customer["email"].Should().BeOfType<string>().Which.Should().Contain("@");
        customer.Keys.Should().Contain(["id", "first_name", "last_name", "amount"]);
    }

    [Theory]
    [GeneratedData("customers.yaml", "customers", Count = 3)]
    public void Typed_rows(FullCustomer customer)
    {
        customer.Id.Should().NotBe(Guid.Empty);
        customer.Email.Should().Contain("@");
        customer.FirstName.Should().NotBeEmpty();
        customer.LastName.Should().NotBeEmpty();
        customer.BirthDate.Should().BeBefore(new DateOnly(2008, 1, 2));
        customer.Orders.Should().BeEmpty("a collection without fields is left as constructed");
    }

    [Theory]
    [GeneratedData("customers.yaml", "customers", Count = 2)]
    public void Typed_rows_as_positional_records(CustomerRecord customer)
    {
        customer.FirstName.Should().NotBeEmpty();
        customer.Amount.Should().BeInRange(0, 10_000);
        customer.BirthDate.Kind.Should().Be(DateTimeKind.Utc);
    }

    [Theory]
    [GeneratedData("customers.yaml", "customers", Count = 2, IgnoreUnmappedFields = true)]
    public void Typed_rows_of_some_fields_when_told(Customer customer)
    {
        customer.FirstName.Should().NotBeEmpty();
        customer.Amount.Should().BeInRange(0, 10_000);
    }

    [Fact]
    public async Task A_field_or_property_that_maps_to_nothing_is_an_error_naming_both_sides()
    {
        async Task<string> Error(string method, bool ignore = false)
        {
            var act = async () => await new GeneratedDataAttribute("customers.yaml", "customers") { IgnoreUnmappedFields = ignore }.GetData(typeof(TheoryDataTests).GetMethod(method, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Instance)!, new DisposalTracker());
            return (await act.Should().ThrowAsync<ArgumentException>()).Which.Message;
        }

        var fields = await Error(nameof(Typed_rows_of_some_fields_when_told));
        fields.Should().Contain("field(s) last_name, phone, city, birth_date map to no property of Customer").And.Contain("properties of Customer: Id, FirstName, Email, Amount");
        var property = await Error(nameof(Rows_with_an_extra_property), ignore: true);
        property.Should().Contain("CustomerWithExtra's LoyaltyPoints map(s) to no field").And.Contain("Fields: id, first_name");
    }

    /// <summary>Not a test: the parameter A_field_or_property_that_maps_to_nothing_is_an_error_naming_both_sides asks for.</summary>
    internal static void Rows_with_an_extra_property(CustomerWithExtra customer) => ArgumentNullException.ThrowIfNull(customer);

    [Theory]
    [GeneratedData("customers.yaml", "customers", Count = 2)]
    public void Rows_by_parameter_name(string first_name, string email, decimal amount)
    {
        email.Should().Contain("@");
        first_name.Should().NotBeEmpty();
        amount.Should().BeInRange(0, 10_000);
    }

    [Fact]
    public async Task Rows_have_stable_labels_and_follow_the_seed()
    {
        var method = typeof(TheoryDataTests).GetMethod(nameof(Dictionary_rows))!;
        async Task<List<ITheoryDataRow>> Rows(ulong seed) => [.. await new GeneratedDataAttribute("customers.yaml", "customers") { Count = 3, Seed = seed }.GetData(method, new DisposalTracker())];

        var a = await Rows(5);
        a.Select(r => r.Label).Should().Equal("customers#0", "customers#1", "customers#2");
        var b = await Rows(5);
        b.Select(r => ((IReadOnlyDictionary<string, object?>)r.GetData()[0]!)["email"]).Should().Equal(a.Select(r => ((IReadOnlyDictionary<string, object?>)r.GetData()[0]!)["email"]));
        var c = await Rows(6);
        c.Select(r => ((IReadOnlyDictionary<string, object?>)r.GetData()[0]!)["email"]).Should().NotEqual(a.Select(r => ((IReadOnlyDictionary<string, object?>)r.GetData()[0]!)["email"]));
        var act = () => new GeneratedDataAttribute("customers.yaml", "custmers").GetData(method, new DisposalTracker()).AsTask();
        (await act.Should().ThrowAsync<ArgumentException>()).WithMessage("*no model 'custmers'*");
    }

    [Theory, AutoDataGen(Seed = 3)]
    public void AutoDataGen_fills_members_named_like_people_with_realistic_values(Customer customer, string email, string city, decimal totalAmount, int anything)
    {
        customer.Email.Should().MatchRegex(@"^[^@\s]+@[^@\s]+\.[a-z]+$");
        customer.FirstName.Should().NotStartWith("FirstName").And.NotBeEmpty();
        email.Should().Contain("@");
        city.Should().NotStartWith("city");
        totalAmount.Should().BeInRange(1, 1000);
        _ = anything;
    }

    [Fact]
    public async Task AutoDataGen_values_follow_the_seed()
    {
        var method = typeof(TheoryDataTests).GetMethod(nameof(AutoDataGen_fills_members_named_like_people_with_realistic_values))!;
        async Task<string> Email(ulong seed) => (string)(await new AutoDataGenAttribute { Seed = seed }.GetData(method, new DisposalTracker())).Single().GetData()[1]!;

        (await Email(3)).Should().Be(await Email(3));
        (await Email(4)).Should().NotBe(await Email(3));
    }

    [Theory, AutoDataGen(Seed = 11)]
    public void AutoDataGen_fills_object_graphs_with_cycles(Team team)
    {
        team.Members.Should().NotBeEmpty();
        team.Members.Should().OnlyContain(m => m.Team == null, "a recursion is left null instead of failing");
        team.Lead.Should().NotBeNull();
    }

    internal static void Everything(Guid id, int number, long big, decimal price, double ratio, DateTime at, DateTimeOffset offset, DateOnly day, TimeSpan span, string text, char letter, Uri url, Team team)
        => _ = (id, number, big, price, ratio, at, offset, day, span, text, letter, url, team);

    [Fact]
    public async Task AutoDataGen_draws_every_value_from_the_seed()
    {
        var method = typeof(TheoryDataTests).GetMethod(nameof(Everything), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        async Task<string> Values(ulong seed)
        {
            var row = (await new AutoDataGenAttribute { Seed = seed }.GetData(method, new DisposalTracker())).Single().GetData();
            return System.Text.Json.JsonSerializer.Serialize(row, new System.Text.Json.JsonSerializerOptions { ReferenceHandler = System.Text.Json.Serialization.ReferenceHandler.IgnoreCycles });
        }

        var first = await Values(7);
        first.Should().Be(await Values(7), "GUIDs, numbers, dates, strings and nested objects all follow the seed");
        first.Should().NotBe(await Values(8));
        first.Should().NotContain(DateTime.UtcNow.Year.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-", "dates never come from the clock");
    }

    [Theory, FixedPriceAutoData]
    public void AutoDataGen_takes_customizations_of_a_derived_attribute(decimal price, string email)
    {
        price.Should().Be(9.99m, "the derived attribute's customization wins");
        email.Should().Contain("@", "DataGen's own values still apply");
    }
}

/// <summary>Members refer back to their team (a two-way navigation).</summary>
public sealed class Team
{
    public string Name { get; set; } = string.Empty;

    public Member? Lead { get; set; }

    public List<Member> Members { get; set; } = [];
}

public sealed class Member
{
    public string Name { get; set; } = string.Empty;

    public Team? Team { get; set; }
}

/// <summary>A user's own attribute: every decimal is 9.99.</summary>
public sealed class FixedPriceAutoDataAttribute : AutoDataGenAttribute
{
    protected override void Customize(AutoFixture.IFixture fixture) => AutoFixture.FixtureRegistrar.Inject(fixture, 9.99m);
}
