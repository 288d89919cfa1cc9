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
        ["create"] = "database: create the database the connection names when it does not exist, before the load (the user needs CREATEDB).",
    };

    /// <inheritdoc />
    public override IEnumerable<string> Validate(Datastore store) => base.Validate(store).Concat(Sql.CreateSetting.Check(store));

    /// <inheritdoc />
    protected override IReadOnlyList<string> RequiredSettings { get; } = ["connection"];

    /// <inheritdoc />
    public override bool CanReadSchema => true;

    /// <inheritdoc />
    public override bool RollsBackCompletely => true;

    /// <inheritdoc />
    public override async Task<Schemas.DatabaseSchema> ReadSchemaAsync(Datastore store, Schemas.SchemaFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var output = PostgresOutput.Create(Required(store, "connection"), null, store.Name);
        await using (output.ConfigureAwait(false))
        {
            return await output.ReadSchemaAsync(filter, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override IDataOutput CreateOutput(Datastore store, StoreLoadOptions options) =>
        PostgresOutput.Create(Required(store, "connection"), Sql.CreateSetting.Apply(store, options), store.Name);
}
