using DataGen.Outputs;
using DataGen.Shared;
using Microsoft.Data.SqlClient;

namespace DataGen.SqlServer;

/// <summary>
/// Loads models into SQL Server with SqlBulkCopy: tables created from the manifest (keys, foreign keys) or
/// existing tables loaded into, one transaction per model with the row count checked before commit.
/// Connection strings never appear in errors.
/// </summary>
public sealed class SqlServerOutput : IDataOutput
{
    private readonly string _connectionString;
    private readonly StoreLoadOptions _options;
    private readonly string _storeName;
    private readonly string _where;
    private SqlConnection? _connection;

    private SqlServerOutput(string connectionString, StoreLoadOptions options, string storeName, string where)
    {
        _connectionString = connectionString;
        _options = options;
        _storeName = storeName;
        _where = where;
    }

    /// <summary>Creates an output (a 5 s connect timeout applies unless the connection string sets one).</summary>
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
    public async ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (_connection is null)
        {
            var connection = new SqlConnection(_connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SqlException e)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw new GenerationException($"sqlserver '{_storeName}': cannot connect to {_where}: {e.Message}", model.Name, null, null, e);
            }

            _connection = connection;
        }

        var transaction = (SqlTransaction)await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var existing = await ExistingRowsAsync(transaction, model.Target, cancellationToken).ConfigureAwait(false);
            if (existing > 0)
            {
                if (!_options.DropConflicting)
                {
                    throw new StoreConflictException($"sqlserver '{_storeName}'", model.Target, existing);
                }

                await ExecuteAsync(transaction, $"DROP TABLE {SqlServerDialect.Quote(model.Target)}", cancellationToken).ConfigureAwait(false);
                _options.Warning?.Invoke($"sqlserver '{_storeName}': dropped table '{model.Target}' ({existing} rows) to load model '{model.Name}'");
                existing = -1;
            }

            if (existing < 0)
            {
                await ExecuteAsync(transaction, SqlServerDialect.CreateTable(model), cancellationToken).ConfigureAwait(false);
            }

            return new Writer(this, transaction, model, createdTable: existing < 0);
        }
        catch (SqlException e)
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw new GenerationException($"sqlserver '{_storeName}' ({_where}): {e.Message}", model.Name, null, null, e);
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default) => await DisposeAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }

    private Task ExecuteAsync(SqlTransaction transaction, string sql, CancellationToken cancellationToken) =>
        SqlCommands.ExecuteAsync(_connection!, transaction, sql, cancellationToken);

    private Task<long> CountAsync(SqlTransaction transaction, string table, CancellationToken cancellationToken) =>
        SqlCommands.ScalarAsync(_connection!, transaction, $"SELECT COUNT_BIG(*) FROM {SqlServerDialect.Quote(table)}", cancellationToken);

    private Task<long> ExistingRowsAsync(SqlTransaction transaction, string table, CancellationToken cancellationToken) =>
        SqlCommands.ExistingRowsAsync(_connection!, transaction, "SELECT CASE WHEN OBJECT_ID(@name, N'U') IS NULL THEN 0 ELSE 1 END", ("@name", SqlServerDialect.Quote(table)), SqlServerDialect.Quote(table), "COUNT_BIG", cancellationToken);

    private sealed class Writer(SqlServerOutput owner, SqlTransaction transaction, ModelDescriptor model, bool createdTable) : IModelWriter
    {
        private readonly SqlBulkCopy _bulk = CreateBulkCopy(owner, transaction, model);
        private long _rows;
        private bool _committed;

        public async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
        {
            using var table = SqlServerDialect.ToTable(model, batch.Rows);
            try
            {
                await _bulk.WriteToServerAsync(table, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SqlException or InvalidOperationException)
            {
                throw new GenerationException($"sqlserver '{owner._storeName}': writing table '{model.Target}' failed: {e.Message}", model.Name, null, batch.FirstRow, e);
            }

            _rows += batch.Rows.Count;
        }

        public async ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default)
        {
            var stored = await owner.CountAsync(transaction, model.Target, cancellationToken).ConfigureAwait(false);
            if (stored != _rows)
            {
                throw new GenerationException($"sqlserver '{owner._storeName}': table '{model.Target}' holds {stored} rows after loading {_rows}; rolled back", model.Name);
            }

            if (createdTable)
            {
                foreach (var index in SqlServerDialect.CreateIndexes(model))
                {
                    await owner.ExecuteAsync(transaction, index, cancellationToken).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _committed = true;
            return stored;
        }

        public async ValueTask DisposeAsync()
        {
            ((IDisposable)_bulk).Dispose();
            if (!_committed)
            {
                try
                {
                    await transaction.RollbackAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is SqlException or InvalidOperationException)
                {
                    // A broken connection discards the transaction on the server anyway.
                }
            }

            await transaction.DisposeAsync().ConfigureAwait(false);
        }

        private static SqlBulkCopy CreateBulkCopy(SqlServerOutput owner, SqlTransaction transaction, ModelDescriptor model)
        {
            var bulk = new SqlBulkCopy(owner._connection!, SqlBulkCopyOptions.CheckConstraints | SqlBulkCopyOptions.KeepNulls, transaction)
            {
                DestinationTableName = SqlServerDialect.Quote(model.Target),
                BatchSize = 0,
                BulkCopyTimeout = 0,
            };
            foreach (var f in model.Fields)
            {
                bulk.ColumnMappings.Add(f.Name, f.Name);
            }

            return bulk;
        }
    }
}
