using DataGen.Outputs;
using MongoDB.Bson;
using MongoDB.Driver;
using Testcontainers.MongoDb;

namespace DataGen.MongoDb.Tests;

public sealed class MongoOfflineTests
{
    [Fact]
    public async Task Rows_become_native_documents_with_the_key_as_id()
    {
        var manifest = Manifest.Parse("""
            models:
              crew:
                count: 3
                key: id
                fields:
                  id: uuid
                  born: { type: date, min: 2000-01-01, max: 2000-01-01 }
                  profile:
                    type: object
                    fields:
                      handle: lorem.word
                      postings: { type: array, count: 2, items: { type: object, fields: { ship: { type: mask, mask: "NCC-####" } } } }
            """);
        var output = new MemoryOutput();
        await DataGenerator.GenerateAsync(manifest, output, cancellationToken: TestContext.Current.CancellationToken);

        var document = MongoDocuments.ToDocument(output.Models["crew"], output.Rows["crew"][0]);
        document["_id"].Should().Be(document["id"]);
        document["_id"].AsBsonBinaryData.SubType.Should().Be(BsonBinarySubType.UuidStandard);
        document["born"].ToUniversalTime().Should().Be(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        document["profile"]["postings"].AsBsonArray.Should().HaveCount(2);
        document["profile"]["postings"][0]["ship"].AsString.Should().MatchRegex("^NCC-[0-9]{4}$");
    }

    // The bound is the test's timeout, not a wall-clock assertion: a loaded runner must not fail a correct test.
    [Fact(Timeout = 120_000)]
    public async Task An_unreachable_server_fails_without_hanging_or_the_password()
    {
        await using var output = MongoOutput.Create("mongodb://app:hunter2@127.0.0.1:1/shop");
        var act = () => DataGenerator.GenerateAsync(Manifest.Parse("models:\n  m:\n    count: 1\n    fields: { id: uuid }"), output, cancellationToken: TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<GenerationException>()).Which;
        error.Message.Should().StartWith("model 'm': mongodb 'mongodb': cannot reach the server").And.NotContain("hunter2");
    }
}

public sealed class MongoContainerTests : IAsyncLifetime
{
    private const string Image = "mongo:7.0";
    private MongoDbContainer? _container;

    public async ValueTask InitializeAsync()
    {
        if (DataGen.Xunit.DataGenContainers.WhyUnavailable(Image) is null)
        {
            _container = new MongoDbBuilder(Image).Build();
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
    public async Task Starfleet_sample_loads_nested_documents_and_a_second_load_is_a_conflict()
    {
        Assert.SkipWhen(_container is null, DataGen.Xunit.DataGenContainers.WhyUnavailable(Image) ?? string.Empty);
        var manifest = await Manifest.LoadAsync(Path.Combine(AppContext.BaseDirectory, "samples", "starfleet.yaml"), cancellationToken: TestContext.Current.CancellationToken);
        await using (var output = MongoOutput.Create(_container!.GetConnectionString()))
        {
            await DataGenerator.GenerateAsync(manifest, output, cancellationToken: TestContext.Current.CancellationToken);
        }

        var crew = new MongoClient(_container.GetConnectionString()).GetDatabase("datagen").GetCollection<BsonDocument>("crew");
        (await crew.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: TestContext.Current.CancellationToken)).Should().Be(300);
        (await crew.Find(FilterDefinition<BsonDocument>.Empty).FirstAsync(TestContext.Current.CancellationToken))["profile"]["postings"].IsBsonArray.Should().BeTrue();

        await using var again = MongoOutput.Create(_container.GetConnectionString());
        var act = () => DataGenerator.GenerateAsync(manifest, again, cancellationToken: TestContext.Current.CancellationToken);
        await act.Should().ThrowAsync<StoreConflictException>();
    }
}
