using Confluent.Kafka;
using DataGen.Outputs;
using Testcontainers.Kafka;

namespace DataGen.Kafka.Tests;

/// <summary>The same load against a real broker (topics through the admin API), where its image can be had.</summary>
public sealed class KafkaBrokerTests : IAsyncLifetime
{
    private const string Image = "confluentinc/cp-kafka:7.5.12";
    private KafkaContainer? _container;

    public async ValueTask InitializeAsync()
    {
        if (DataGen.Xunit.DataGenContainers.WhyUnavailable(Image) is null)
        {
            _container = new KafkaBuilder(Image).Build();
            await _container.StartAsync(TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_real_broker_receives_every_row_and_a_second_load_is_a_conflict()
    {
        Assert.SkipWhen(_container is null, DataGen.Xunit.DataGenContainers.WhyUnavailable(Image) ?? string.Empty);
        var manifest = Manifest.Parse("models:\n  orders:\n    count: 1000\n    key: id\n    fields: { id: uuid, total: { type: decimal, min: 1, max: 100 } }");
        await using (var output = KafkaOutput.Create(_container!.GetBootstrapAddress(), new KafkaOutputOptions { Partitions = 3 }))
        {
            (await DataGenerator.GenerateAsync(manifest, output, cancellationToken: TestContext.Current.CancellationToken)).TotalRows.Should().Be(1000);
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _container.GetBootstrapAddress() }).Build();
        admin.GetMetadata("orders", TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Should().HaveCount(3);

        await using var again = KafkaOutput.Create(_container.GetBootstrapAddress());
        var act = () => DataGenerator.GenerateAsync(manifest, again, cancellationToken: TestContext.Current.CancellationToken);
        await act.Should().ThrowAsync<StoreConflictException>();
    }
}
