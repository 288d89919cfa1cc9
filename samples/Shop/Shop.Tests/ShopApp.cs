using DataGen.EntityFrameworkCore;
using DataGen.Xunit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Tests;

/// <summary>The application under test, pointed at a test class's database.</summary>
internal static class ShopApp
{
    /// <summary>Where the application's own configuration points: nowhere a test can reach, so a context the tests did not re-point fails loudly.</summary>
    public const string ProductionConnectionString = "Host=shop-db.invalid;Database=shop;Username=shop";

    /// <summary>
    /// One WebApplicationFactory per test class (kept by its fixture). The application registers its context with
    /// UseNpgsql; PointDbContextAt points it at the class's database on the fixture's store (PostgreSQL, or SQLite:
    /// the provider is swapped) with no other change to the application's services.
    /// </summary>
    public static WebApplicationFactory<Program> For(DataGenFixture fixture, string connectionString) =>
        fixture.Shared(() => new WebApplicationFactory<Program>()
            .WithWebHostBuilder(web => web
                .UseSetting("ConnectionStrings:Shop", ProductionConnectionString)
                .UseSetting("Logging:LogLevel:Default", "Warning")
                .ConfigureTestServices(services => services.PointDbContextAt<ShopDbContext>(fixture.Store, connectionString))));

    /// <summary>Runs <paramref name="work"/> with the application's own DbContext.</summary>
    public static async Task<T> WithDbAsync<T>(this WebApplicationFactory<Program> app, Func<ShopDbContext, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ShopDbContext>());
    }
}
