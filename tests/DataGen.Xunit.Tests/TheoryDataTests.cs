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
    public void Typed_rows(Customer customer)
    {
        customer.Id.Should().NotBe(Guid.Empty);
        customer.Email.Should().Contain("@");
        customer.FirstName.Should().NotBeEmpty();
    }

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
}
