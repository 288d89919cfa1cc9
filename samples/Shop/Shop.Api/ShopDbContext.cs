using Microsoft.EntityFrameworkCore;

namespace Shop;

/// <summary>The shop's data: customers with an owned address, products (physical or digital, one table) with tags, orders and their lines.</summary>
public sealed class ShopDbContext(DbContextOptions<ShopDbContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<Product> Products => Set<Product>();

    public DbSet<Tag> Tags => Set<Tag>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<OrderLine> OrderLines => Set<OrderLine>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Customer>(customer =>
        {
            customer.Property(c => c.Email).HasMaxLength(200);
            customer.HasIndex(c => c.Email).IsUnique();
            customer.Property(c => c.Name).HasMaxLength(100);
            customer.Property(c => c.Tier).HasConversion<string>().HasMaxLength(20);
            customer.OwnsOne(c => c.ShippingAddress, address =>
            {
                address.Property(a => a.Street).HasMaxLength(120);
                address.Property(a => a.City).HasMaxLength(60);
                address.Property(a => a.PostalCode).HasMaxLength(12);
            });
        });

        modelBuilder.Entity<Product>(product =>
        {
            product.Property(p => p.Sku).HasMaxLength(20);
            product.HasIndex(p => p.Sku).IsUnique();
            product.Property(p => p.Name).HasMaxLength(100);
            product.Property(p => p.Price).HasPrecision(10, 2);
            product.ToTable(t => t.HasCheckConstraint("CK_Products_Price", "\"Price\" > 0"));
            product.HasDiscriminator<string>("Kind").HasValue<PhysicalProduct>("physical").HasValue<DigitalProduct>("digital");
            product.Property("Kind").HasMaxLength(10);
            product.HasMany(p => p.Tags).WithMany(t => t.Products);
        });

        modelBuilder.Entity<DigitalProduct>().Property(p => p.DownloadUrl).HasMaxLength(200);
        modelBuilder.Entity<Tag>(tag =>
        {
            tag.Property(t => t.Name).HasMaxLength(40);
            tag.HasIndex(t => t.Name).IsUnique();
        });

        modelBuilder.Entity<Order>(order =>
        {
            order.HasOne(o => o.Customer).WithMany(c => c.Orders).HasForeignKey(o => o.CustomerId);
            order.HasMany(o => o.Lines).WithOne(l => l.Order).HasForeignKey(l => l.OrderId);
        });

        modelBuilder.Entity<OrderLine>(line =>
        {
            line.Property(l => l.UnitPrice).HasPrecision(10, 2);
            line.ToTable(t => t.HasCheckConstraint("CK_OrderLines_Quantity", "\"Quantity\" BETWEEN 1 AND 100"));
            line.HasOne(l => l.Product).WithMany().HasForeignKey(l => l.ProductId);
        });
    }
}

public enum CustomerTier
{
    Standard,
    Silver,
    Gold,
}

public enum OrderStatus
{
    Placed = 1,
    Paid = 2,
    Shipped = 3,
    Cancelled = 9,
}

public sealed class Customer
{
    public int Id { get; set; }

    public required string Email { get; set; }

    public required string Name { get; set; }

    public CustomerTier Tier { get; set; }

    public DateTime CreatedAt { get; set; }

    public Address ShippingAddress { get; set; } = new();

    public List<Order> Orders { get; set; } = [];
}

public sealed class Address
{
    public string Street { get; set; } = string.Empty;

    public string City { get; set; } = string.Empty;

    public string PostalCode { get; set; } = string.Empty;
}

public abstract class Product
{
    public int Id { get; set; }

    public required string Sku { get; set; }

    public required string Name { get; set; }

    public decimal Price { get; set; }

    public List<Tag> Tags { get; set; } = [];
}

public sealed class PhysicalProduct : Product
{
    public int WeightGrams { get; set; }
}

public sealed class DigitalProduct : Product
{
    public required string DownloadUrl { get; set; }
}

public sealed class Tag
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public List<Product> Products { get; set; } = [];
}

public sealed class Order
{
    public int Id { get; set; }

    public int CustomerId { get; set; }

    public Customer? Customer { get; set; }

    public DateTime PlacedAt { get; set; }

    public OrderStatus Status { get; set; }

    public List<OrderLine> Lines { get; set; } = [];
}

public sealed class OrderLine
{
    public int Id { get; set; }

    public int OrderId { get; set; }

    public Order? Order { get; set; }

    public int ProductId { get; set; }

    public Product? Product { get; set; }

    public int Quantity { get; set; }

    public decimal UnitPrice { get; set; }
}
