namespace DataGen.Kafka.Tests;

public sealed class KafkaDatastoreTests
{
    private static KafkaOutputOptions Options(string settings) =>
        KafkaStoreProvider.OptionsFor(Manifest.Parse($"""
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
