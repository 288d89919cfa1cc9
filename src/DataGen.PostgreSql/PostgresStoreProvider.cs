using DataGen.Outputs;
using DataGen.Stores;

namespace DataGen.PostgreSql;

/// <summary>The <c>postgres</c> store kind: <c>connection</c> (an Npgsql connection string).</summary>
public sealed class PostgresStoreProvider : StoreProvider
{
    private PostgresStoreProvider()
    {
    }

    /// <summary>The provider.</summary>
    public static PostgresStoreProvider Instance { get; } = new();

    /// <inheritdoc />
    public override string Kind => "postgres";

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["connection"] = "Npgsql connection string.",
    };

    /// <inheritdoc />
    protected override IReadOnlyList<string> RequiredSettings { get; } = ["connection"];

    /// <inheritdoc />
    public override IDataOutput CreateOutput(Datastore store, StoreLoadOptions options) =>
        PostgresOutput.Create(Required(store, "connection"), options, store.Name);
}
