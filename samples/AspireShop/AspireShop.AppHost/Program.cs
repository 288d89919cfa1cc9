using DataGen.Aspire;

var builder = DistributedApplication.CreateBuilder(args);

// PostgreSQL pinned to an image tag this machine has. POSTGRES_INITDB_ARGS is dropped so the server starts from its
// pre-made cluster (the local stand-in image cannot run Aspire's scram initdb arguments; the official image does not need them).
var postgres = builder.AddPostgres("pg")
    .WithImageTag("15.1")
    .WithEnvironment(context => context.EnvironmentVariables.Remove("POSTGRES_INITDB_ARGS"));
var shop = postgres.AddDatabase("shop");

// The order-events topic. There is no Kafka image here: librdkafka's mock cluster in the app host process stands in
// for a broker, exposed as a connection-string resource (swap in builder.AddKafka("events") where a broker image exists).
var events = builder.AddEmbeddedKafka("events", topics: ["order-events"]);

// The app's migrations run first; DataGen loads when they have completed.
var migrator = builder.AddProject<Projects.AspireShop_Migrator>("migrator")
    .WithReference(shop, "Shop")
    .WaitFor(shop);

if (builder.Configuration["Seeding"] == "ef")
{
    // The comparison: the same app model seeded by hand in EF Core's UseAsyncSeeding (bench/DataGen.Benchmarks aspire).
    migrator.WithEnvironment("ASPIRESHOP_SEEDING", "ef");
}
else
{
    shop.WithDataGen("aspireshop.yaml", configure: data => data.WaitForCompletion(migrator));
    events.WithDataGen("aspireshop.yaml");
}

builder.AddProject<Projects.Shop_Api>("api")
    .WithHttpEndpoint()
    .WithReference(shop, "Shop")
    .WaitForCompletion(migrator);

builder.Build().Run();
