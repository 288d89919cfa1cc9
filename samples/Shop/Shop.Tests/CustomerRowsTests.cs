using AwesomeAssertions;
using DataGen.Xunit;
using Xunit;

namespace Shop.Tests;

/// <summary>Generated rows as the application's own entity type, no database needed.</summary>
public sealed class CustomerRowsTests
{
    [Theory]
    [GeneratedData("shop.yaml", "customers", Count = 5, Schema = typeof(ShopDbContext))]
    public void Generated_customers_are_valid_entities(Customer customer)
    {
        customer.Id.Should().BePositive();
        customer.Email.Should().Contain("@");
        customer.Name.Length.Should().BeInRange(1, 100);
        Enum.IsDefined(customer.Tier).Should().BeTrue();
        customer.ShippingAddress.City.Should().NotBeNullOrEmpty("owned-type columns map onto the owned object");
        customer.CreatedAt.Should().BeBefore(new DateTime(2025, 6, 2, 0, 0, 0, DateTimeKind.Utc));
    }
}
