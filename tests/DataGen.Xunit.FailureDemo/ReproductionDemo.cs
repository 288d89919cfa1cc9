using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace DataGen.Xunit.FailureDemo;

/// <summary>Fails on purpose: its output must carry the seed and a line that loads the same data again.</summary>
[SeededWith("customers.yaml", Scale = 0.002)]
public sealed class ReproductionDemo(SqliteFixture db) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task Fails_on_purpose()
    {
        var text = new StringBuilder();
        await using (var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken))
        await using (var command = new SqliteCommand("SELECT * FROM customers ORDER BY rowid", connection))
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.GetValue(i)).Append('|');
                }

                text.Append('\n');
            }
        }

        TestContext.Current.TestOutputHelper!.WriteLine($"data digest: {Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))}");
        Assert.Fail("this test fails on purpose, to show the reproduction line");
    }

    [Fact]
    public void Passes_quietly() => db.Counts["customers"].Should().Be(200);
}

/// <summary>A theory fed by [GeneratedData] that fails on purpose: it prints the seed and the reproduction line too.</summary>
public sealed class GeneratedDataDemo
{
    [Theory]
    [GeneratedData("customers.yaml", "customers", Count = 1)]
    public void Theory_fails_on_purpose(IReadOnlyDictionary<string, object?> customer) =>
        Assert.Fail($"this theory fails on purpose ({customer["email"]}), to show the reproduction line");
}

/// <summary>An [AutoDataGen] theory that fails on purpose.</summary>
public sealed class AutoDataGenDemo
{
    [Theory]
    [AutoDataGen]
    public void Auto_theory_fails_on_purpose(string email) => Assert.Fail($"this theory fails on purpose ({email})");
}

/// <summary>
/// Fails on purpose on Kafka: the backend comes from DATAGEN_KAFKA (a mode, not a secret), so the reproduction line must
/// carry it — without it the printed line would run a container broker, or skip where there is none.
/// </summary>
[SeededWith("customers.yaml", Scale = 0.002)]
public sealed class KafkaReproductionDemo(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    [Fact]
    public void Kafka_fails_on_purpose()
    {
        TestContext.Current.TestOutputHelper!.WriteLine($"kafka backend: {kafka.Backend}; {kafka.Counts["customers"]} customers");
        Assert.Fail("this Kafka test fails on purpose, to show the reproduction line");
    }
}
