namespace DataGen.Kafka.Tests;

public sealed class KafkaDatastoreTests
{
    private static KafkaOutputOptions Options(string settings) =>
        KafkaStoreProvider.Instance.OptionsFor(Manifest.Parse($"""
            datastores:
              events: {"{"} kind: kafka, bootstrapServers: "127.0.0.1:9092"{settings} {"}"}
            models:
              m: {"{"} count: 1, store: events, fields: {"{"} id: uuid {"}"} {"}"}
            """).Datastores.Single());

    [Fact]
    public void Settings_become_output_options()
    {
        var options = Options(", partitions: 6, keyField: customer_id, timestampField: at, headerFields: \"source, region\"");

        options.Partitions.Should().Be(6);
        options.KeyField.Should().Be("customer_id");
        options.TimestampField.Should().Be("at");
        options.HeaderFields.Should().Equal("source", "region");
    }

    [Fact]
    public void Unset_settings_take_the_defaults()
    {
        var options = Options(string.Empty);

        options.Should().BeEquivalentTo(new KafkaOutputOptions());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("three")]
    public void Partitions_must_be_a_whole_number_of_at_least_one(string partitions)
    {
        var act = () => Options($", partitions: \"{partitions}\"");

        act.Should().Throw<ArgumentException>().WithMessage("datastore 'events': partitions must be a whole number ≥ 1");
    }
}

public sealed class KafkaBootstrapTests
{
    [Theory]
    [InlineData("127.0.0.1:9092", "127.0.0.1:9092")]
    [InlineData("app:s3cret@broker:9092", "***@broker:9092")]
    [InlineData("a:1, sasl_ssl://user:pa@ss@b:9093", "a:1, sasl_ssl://***@b:9093")]
    [InlineData("user:x@h1:1,user:y@h2:2", "***@h1:1,***@h2:2")]
    public void Credentials_never_reach_a_message(string servers, string shown) =>
        KafkaBootstrap.Redact(servers).Should().Be(shown);

    [Fact]
    public async Task An_unreachable_cluster_is_named_without_its_password()
    {
        await using var output = KafkaOutput.Create("app:hunter2@127.0.0.1:1");
        var act = () => DataGenerator.GenerateAsync(Manifest.Parse("models:\n  m:\n    count: 1\n    fields: { id: uuid }"), output, cancellationToken: TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Message.Should().Contain("***@127.0.0.1:1").And.NotContain("hunter2");
    }
}
