using DataGen.Outputs;
using DataGen.Stores;

namespace DataGen.Sqlite;

/// <summary>The <c>sqlite</c> store kind: <c>connection</c> (a Microsoft.Data.Sqlite connection string) or <c>path</c> (a database file).</summary>
public sealed class SqliteStoreProvider : StoreProvider
{
    private SqliteStoreProvider()
    {
    }

    /// <summary>The provider.</summary>
    public static SqliteStoreProvider Instance { get; } = new();

    /// <inheritdoc />
    public override string Kind => "sqlite";

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["connection"] = "Microsoft.Data.Sqlite connection string.",
        ["path"] = "Database file (instead of connection).",
    };

    /// <inheritdoc />
    public override IEnumerable<string> Validate(Datastore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return (store.Get("connection"), store.Get("path")) switch
        {
            (null, null) => [$"datastore '{store.Name}' (sqlite) needs 'connection' or 'path'"],
            ({ }, { }) => [$"datastore '{store.Name}' (sqlite) takes 'connection' or 'path', not both"],
            _ => [],
        };
    }

    /// <inheritdoc />
    public override bool CanReadSchema => true;

    /// <inheritdoc />
    public override bool RollsBackCompletely => true;

    /// <inheritdoc />
    public override async Task<Schemas.DatabaseSchema> ReadSchemaAsync(Datastore store, Schemas.SchemaFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(store.Get("connection") ?? $"Data Source={Required(store, "path")}");
        if (builder.Mode is not Microsoft.Data.Sqlite.SqliteOpenMode.Memory && !File.Exists(builder.DataSource))
        {
            throw new GenerationException($"sqlite '{store.Name}': database file '{builder.DataSource}' does not exist");
        }

        builder.Mode = builder.Mode is Microsoft.Data.Sqlite.SqliteOpenMode.Memory ? builder.Mode : Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly;
        var connection = new Microsoft.Data.Sqlite.SqliteConnection(builder.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await SqliteSchemaReader.ReadAsync(connection, filter, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override IDataOutput CreateOutput(Datastore store, StoreLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        var connection = store.Get("connection") ?? $"Data Source={Required(store, "path")}";
        return SqliteOutput.ToDatabase(connection, options, store.Name);
    }
}
