using System.Data.Common;
using DataGen.Outputs;
using DataGen.Sql;
using Microsoft.Data.SqlClient;

namespace DataGen.SqlServer;

/// <summary>
/// Loads models into SQL Server with SqlBulkCopy through the shared SQL pipeline (<see cref="SqlStoreOutput"/>): tables
/// created from the manifest (keys, foreign keys) or existing empty tables loaded into, one transaction per model with
/// the row count checked before commit. Connection strings never appear in errors.
/// </summary>
public sealed partial class SqlServerOutput : SqlStoreOutput
{
    private readonly string _connectionString;
    private readonly string _where;

    private SqlServerOutput(string connectionString, StoreLoadOptions options, string storeName, string where)
        : base(SqlServerDialect.Instance, options, $"sqlserver '{storeName}'")
    {
        _connectionString = connectionString;
        _where = where;
    }

    /// <summary>Creates an output (a 5 s connect timeout applies unless the connection string sets one).</summary>
    /// <param name="connectionString">A Microsoft.Data.SqlClient connection string.</param>
    /// <param name="options">Conflict handling.</param>
    /// <param name="storeName">The datastore name errors refer to.</param>
    public static SqlServerOutput Create(string connectionString, StoreLoadOptions? options = null, string storeName = "sqlserver")
    {
        SqlConnectionStringBuilder builder;
        try
        {
            builder = new SqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"sqlserver '{storeName}': the connection string is invalid ({e.GetType().Name})", nameof(connectionString));
        }

        if (!connectionString.Contains("timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectTimeout = 5;
            builder.ConnectRetryCount = 1;
        }

        return new SqlServerOutput(builder.ConnectionString, options ?? new StoreLoadOptions(), storeName, $"{builder.DataSource}/{builder.InitialCatalog}");
    }

    /// <inheritdoc />
    protected override object ToParameterValue(object? value, FieldDescriptor field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return SqlServerDialect.ToDb(value, field.Kind);
    }

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (Options.CreateDatabase)
        {
            var database = new SqlConnectionStringBuilder(_connectionString).InitialCatalog;
            var server = new SqlConnectionStringBuilder(_connectionString) { InitialCatalog = "master", Pooling = false };
            await EnsureDatabaseAsync(new SqlConnection(server.ConnectionString), database, "SELECT COUNT(*) FROM sys.databases WHERE name = @name", $"CREATE DATABASE {Dialect.Quote(database ?? string.Empty)}", cancellationToken).ConfigureAwait(false);
        }

        var connection = new SqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (SqlException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new GenerationException($"{Store}: cannot connect to {_where}: {e.Message}", null, null, null, e);
        }
    }

    /// <summary>Describes the database's tables (errors name the server and database only).</summary>
    internal Task<Schemas.DatabaseSchema> ReadSchemaAsync(Schemas.SchemaFilter? filter, CancellationToken cancellationToken) =>
        ReadDatabaseAsync($"reading the schema of {_where}", connection => SqlServerSchemaReader.ReadAsync((SqlConnection)connection, filter, cancellationToken), cancellationToken);

    /// <summary>
    /// The tables whose foreign keys reference the table, less <paramref name="others"/>: those are told apart by object id,
    /// each name resolved by SQL Server itself (an unqualified one in the user's default schema, <c>SCHEMA_NAME()</c>,
    /// whatever that is), so a run in a schema other than dbo never counts its own tables as outside it.
    /// </summary>
    protected override async Task<IReadOnlyList<string>> ReferencingTablesAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> others, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(others);
        var excluded = others.Count == 0
            ? string.Empty
            : $" AND NOT EXISTS (SELECT 1 FROM (VALUES {string.Join(", ", others.Select(o => $"(OBJECT_ID(N'{Dialect.QuoteTable(o).Replace("'", "''", StringComparison.Ordinal)}'))"))}) AS run(id) WHERE run.id = fk.parent_object_id)";
        return await SqlCommands.ColumnWithAsync(
            connection,
            transaction,
            "SELECT DISTINCT OBJECT_SCHEMA_NAME(fk.parent_object_id) + '.' + OBJECT_NAME(fk.parent_object_id) FROM sys.foreign_keys fk WHERE fk.referenced_object_id = OBJECT_ID(@name) AND fk.parent_object_id <> fk.referenced_object_id" + excluded,
            ("@name", Dialect.QuoteTable(table)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<bool> TableExistsAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken) =>
        await SqlCommands.ScalarAsync(connection, transaction, "SELECT CASE WHEN OBJECT_ID(@name, N'U') IS NULL THEN 0 ELSE 1 END", cancellationToken, ("@name", Dialect.QuoteTable(model.Target))).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    protected override async ValueTask<SqlBulkLoad> BeginBulkLoadAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        // An existing table's column types: binary, datetimeoffset and the CLR types (geography, geometry, hierarchyid,
        // system type 240, named by their own type id) take converted values.
        var types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        await SqlCommands.ReadAsync(
            connection,
            transaction,
            "SELECT c.name, ty.name FROM sys.columns c JOIN sys.types ty ON ty.user_type_id = CASE WHEN c.system_type_id = 240 THEN c.user_type_id ELSE c.system_type_id END WHERE c.object_id = OBJECT_ID(@name)",
            reader => types[reader.GetString(0)] = reader.GetString(1),
            cancellationToken,
            ("@name", Dialect.QuoteTable(model.Target))).ConfigureAwait(false);

        // KeepIdentity: generated keys are loaded as they are (references point at them); SQL Server then moves the
        // identity's current value past the largest loaded one, so the application's next insert gets a fresh key.
        var bulk = new SqlBulkCopy((SqlConnection)connection, SqlBulkCopyOptions.CheckConstraints | SqlBulkCopyOptions.KeepNulls | SqlBulkCopyOptions.KeepIdentity, (SqlTransaction)transaction)
        {
            DestinationTableName = Dialect.QuoteTable(model.Target),
            BatchSize = 0,
            BulkCopyTimeout = 0,
        };
        foreach (var f in model.Fields)
        {
            bulk.ColumnMappings.Add(f.Name, f.Name);
        }

        return new BulkCopyLoad(bulk, model, types);
    }

    /// <summary>
    /// Identity columns move past the loaded keys by themselves (KeepIdentity). A column whose default takes
    /// <c>NEXT VALUE FOR</c> a sequence does not: each such sequence (ascending) restarts after the largest loaded value,
    /// so the application's next insert gets a fresh key.
    /// </summary>
    protected override async Task AfterBulkLoadAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var sequences = new List<(string Column, string Sequence, long Increment)>();
        await SqlCommands.ReadAsync(
            connection,
            transaction,
            """
            SELECT c.name, QUOTENAME(OBJECT_SCHEMA_NAME(sq.object_id)) + '.' + QUOTENAME(sq.name), CAST(sq.increment AS bigint)
            FROM sys.default_constraints dc
            JOIN sys.columns c ON c.object_id = dc.parent_object_id AND c.column_id = dc.parent_column_id
            JOIN sys.sql_expression_dependencies d ON d.referencing_id = dc.object_id
            JOIN sys.sequences sq ON sq.object_id = d.referenced_id
            WHERE dc.parent_object_id = OBJECT_ID(@name)
            """,
            reader => sequences.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2))),
            cancellationToken,
            ("@name", Dialect.QuoteTable(model.Target))).ConfigureAwait(false);

        foreach (var (column, sequence, increment) in sequences.Where(s => s.Increment > 0 && model.Fields.Any(f => string.Equals(f.Name, s.Column, StringComparison.OrdinalIgnoreCase))))
        {
            // ALTER SEQUENCE takes a literal only: built on the server from the loaded maximum, run when it is at or past the sequence.
            var sql = $"""
                DECLARE @m bigint = (SELECT MAX(CAST({Dialect.Quote(column)} AS bigint)) FROM {Dialect.QuoteTable(model.Target)});
                IF @m IS NOT NULL AND @m >= (SELECT CAST(current_value AS bigint) FROM sys.sequences WHERE object_id = OBJECT_ID(N'{sequence.Replace("'", "''", StringComparison.Ordinal)}'))
                BEGIN
                    DECLARE @restart nvarchar(400) = N'ALTER SEQUENCE {sequence.Replace("'", "''", StringComparison.Ordinal)} RESTART WITH ' + CAST(@m + {increment} AS nvarchar(30));
                    EXEC (@restart);
                END
                """;
            await SqlCommands.ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A reference cycle filled in one pass: the foreign keys over the held columns are disabled (<c>NOCHECK</c>) in the
    /// run's transaction and enabled again with every row checked (<c>WITH CHECK CHECK CONSTRAINT</c>) before it commits,
    /// so a row without its referenced row fails the run naming the constraint; the keys stay trusted.
    /// </summary>
    protected override async Task<Func<CancellationToken, Task>?> HoldForeignKeysAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var table = Dialect.QuoteTable(model.Target);
        var columns = new List<(string Key, string Column)>();
        await SqlCommands.ReadAsync(
            connection,
            transaction,
            """
            SELECT fk.name, c.name FROM sys.foreign_keys fk
            JOIN sys.foreign_key_columns fc ON fc.constraint_object_id = fk.object_id
            JOIN sys.columns c ON c.object_id = fc.parent_object_id AND c.column_id = fc.parent_column_id
            WHERE fk.parent_object_id = OBJECT_ID(@name)
            """,
            reader => columns.Add((reader.GetString(0), reader.GetString(1))),
            cancellationToken,
            ("@name", table)).ConfigureAwait(false);
        var held = columns.Where(c => model.HeldReferences.Any(r => string.Equals(r.Field, c.Column, StringComparison.OrdinalIgnoreCase))).Select(c => c.Key).Distinct().ToList();
        foreach (var name in held)
        {
            await SqlCommands.ExecuteAsync(connection, transaction, $"ALTER TABLE {table} NOCHECK CONSTRAINT {Dialect.Quote(name)}", cancellationToken).ConfigureAwait(false);
        }

        return held.Count == 0 ? null : async ct =>
        {
            foreach (var name in held)
            {
                await SqlCommands.ExecuteAsync(connection, transaction, $"ALTER TABLE {table} WITH CHECK CHECK CONSTRAINT {Dialect.Quote(name)}", ct).ConfigureAwait(false);
            }
        };
    }

    /// <inheritdoc />
    protected override string? DescribeError(Exception exception) => exception switch
    {
        SqlException e => $"{e.Message} (error {e.Number})",
        InvalidOperationException e when e.Source?.StartsWith("Microsoft.Data.SqlClient", StringComparison.Ordinal) == true => e.Message,
        _ => null,
    };

    /// <summary>Each batch as a DataTable through SqlBulkCopy; the pipeline counts the table afterwards.</summary>
    private sealed class BulkCopyLoad(SqlBulkCopy bulk, ModelDescriptor model, IReadOnlyDictionary<string, string> columnTypes) : SqlBulkLoad
    {
        public override async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken)
        {
            using var table = SqlServerDialect.ToTable(model, batch.Rows, columnTypes);
            await bulk.WriteToServerAsync(table, cancellationToken).ConfigureAwait(false);
        }

        public override ValueTask<long?> CompleteAsync(CancellationToken cancellationToken) => ValueTask.FromResult<long?>(null);

        public override ValueTask DisposeAsync()
        {
            ((IDisposable)bulk).Dispose();
            return base.DisposeAsync();
        }
    }
}
