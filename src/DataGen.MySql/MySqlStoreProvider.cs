using DataGen.Outputs;
using DataGen.Stores;

namespace DataGen.MySql;

/// <summary>The <c>mysql</c> store kind (MySQL 8 and MariaDB 10.x): <c>connection</c> (a MySqlConnector connection string).</summary>
public sealed class MySqlStoreProvider : StoreProvider
{
    private MySqlStoreProvider()
    {
    }

    /// <summary>The provider.</summary>
    public static MySqlStoreProvider Instance { get; } = new();

    /// <inheritdoc />
    public override string Kind => "mysql";

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["connection"] = "MySqlConnector connection string (MySQL or MariaDB; the server must allow LOAD DATA LOCAL INFILE).",
        ["create"] = "database: create the database the connection names when it does not exist, before the load (the user needs CREATE).",
    };

    /// <inheritdoc />
    public override IEnumerable<string> Validate(Datastore store) => base.Validate(store).Concat(Sql.CreateSetting.Check(store));

    /// <inheritdoc />
    protected override IReadOnlyList<string> RequiredSettings { get; } = ["connection"];

    /// <inheritdoc />
    public override bool CanReadSchema => true;

    /// <inheritdoc />
    public override async Task<Schemas.DatabaseSchema> ReadSchemaAsync(Datastore store, Schemas.SchemaFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var output = MySqlOutput.Create(Required(store, "connection"), null, store.Name);
        await using (output.ConfigureAwait(false))
        {
            return await output.ReadSchemaAsync(filter, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A trial load is made only where it can be undone: every model's table exists, and every table involved (the
    /// models' and, through triggers and column defaults, every table they name) is an InnoDB table, with no sequence
    /// named and no trigger calling a routine; the refusal names each table in the way. Each involved AUTO_INCREMENT is
    /// read before the trial and set back after its rollback.
    /// </summary>
    /// <inheritdoc />
    public override async Task<TrialLoadGuard> GuardTrialLoadAsync(Datastore store, IReadOnlyList<string> tables, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var connection = Required(store, "connection");
        var output = MySqlOutput.Create(connection, null, store.Name);
        MySqlTrialGuard.Check check;
        await using (output.ConfigureAwait(false))
        {
            check = await output.CheckTrialAsync(tables, cancellationToken).ConfigureAwait(false);
        }

        return check.Refusal is { } reason
            ? TrialLoadGuard.Refuse(reason)
            : TrialLoadGuard.Allow(async ct =>
            {
                var restoring = MySqlOutput.Create(connection, null, store.Name);
                await using (restoring.ConfigureAwait(false))
                {
                    await restoring.RestoreAfterTrialAsync(check.Counters, ct).ConfigureAwait(false);
                }
            });
    }

    /// <inheritdoc />
    public override IDataOutput CreateOutput(Datastore store, StoreLoadOptions options) =>
        MySqlOutput.Create(Required(store, "connection"), Sql.CreateSetting.Apply(store, options), store.Name);
}
