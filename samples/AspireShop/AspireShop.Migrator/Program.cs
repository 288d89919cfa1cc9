using AspireShop.Migrator;
using Microsoft.EntityFrameworkCore;
using Shop;

// Applies Shop.Api's EF Core migrations to ConnectionStrings:Shop and exits: the app host runs it before DataGen loads
// (WaitForCompletion), the way an Aspire app runs its migrations. With ASPIRESHOP_SEEDING=ef it also seeds by hand
// through EF's UseAsyncSeeding (the comparison the benchmark measures).
var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Shop")
    ?? throw new InvalidOperationException("ConnectionStrings__Shop is not set");
var options = new DbContextOptionsBuilder<ShopDbContext>().UseNpgsql(connectionString);
if (Environment.GetEnvironmentVariable("ASPIRESHOP_SEEDING") == "ef")
{
    options.UseShopSeeding();
}

await using var db = new ShopDbContext(options.Options);
await db.Database.MigrateAsync();
Console.WriteLine($"migrations applied: {string.Join(", ", await db.Database.GetAppliedMigrationsAsync())}");
