namespace DataGen.Core.Tests.Duplicates;

/// <summary>samples/Retail/retail.yaml: every file joins to customers by customer_id; duplicates and history are configurable.</summary>
public sealed class RetailSampleTests
{
    private static async Task<Dictionary<string, List<Dictionary<string, object?>>>> Generate(params (string Name, string Value)[] variables)
    {
        var manifest = await Manifest.LoadAsync(
            TestGeneration.SamplePath("retail-analytics.yaml"),
            new ManifestOptions { Environment = _ => null, Variables = variables.Append(("customers", "4000")).ToDictionary(v => v.Item1, v => v.Item2) },
            TestContext.Current.CancellationToken);
        return await TestGeneration.RecordsAsync(manifest);
    }

    [Fact]
    public async Task Every_file_joins_to_customers_and_about_15_percent_of_customers_are_duplicates()
    {
        var records = await Generate();

        var customers = records["customers"];
        customers.Should().HaveCount(4003, "4,000 generated plus 3 tracers");
        customers.TakeLast(3).Select(c => c["last_name"]).Should().Equal("Tracer", "Tracer", "O'Tracer");
        var ids = customers.Select(c => c["customer_id"]).ToHashSet();
        var duplicateShare = customers.Count(c => !Equals(c["cluster_id"], c["customer_id"])) / (double)customers.Count;
        duplicateShare.Should().BeInRange(0.12, 0.18);

        records.Keys.Should().BeEquivalentTo(["customers", "ecommerce_transactions", "pos_customers", "pos_transactions", "loyalty_members", "email_campaigns", "clickstream", "mobile_events", "wifi_events", "safety_inspections"]);
        foreach (var (model, rows) in records.Where(r => r.Key != "customers"))
        {
            rows.Should().NotBeEmpty();
            rows.Where(r => r["customer_id"] is not null).Should().OnlyContain(r => ids.Contains(r["customer_id"]), $"{model} joins by customer_id");
        }
    }

    [Fact]
    public async Task Last_24_hours_mode_keeps_every_event_within_a_day_of_the_reference_date()
    {
        var records = await Generate(("history", "-1d"), ("duplicate_rate", "0"));
        var reference = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        records["ecommerce_transactions"].Select(r => (DateTime)r["ordered_at"]!).Should().OnlyContain(t => t >= reference.AddDays(-1) && t <= reference);
        records["clickstream"].Select(r => (DateTime)r["at"]!).Should().OnlyContain(t => t >= reference.AddDays(-1) && t <= reference);
        records["customers"].Should().OnlyContain(c => Equals(c["cluster_id"], c["customer_id"]), "a 0 % rate makes no duplicates");
    }
}
