using System.Text.Json;
using Confluent.Kafka;

namespace Banking.Ledger;

/// <summary>Keeps every account's balance from transaction events: income adds, spend and loan repayments subtract, loans add.</summary>
public sealed class Ledger
{
    private readonly Dictionary<long, decimal> _balances = [];

    /// <summary>Balances by account.</summary>
    public IReadOnlyDictionary<long, decimal> Balances => _balances;

    /// <summary>Events applied.</summary>
    public long Applied { get; private set; }

    /// <summary>Applies one event (JSON with subject, trigger and amount); events without money are counted and ignored.</summary>
    public void Apply(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        var account = root.GetProperty("subject").GetInt64();
        var amount = root.TryGetProperty("amount", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDecimal() : 0m;
        var change = root.GetProperty("trigger").GetString() switch
        {
            "income" or "take_loan" => amount,
            "spend" => -amount,
            _ => 0m,
        };
        _balances[account] = _balances.GetValueOrDefault(account) + change;
        Applied++;
    }

    /// <summary>Reads <paramref name="expected"/> events from every partition of <paramref name="topic"/> (from the beginning) and applies them.</summary>
    public void Consume(ConsumerConfig config, string topic, int partitions, long expected, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var deadline = DateTime.UtcNow + timeout;
        while (Applied < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } message)
            {
                Apply(message.Message.Value);
            }
        }
    }
}
