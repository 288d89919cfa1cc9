using DataGen.Outputs;
using DataGen.Stores;

namespace DataGen.MongoDb;

/// <summary>The <c>mongodb</c> store kind: <c>connection</c> (a MongoDB connection URI; the database comes from its path, default <c>datagen</c>).</summary>
public sealed class MongoStoreProvider : StoreProvider
{
    private MongoStoreProvider()
    {
    }

    /// <summary>The provider.</summary>
    public static MongoStoreProvider Instance { get; } = new();

    /// <inheritdoc />
    public override string Kind => "mongodb";

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["connection"] = "MongoDB connection URI (the database from its path, default datagen).",
    };

    /// <inheritdoc />
    protected override IReadOnlyList<string> RequiredSettings { get; } = ["connection"];

    /// <inheritdoc />
    public override IDataOutput CreateOutput(Datastore store, StoreLoadOptions options) =>
        MongoOutput.Create(Required(store, "connection"), options, store.Name);
}
