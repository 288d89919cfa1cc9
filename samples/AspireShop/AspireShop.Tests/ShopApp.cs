using DataGen.Xunit.Aspire;

namespace AspireShop.Tests;

/// <summary>The AspireShop app model (PostgreSQL, the order-events topic, the migrator, the API), started once per test class.</summary>
public sealed class ShopApp : AspireFixture<Projects.AspireShop_AppHost>;
