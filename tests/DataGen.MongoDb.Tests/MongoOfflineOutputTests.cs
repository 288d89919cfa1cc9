using System.Reflection;
using DataGen.Outputs;
using MongoDB.Bson;
using MongoDB.Driver;

namespace DataGen.MongoDb.Tests;

/// <summary>
/// The output's batching, conflict handling and clean-up against an in-process stand-in for a database (no server
/// here): every call the output makes is recorded, and the stand-in can refuse an insert or lose documents.
/// </summary>
public sealed class MongoOfflineOutputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<GenerationSummary> Load(FakeMongo mongo, int rows, StoreLoadOptions? options = null, int generatorBatch = 512) =>
        DataGenerator.GenerateAsync(
            Manifest.Parse($"models:\n  people:\n    count: {rows}\n    key: id\n    fields: {{ id: uuid, name: name.fullName }}"),
            MongoOutput.Create(mongo.Database, options, batchSize: 1000),
            new GenerationOptions { BatchSize = generatorBatch },
            Ct);

    [Theory]
    [InlineData(512)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task Inserts_are_as_large_as_the_output_batch_whatever_the_generator_batches(int generatorBatch)
    {
        var mongo = new FakeMongo();
        var summary = await Load(mongo, 2500, generatorBatch: generatorBatch);

        summary.TotalRows.Should().Be(2500);
        mongo.Inserts.Should().Equal(1000, 1000, 500);
        mongo.Stored.Should().Be(2500);
    }

    [Fact]
    public async Task A_collection_with_documents_is_a_conflict_unless_dropping_is_allowed()
    {
        var mongo = new FakeMongo { Stored = 5 };
        var act = () => Load(mongo, 10);
        (await act.Should().ThrowAsync<StoreConflictException>()).Which.Message.Should().Contain("'people' already exists and holds 5 row(s)");
        mongo.Inserts.Should().BeEmpty();

        var warnings = new List<string>();
        await Load(mongo, 10, new StoreLoadOptions { DropConflicting = true, Warning = warnings.Add });
        mongo.Dropped.Should().Equal("people");
        warnings.Should().ContainSingle().Which.Should().Contain("dropped collection 'people' (5 documents)");
        mongo.Stored.Should().Be(10);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task An_insert_that_fails_part_way_leaves_the_collection_empty(int failing)
    {
        // The very first insert failing counts too: an unordered insert may have stored part of its documents.
        var mongo = new FakeMongo { FailInsert = failing };
        var act = () => Load(mongo, 2500);

        await act.Should().ThrowAsync<TimeoutException>();
        mongo.Inserts.Should().HaveCount(failing);
        mongo.Deletes.Should().Be(1);
        mongo.Stored.Should().Be(0, "stored documents, including the failed insert's partial ones, were deleted again");
    }

    [Fact]
    public async Task Documents_the_server_did_not_keep_fail_the_load_with_the_difference()
    {
        var mongo = new FakeMongo { Lose = 3 };
        var act = () => Load(mongo, 1200);

        (await act.Should().ThrowAsync<GenerationException>()).Which.Message
            .Should().Be("model 'people': mongodb 'mongodb': collection 'people' holds 1197 documents after inserting 1200");
        mongo.Stored.Should().Be(0);
    }

    /// <summary>Records what the output asks of a database and one collection.</summary>
    public sealed class FakeMongo
    {
        public FakeMongo()
        {
            var collection = DispatchProxy.Create<IMongoCollection<BsonDocument>, Proxy>();
            ((Proxy)(object)collection).Handle = CollectionCall;
            var database = DispatchProxy.Create<IMongoDatabase, Proxy>();
            ((Proxy)(object)database).Handle = (method, args) => method.Name switch
            {
                "GetCollection" => collection,
                "DropCollectionAsync" => Drop((string)args[0]!),
                _ => throw new NotSupportedException(method.Name),
            };
            Database = database;
        }

        public IMongoDatabase Database { get; }

        public long Stored { get; set; }

        /// <summary>The 1-based insert that fails (after storing half of its documents).</summary>
        public int FailInsert { get; init; }

        /// <summary>Documents silently not kept by the first insert.</summary>
        public int Lose { get; init; }

        public List<int> Inserts { get; } = [];

        public List<string> Dropped { get; } = [];

        public int Deletes { get; private set; }

        private Task Drop(string name)
        {
            Dropped.Add(name);
            Stored = 0;
            return Task.CompletedTask;
        }

        private object? CollectionCall(MethodInfo method, object?[] args)
        {
            switch (method.Name)
            {
                case "CountDocumentsAsync":
                    return Task.FromResult(Stored);
                case "InsertManyAsync":
                    var documents = ((IEnumerable<BsonDocument>)args[0]!).ToList();
                    Inserts.Add(documents.Count);
                    if (Inserts.Count == FailInsert)
                    {
                        Stored += documents.Count / 2;
                        return Task.FromException(new TimeoutException("the server went away"));
                    }

                    Stored += documents.Count - (Inserts.Count == 1 ? Lose : 0);
                    return Task.CompletedTask;
                case "DeleteManyAsync":
                    Deletes++;
                    var deleted = Stored;
                    Stored = 0;
                    return Task.FromResult<DeleteResult>(new DeleteResult.Acknowledged(deleted));
                default:
                    throw new NotSupportedException(method.Name);
            }
        }
    }

    public class Proxy : DispatchProxy
    {
        public Func<MethodInfo, object?[], object?> Handle { get; set; } = (m, _) => throw new NotSupportedException(m.Name);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => Handle(targetMethod!, args ?? []);
    }
}
