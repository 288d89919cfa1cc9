using Microsoft.EntityFrameworkCore;
using Shop;

var builder = WebApplication.CreateBuilder(args);
var connectionString = builder.Configuration.GetConnectionString("Shop")
    ?? throw new InvalidOperationException("ConnectionStrings:Shop is not set");

// PostgreSQL, as in production. The tests point this context at their own database (PostgreSQL or SQLite) with
// DataGen.EntityFrameworkCore's PointDbContextAt, without the application knowing.
builder.Services.AddDbContext<ShopDbContext>(options => options.UseNpgsql(connectionString));

var app = builder.Build();

app.MapGet("/customers/{id:int}", async (int id, ShopDbContext db, CancellationToken cancellationToken) =>
    await db.Customers.Where(c => c.Id == id)
        .Select(c => new CustomerSummary(c.Id, c.Name, c.Email, c.Tier.ToString(), c.ShippingAddress.City, c.Orders.Count))
        .FirstOrDefaultAsync(cancellationToken) is { } customer
        ? Results.Ok(customer)
        : Results.NotFound());

app.MapGet("/customers/{id:int}/orders", async (int id, ShopDbContext db, CancellationToken cancellationToken) =>
    Results.Ok(await db.Orders.Where(o => o.CustomerId == id).OrderBy(o => o.Id)
        .Select(o => new OrderSummary(o.Id, o.PlacedAt, o.Status.ToString(), o.Lines.Sum(l => l.Quantity * l.UnitPrice)))
        .ToListAsync(cancellationToken)));

app.MapPost("/customers", async (RegisterCustomer request, ShopDbContext db, CancellationToken cancellationToken) =>
{
    if (await db.Customers.AnyAsync(c => c.Email == request.Email, cancellationToken))
    {
        return Results.Conflict($"{request.Email} is registered");
    }

    var customer = new Customer
    {
        Email = request.Email,
        Name = request.Name,
        Tier = CustomerTier.Standard,
        CreatedAt = DateTime.UtcNow,
        ShippingAddress = new Address { Street = request.Street, City = request.City, PostalCode = request.PostalCode },
    };
    db.Customers.Add(customer);
    await db.SaveChangesAsync(cancellationToken);
    return Results.Created($"/customers/{customer.Id}", new { customer.Id });
});

app.MapPost("/orders", async (PlaceOrder request, ShopDbContext db, CancellationToken cancellationToken) =>
{
    if (request.Lines.Count == 0 || request.Lines.Any(l => l.Quantity is < 1 or > 100))
    {
        return Results.ValidationProblem(new Dictionary<string, string[]> { ["lines"] = ["an order needs lines of 1 to 100 items"] });
    }

    if (!await db.Customers.AnyAsync(c => c.Id == request.CustomerId, cancellationToken))
    {
        return Results.NotFound($"customer {request.CustomerId}");
    }

    var ids = request.Lines.Select(l => l.ProductId).Distinct().ToList();
    var prices = await db.Products.Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Price, cancellationToken);
    if (prices.Count != ids.Count)
    {
        return Results.NotFound($"products {string.Join(", ", ids.Except(prices.Keys))}");
    }

    var order = new Order
    {
        CustomerId = request.CustomerId,
        PlacedAt = DateTime.UtcNow,
        Status = OrderStatus.Placed,
        Lines = request.Lines.Select(l => new OrderLine { ProductId = l.ProductId, Quantity = l.Quantity, UnitPrice = prices[l.ProductId] }).ToList(),
    };
    db.Orders.Add(order);
    await db.SaveChangesAsync(cancellationToken);
    return Results.Created($"/orders/{order.Id}", new { order.Id });
});

await app.RunAsync();

public sealed record CustomerSummary(int Id, string Name, string Email, string Tier, string City, int Orders);

public sealed record OrderSummary(int Id, DateTime PlacedAt, string Status, decimal Total);

public sealed record RegisterCustomer(string Name, string Email, string Street, string City, string PostalCode);

public sealed record PlaceOrder(int CustomerId, List<PlaceOrderLine> Lines);

public sealed record PlaceOrderLine(int ProductId, int Quantity);

/// <summary>The entry point, for WebApplicationFactory.</summary>
public partial class Program;
