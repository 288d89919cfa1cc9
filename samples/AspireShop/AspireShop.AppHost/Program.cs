var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("pg").WithImageTag("15.1");
var shop = postgres.AddDatabase("shop");
builder.AddProject<Projects.Shop_Api>("api").WithReference(shop, "Shop").WaitFor(shop);

builder.Build().Run();
