using Microsoft.EntityFrameworkCore;
using Shop;

// Applies Shop.Api's EF Core migrations to ConnectionStrings:Shop and exits: the app host runs it before DataGen loads
// (WaitForCompletion), the way an Aspire app runs its migrations.
var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Shop")
    ?? throw new InvalidOperationException("ConnectionStrings__Shop is not set");
var options = new DbContextOptionsBuilder<ShopDbContext>().UseNpgsql(connectionString).Options;
await using var db = new ShopDbContext(options);
await db.Database.MigrateAsync();
Console.WriteLine($"migrations applied: {string.Join(", ", await db.Database.GetAppliedMigrationsAsync())}");
