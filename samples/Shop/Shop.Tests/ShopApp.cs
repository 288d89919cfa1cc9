using DataGen.Xunit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Tests;

/// <summary>The application under test, pointed at a test class's database.</summary>
internal static class ShopApp
{
    /// <summary>One WebApplicationFactory per test class (kept by its fixture), using that class's database.</summary>
    public static WebApplicationFactory<Program> For(DataGenFixture fixture, string connectionString) =>
        fixture.Shared(() => new WebApplicationFactory<Program>()
            .WithWebHostBuilder(web => web.UseSetting("ConnectionStrings:Shop", connectionString).UseSetting("Logging:LogLevel:Default", "Warning")));

    /// <summary>Runs <paramref name="work"/> with the application's own DbContext.</summary>
    public static async Task<T> WithDbAsync<T>(this WebApplicationFactory<Program> app, Func<ShopDbContext, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ShopDbContext>());
    }
}
