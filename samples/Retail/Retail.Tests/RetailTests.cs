using AwesomeAssertions;
using DataGen.Xunit;
using Npgsql;
using Retail.Analytics;
using Xunit;

namespace Retail.Tests;

/// <summary>The retail files in PostgreSQL (3,000 customers, one year): the queries and the deduplicator under test.</summary>
[SeededWith("retail.yaml", Variables = ["customers=3000", "history=-1y"])]
public sealed class RetailTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    private async Task<List<CustomerRecord>> CustomersAsync()
    {
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT customer_id, first_name, last_name, email, phone, birth_date, cluster_id FROM customers", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var records = new List<CustomerRecord>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            records.Add(new CustomerRecord(reader.GetInt64(0), Text(1), Text(2), Text(3), Text(4), reader.IsDBNull(5) ? null : DateOnly.FromDateTime(reader.GetDateTime(5))));
            _truth[reader.GetInt64(0)] = reader.GetInt64(6);
        }

        return records;
    }

    private readonly Dictionary<long, long> _truth = [];

    [Fact]
    public async Task Top_spenders_match_the_transactions()
    {
        var top = await new CustomerQueries(db.ConnectionString).TopSpendersAsync(10, TestContext.Current.CancellationToken);

        top.Should().HaveCount(10);
        top.Select(s => s.Spend).Should().BeInDescendingOrder();
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT sum(amount) FROM ecommerce_transactions WHERE customer_id = @id", connection);
        command.Parameters.AddWithValue("id", top[0].CustomerId);
        ((decimal)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!).Should().Be(top[0].Spend);
    }

    [Fact]
    public async Task The_deduplicator_is_scored_against_the_ground_truth()
    {
        var records = await CustomersAsync();
        var predicted = Deduplicator.Cluster(records);

        // Pairwise precision and recall: a pair is "same entity" when both records share a cluster.
        static HashSet<(long, long)> Pairs(IReadOnlyDictionary<long, long> clusters) =>
            clusters.GroupBy(kv => kv.Value).SelectMany(g => g.Select(kv => kv.Key).Order().ToList() is var ids
                ? ids.SelectMany((a, i) => ids.Skip(i + 1).Select(b => (a, b)))
                : []).ToHashSet();
        var truePairs = Pairs(_truth);
        var predictedPairs = Pairs(predicted);
        var hits = predictedPairs.Count(truePairs.Contains);
        var precision = predictedPairs.Count == 0 ? 0 : (double)hits / predictedPairs.Count;
        var recall = (double)hits / truePairs.Count;
        TestContext.Current.TestOutputHelper!.WriteLine($"duplicate pairs {truePairs.Count}, predicted {predictedPairs.Count}, precision {precision:P1}, recall {recall:P1}");

        truePairs.Count.Should().BeGreaterThan(300, "about 15 % of 3,000 customers are duplicates");
        precision.Should().BeGreaterThan(0.9);
        recall.Should().BeGreaterThan(0.6);
    }
}
