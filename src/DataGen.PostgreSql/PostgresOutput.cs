using System.Net.Sockets;
using DataGen.Outputs;
using DataGen.Shared;
using Npgsql;
using NpgsqlTypes;

namespace DataGen.PostgreSql;

/// <summary>
/// Loads models into PostgreSQL with binary COPY: tables created from the manifest (primary keys, foreign
/// keys for refs) or existing tables loaded into, one transaction per model, the row count checked
/// before commit — a model is loaded whole or not at all. Connection strings never appear in errors.
/// </summary>
public sealed class PostgresOutput : IDataOutput
{
    private static readonly TimeSpan[] Retries = [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1)];

    private readonly NpgsqlDataSource _dataSource;
    private readonly StoreLoadOptions _options;
    private readonly string _storeName;
    private readonly string _where;
    private NpgsqlConnection? _connection;

    private PostgresOutput(NpgsqlDataSource dataSource, StoreLoadOptions options, string storeName, string where)
    {
        _dataSource = dataSource;
        _options = options;
        _storeName = storeName;
        _where = where;
    }

    /// <summary>Creates an output for a connection string (a connect timeout of 5 s applies unless it sets one).</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="options">Conflict handling.</param>
    /// <param name="storeName">The datastore name errors refer to.</param>
    public static PostgresOutput Create(string connectionString, StoreLoadOptions? options = null, string storeName = "postgres")
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            // The message of a parse error may quote the string: say only what is wrong.
            throw new ArgumentException($"postgres '{storeName}': the connection string is invalid ({e.GetType().Name})", nameof(connectionString));
        }

        if (!connectionString.Contains("timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.Timeout = 5;
        }

        var where = $"{builder.Host}:{builder.Port}/{builder.Database}";
        return new PostgresOutput(NpgsqlDataSource.Create(builder.ConnectionString), options ?? new StoreLoadOptions(), storeName, where);
    }

    /// <inheritdoc />
    public async ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        _connection ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var transaction = await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var existing = await ExistingRowsAsync(transaction, model.Target, cancellationToken).ConfigureAwait(false);
            if (existing > 0)
            {
                if (!_options.DropConflicting)
                {
                    throw new StoreConflictException($"postgres '{_storeName}'", model.Target, existing);
                }

                await ExecuteAsync(transaction, $"DROP TABLE {PostgresDialect.Quote(model.Target)}", cancellationToken).ConfigureAwait(false);
                _options.Warning?.Invoke($"postgres '{_storeName}': dropped table '{model.Target}' ({existing} rows) to load model '{model.Name}'");
                existing = -1;
            }

            if (existing < 0)
            {
                if (!_options.CreateTables)
                {
                    throw new GenerationException($"postgres '{_storeName}': table '{model.Target}' does not exist and table creation is off", model.Name);
                }

                await ExecuteAsync(transaction, PostgresDialect.CreateTable(model), cancellationToken).ConfigureAwait(false);
            }

            var types = await ColumnTypesAsync(transaction, model, cancellationToken).ConfigureAwait(false);
            var importer = await _connection.BeginBinaryImportAsync(PostgresDialect.Copy(model), cancellationToken).ConfigureAwait(false);
            return new Writer(this, transaction, importer, model, types, createdTable: existing < 0);
        }
        catch (PostgresException e)
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw new GenerationException($"postgres '{_storeName}' ({_where}): {e.MessageText} (SQLSTATE {e.SqlState})", model.Name, null, null, e);
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Opens a connection with bounded retries on network errors; fails within seconds, naming host, port and database only.</summary>
    private async Task<NpgsqlConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException e) when (attempt < Retries.Length && e.InnerException is SocketException or TimeoutException or IOException)
            {
                await Task.Delay(Retries[attempt], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
            {
                var reason = e is PostgresException pg ? $"{pg.MessageText} (SQLSTATE {pg.SqlState})" : (e.InnerException ?? e).Message;
                throw new GenerationException($"postgres '{_storeName}': cannot connect to {_where}: {reason}", null, null, null, e);
            }
        }
    }

    private Task ExecuteAsync(NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken) =>
        SqlCommands.ExecuteAsync(_connection!, transaction, sql, cancellationToken);

    /// <summary>Rows in the table (in the search path), or −1 when it does not exist.</summary>
    private Task<long> ExistingRowsAsync(NpgsqlTransaction transaction, string table, CancellationToken cancellationToken) =>
        SqlCommands.ExistingRowsAsync(_connection!, transaction, "SELECT CASE WHEN to_regclass(@name) IS NULL THEN 0 ELSE 1 END", ("name", PostgresDialect.Quote(table)), PostgresDialect.Quote(table), "COUNT", cancellationToken);

    /// <summary>The data type of every loaded column, from the catalog: existing tables keep their own types.</summary>
    private async Task<string[]> ColumnTypesAsync(NpgsqlTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(
            "SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a WHERE a.attrelid = to_regclass(@name) AND a.attnum > 0 AND NOT a.attisdropped",
            _connection,
            transaction);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("name", PostgresDialect.Quote(model.Target));
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    types[reader.GetString(0)] = reader.GetString(1);
                }
            }
        }

        var missing = model.Fields.Where(f => !types.ContainsKey(f.Name)).Select(f => f.Name).ToList();
        if (missing.Count > 0)
        {
            throw new GenerationException($"postgres '{_storeName}': table '{model.Target}' has no column(s) {string.Join(", ", missing)}", model.Name);
        }

        return model.Fields.Select(f => types[f.Name]).ToArray();
    }

    /// <summary>Streams rows into one binary COPY; commits after the server's row count matches.</summary>
    private sealed class Writer : IModelWriter
    {
        private readonly PostgresOutput _owner;
        private readonly NpgsqlTransaction _transaction;
        private readonly NpgsqlBinaryImporter _importer;
        private readonly ModelDescriptor _model;
        private readonly Action<NpgsqlBinaryImporter, object>[] _columns;
        private long _rows;
        private bool _committed;

        private readonly bool _createdTable;

        public Writer(PostgresOutput owner, NpgsqlTransaction transaction, NpgsqlBinaryImporter importer, ModelDescriptor model, string[] types, bool createdTable)
        {
            _createdTable = createdTable;
            _owner = owner;
            _transaction = transaction;
            _importer = importer;
            _model = model;
            _columns = types.Select(ColumnWriter).ToArray();
        }

        public ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
        {
            // Synchronous writes into Npgsql's buffer: COPY is the bottleneck and per-value awaits cost more than they save.
            try
            {
                foreach (var row in batch.Rows)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    _importer.StartRow();
                    for (var i = 0; i < row.Length; i++)
                    {
                        if (row[i] is { } value)
                        {
                            _columns[i](_importer, value);
                        }
                        else
                        {
                            _importer.WriteNull();
                        }
                    }
                }
            }
            catch (Exception e) when (e is PostgresException or NpgsqlException or InvalidCastException or FormatException)
            {
                throw new GenerationException($"postgres '{_owner._storeName}': writing table '{_model.Target}' failed: {(e as PostgresException)?.MessageText ?? e.Message}", _model.Name, null, batch.FirstRow, e);
            }

            _rows += batch.Rows.Count;
            return ValueTask.CompletedTask;
        }

        public async ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                // COPY's completion carries the server's own row count; the table was empty before (conflict check), so it is the table's count.
                var copied = (long)await _importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                await _importer.DisposeAsync().ConfigureAwait(false);
                if (copied != _rows)
                {
                    throw new GenerationException($"postgres '{_owner._storeName}': table '{_model.Target}' acknowledged {copied} rows after sending {_rows}; rolled back", _model.Name);
                }

                if (_createdTable)
                {
                    foreach (var index in PostgresDialect.CreateIndexes(_model))
                    {
                        await _owner.ExecuteAsync(_transaction, index, cancellationToken).ConfigureAwait(false);
                    }
                }

                await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                _committed = true;
                return copied;
            }
            catch (PostgresException e)
            {
                throw new GenerationException($"postgres '{_owner._storeName}': loading table '{_model.Target}' failed: {e.MessageText} (SQLSTATE {e.SqlState}){(e.Detail is { } d ? " — " + d : string.Empty)}", _model.Name, null, null, e);
            }
        }

        public async ValueTask DisposeAsync()
        {
            // Disposing an importer that was not completed cancels the COPY; then the transaction (DDL included) rolls back.
            await _importer.DisposeAsync().ConfigureAwait(false);
            if (!_committed)
            {
                try
                {
                    await _transaction.RollbackAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
                {
                    // The connection may already be broken; the server discards the open transaction anyway.
                }
            }

            await _transaction.DisposeAsync().ConfigureAwait(false);
        }

        /// <summary>
        /// A typed write per column (Npgsql's generic Write&lt;T&gt; with a known type is much cheaper than writing
        /// object): the generated value's own type when it already matches, the column's type after conversion otherwise.
        /// </summary>
        private static Action<NpgsqlBinaryImporter, object> ColumnWriter(string type)
        {
            var convert = PostgresDialect.ConverterFor(type);
            return type switch
            {
                "bigint" => (w, v) => w.Write(v is long l ? l : (long)convert(v), NpgsqlDbType.Bigint),
                "integer" => (w, v) => w.Write((int)convert(v), NpgsqlDbType.Integer),
                "smallint" => (w, v) => w.Write((short)convert(v), NpgsqlDbType.Smallint),
                "numeric" => (w, v) => w.Write(v is decimal d ? d : (decimal)convert(v), NpgsqlDbType.Numeric),
                "double precision" => (w, v) => w.Write(v is double d ? d : (double)convert(v), NpgsqlDbType.Double),
                "real" => (w, v) => w.Write((float)convert(v), NpgsqlDbType.Real),
                "boolean" => (w, v) => w.Write(v is bool b ? b : (bool)convert(v), NpgsqlDbType.Boolean),
                "uuid" => (w, v) => w.Write(v is Guid g ? g : (Guid)convert(v), NpgsqlDbType.Uuid),
                "date" => (w, v) => w.Write(v is DateOnly d ? d : (DateOnly)convert(v), NpgsqlDbType.Date),
                "timestamp with time zone" => (w, v) => w.Write((DateTime)convert(v), NpgsqlDbType.TimestampTz),
                "timestamp without time zone" => (w, v) => w.Write((DateTime)convert(v), NpgsqlDbType.Timestamp),
                "time without time zone" => (w, v) => w.Write(v is TimeOnly t ? t : (TimeOnly)convert(v), NpgsqlDbType.Time),
                "jsonb" => (w, v) => w.Write((string)convert(v), NpgsqlDbType.Jsonb),
                "json" => (w, v) => w.Write((string)convert(v), NpgsqlDbType.Json),
                "text" => (w, v) => w.Write(v as string ?? (string)convert(v), NpgsqlDbType.Text),
                "character varying" => (w, v) => w.Write(v as string ?? (string)convert(v), NpgsqlDbType.Varchar),
                _ => (w, v) => w.Write(convert(v), type),
            };
        }
    }
}
