using Microsoft.EntityFrameworkCore;
using Shop;

namespace AspireShop.Migrator;

/// <summary>
/// The comparison the DataGen docs and benchmark measure against: seeding the way an EF Core app does it by hand, in a
/// <c>UseAsyncSeeding</c> callback (run by <c>MigrateAsync</c>), with about the rows aspireshop.yaml makes.
/// </summary>
public static class EfSeeding
{
    /// <summary>Adds the seed callback to the options.</summary>
    public static DbContextOptionsBuilder<ShopDbContext> UseShopSeeding(this DbContextOptionsBuilder<ShopDbContext> options) =>
        options.UseAsyncSeeding(async (context, _, cancellationToken) => await SeedAsync((ShopDbContext)context, cancellationToken));

    /// <summary>Inserts tags, products, customers, orders and lines when there are no customers.</summary>
    public static async Task SeedAsync(ShopDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Customers.AnyAsync(cancellationToken))
        {
            return;
        }

        var random = new Random(2024);
        var tags = Enumerable.Range(1, 8).Select(i => new Tag { Name = $"tag-{i}" }).ToList();
        var products = Enumerable.Range(1, 40).Select(i => (Product)(i % 4 == 0
            ? new DigitalProduct { Sku = $"D-{i:0000}", Name = $"Download {i}", Price = 5 + i, DownloadUrl = $"https://example.com/d/{i}" }
            : new PhysicalProduct { Sku = $"P-{i:0000}", Name = $"Product {i}", Price = 10 + i, WeightGrams = 100 * i })).ToList();
        foreach (var product in products)
        {
            product.Tags.AddRange(tags.OrderBy(_ => random.Next()).Take(random.Next(0, 3)));
        }

        var reference = new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        var tiers = new[] { CustomerTier.Standard, CustomerTier.Standard, CustomerTier.Standard, CustomerTier.Silver, CustomerTier.Gold };
        var customers = Enumerable.Range(1, 200).Select(i => new Customer
        {
            Email = $"customer{i}@example.com",
            Name = $"Customer {i}",
            Tier = tiers[random.Next(tiers.Length)],
            CreatedAt = reference.AddDays(-random.Next(1, 1000)),
            ShippingAddress = new Address { Street = $"{i} Main St", City = "Springfield", PostalCode = $"{10000 + i}" },
            Orders = Enumerable.Range(0, random.Next(0, 5)).Select(_ => new Order
            {
                PlacedAt = reference.AddDays(-random.Next(1, 365)),
                Status = OrderStatus.Placed,
                Lines = Enumerable.Range(0, random.Next(1, 4)).Select(_ => products[random.Next(products.Count)] is var p
                    ? new OrderLine { Product = p, Quantity = random.Next(1, 5), UnitPrice = p.Price }
                    : throw new InvalidOperationException()).ToList(),
            }).ToList(),
        }).ToList();
        db.Tags.AddRange(tags);
        db.Products.AddRange(products);
        db.Customers.AddRange(customers);
        await db.SaveChangesAsync(cancellationToken);
    }
}
