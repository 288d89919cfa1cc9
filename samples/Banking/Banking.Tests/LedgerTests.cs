using AwesomeAssertions;
using Banking.Ledger;
using DataGen.Xunit;
using Xunit;

namespace Banking.Tests;

/// <summary>
/// A day of 500 simulated accounts as transaction events in Kafka (the embedded cluster in .ci/run with DATAGEN_KAFKA=auto,
/// a broker container where Docker can pull one); the ledger's balances must equal the simulation's own final state.
/// </summary>
[Simulate(typeof(BankingModel), Subjects = 500, Ticks = 1_440, TickLength = "1m", Target = "bank-transactions")]
public sealed class LedgerTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    [Fact]
    public void The_ledger_matches_every_accounts_final_balance()
    {
        var simulation = kafka.Simulation!;
        var ledger = new Ledger.Ledger();
        ledger.Consume(kafka.ConsumerConfig(), kafka.Topic("bank-transactions"), partitions: 3, expected: simulation.Events, TimeSpan.FromSeconds(60));

        ledger.Applied.Should().Be(simulation.Events);
        simulation.EventsByTrigger["spend"].Should().BeGreaterThan(0);
        foreach (var account in simulation.Subjects)
        {
            ledger.Balances.GetValueOrDefault((long)account.Id).Should().Be((decimal)account.Attributes["balance"]!, $"account {account.Id}");
        }
    }

    [Fact]
    public void No_account_goes_negative()
    {
        kafka.Simulation!.Subjects.Should().OnlyContain(s => (decimal)s.Attributes["balance"]! >= 0);
    }
}
