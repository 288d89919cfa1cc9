using DataGen.Outputs;
using DataGen.Stores;

namespace DataGen.SqlServer;

/// <summary>The <c>sqlserver</c> store kind: <c>connection</c> (an SqlClient connection string).</summary>
public sealed class SqlServerStoreProvider : StoreProvider
{
    private SqlServerStoreProvider()
    {
    }

    /// <summary>The provider.</summary>
    public static SqlServerStoreProvider Instance { get; } = new();

    /// <inheritdoc />
    public override string Kind => "sqlserver";

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["connection"] = "SqlClient connection string.",
    };

    /// <inheritdoc />
    protected override IReadOnlyList<string> RequiredSettings { get; } = ["connection"];

    /// <inheritdoc />
    public override IDataOutput CreateOutput(Datastore store, StoreLoadOptions options) =>
        SqlServerOutput.Create(Required(store, "connection"), options, store.Name);
}
