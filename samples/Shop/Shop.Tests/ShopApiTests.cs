using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using AwesomeAssertions;
using DataGen.Xunit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Shop.Tests;

/// <summary>
/// The shop's API over its own schema: ShopDbContext's migrations (PostgreSQL) or its model (SQLite) make the tables,
/// DataGen fills them from shop.yaml — which names only counts and a few columns; the rest is inferred from the EF
/// model — and restores them after every test, identity sequences included.
/// </summary>
[SeededWith("shop.yaml", Schema = typeof(ShopDbContext))]
public abstract class ShopApiTests(DataGenFixture db, Func<string> connectionString)
{
    private WebApplicationFactory<Program> App => ShopApp.For(db, connectionString());

    [Fact]
    public async Task The_application_s_context_uses_the_class_database_on_the_fixture_s_store()
    {
        var (provider, connection) = await App.WithDbAsync(shop => Task.FromResult((shop.Database.ProviderName, shop.Database.GetConnectionString())));

        provider.Should().Be(db.Store == "sqlite" ? "Microsoft.EntityFrameworkCore.Sqlite" : "Npgsql.EntityFrameworkCore.PostgreSQL", "the application's UseNpgsql is swapped for the fixture's store");
        connection.Should().Be(connectionString()).And.NotBe(ShopApp.ProductionConnectionString);
    }

    [Fact]
    public async Task Customer_emails_are_made_from_their_names_and_unique()
    {
        // shop.yaml says nothing about Email: the column (unique in the model) is inferred from the row's own Name.
        var customers = await App.WithDbAsync(shop => shop.Customers.ToListAsync(TestContext.Current.CancellationToken));

        customers.Select(c => c.Email).Should().OnlyHaveUniqueItems();
        customers.Should().OnlyContain(c => c.Email.StartsWith(Regex.Replace(c.Name.Replace(" ", string.Empty, StringComparison.Ordinal), @"[^\w.\-]+", string.Empty), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_customer_reads_back_as_generated()
    {
        var customer = await App.WithDbAsync(shop => shop.Customers.Include(c => c.Orders).OrderBy(c => c.Id).Skip(17).FirstAsync(TestContext.Current.CancellationToken));

        var summary = await App.CreateClient().GetFromJsonAsync<CustomerSummary>($"/customers/{customer.Id}", TestContext.Current.CancellationToken);

        summary.Should().Be(new CustomerSummary(customer.Id, customer.Name, customer.Email, customer.Tier.ToString(), customer.ShippingAddress.City, customer.Orders.Count));
    }

    [Fact]
    public async Task Every_table_is_loaded_and_reads_back_through_the_model()
    {
        var ct = TestContext.Current.CancellationToken;
        var counts = await App.WithDbAsync(async shop => new Dictionary<string, long>
        {
            ["customers"] = await shop.Customers.LongCountAsync(ct),
            ["products"] = await shop.Products.LongCountAsync(ct),
            ["tags"] = await shop.Tags.LongCountAsync(ct),
            ["orders"] = await shop.Orders.LongCountAsync(ct),
            ["order_lines"] = await shop.OrderLines.LongCountAsync(ct),
        });
        foreach (var (model, count) in counts)
        {
            count.Should().Be(db.Counts[model], model);
        }

        counts["customers"].Should().Be(200);
        var products = await App.WithDbAsync(shop => shop.Products.Include(p => p.Tags).ToListAsync(ct));
        products.Should().Contain(p => p is PhysicalProduct).And.Contain(p => p is DigitalProduct, "the discriminator takes the model's values");
        products.SelectMany(p => p.Tags).Should().HaveCount((int)db.Counts["ProductTag"], "the many-to-many join table is a model too");
        var orders = await App.WithDbAsync(shop => shop.Orders.Include(o => o.Lines).ToListAsync(ct));
        orders.Select(o => o.Status).Should().OnlyContain(s => Enum.IsDefined(s), "an enum column gets the enum's values");
        orders.SelectMany(o => o.Lines).Should().OnlyContain(l => l.Quantity >= 1 && l.Quantity <= 100, "the CHECK constraint bounds the quantity");
        orders.Should().OnlyContain(o => o.Lines.Count >= 1 && o.Lines.Count <= 3);
    }

    [Fact]
    public Task Placing_an_order_takes_the_next_id() => PlaceOrderAndCheckTheIdAsync();

    [Fact]
    public Task Placing_an_order_again_takes_the_same_id_because_the_baseline_is_back() => PlaceOrderAndCheckTheIdAsync();

    [Fact]
    public async Task New_entities_save_after_the_load()
    {
        var ct = TestContext.Current.CancellationToken;
        var (customerId, orderId) = await App.WithDbAsync(async shop =>
        {
            var tag = new Tag { Name = "new-arrivals" };
            var product = new DigitalProduct { Sku = "NEW-0001", Name = "Gift card", Price = 25m, DownloadUrl = "https://shop.test/gift", Tags = [tag] };
            var customer = new Customer { Email = "first.new@shop.test", Name = "First New", CreatedAt = DateTime.UtcNow, ShippingAddress = new Address { Street = "1 Main St", City = "Springfield", PostalCode = "12345" } };
            var order = new Order { Customer = customer, PlacedAt = DateTime.UtcNow, Status = OrderStatus.Placed, Lines = [new OrderLine { Product = product, Quantity = 2, UnitPrice = 25m }] };
            shop.AddRange(tag, product, customer, order);
            await shop.SaveChangesAsync(ct);
            return (customer.Id, order.Id);
        });

        customerId.Should().Be((int)db.Counts["customers"] + 1, "the identity sequence was moved past the loaded keys");
        orderId.Should().Be((int)db.Counts["orders"] + 1);
    }

    [Theory]
    [AutoDataGen]
    public async Task A_registered_customer_can_be_read(RegisterCustomer request)
    {
        var created = await App.CreateClient().PostAsJsonAsync("/customers", request, TestContext.Current.CancellationToken);
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        var summary = await App.CreateClient().GetFromJsonAsync<CustomerSummary>(created.Headers.Location, TestContext.Current.CancellationToken);

        summary!.Email.Should().Be(request.Email).And.Contain("@", "[AutoDataGen] gives an email property an email");
        summary.City.Should().Be(request.City);
    }

    private async Task PlaceOrderAndCheckTheIdAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var (orders, lastId, customerId, productId) = await App.WithDbAsync(async shop =>
            (await shop.Orders.CountAsync(ct), await shop.Orders.MaxAsync(o => o.Id, ct), await shop.Customers.Select(c => c.Id).FirstAsync(ct), await shop.Products.Select(p => p.Id).FirstAsync(ct)));
        orders.Should().Be((int)db.Counts["orders"], "every test starts from the seeded baseline");

        var response = await App.CreateClient().PostAsJsonAsync("/orders", new PlaceOrder(customerId, [new PlaceOrderLine(productId, 3)]), ct);

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(ct));
        (await response.Content.ReadFromJsonAsync<Created>(ct))!.Id.Should().Be(lastId + 1, "the sequence is back where the load left it");
    }

    private sealed record Created(int Id);
}

/// <summary>The shop on PostgreSQL (a container, or DATAGEN_POSTGRES_CONNECTION), its schema from its migrations.</summary>
public sealed class ShopOnPostgresTests(PostgresFixture db) : ShopApiTests(db, () => db.ConnectionString), IClassFixture<PostgresFixture>;

/// <summary>The shop on SQLite — no Docker — its schema from its model (the migrations are PostgreSQL's).</summary>
public sealed class ShopOnSqliteTests(SqliteFixture db) : ShopApiTests(db, () => db.ConnectionString), IClassFixture<SqliteFixture>;
