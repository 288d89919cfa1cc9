using DataGen.Outputs;
using DataGen.Shared;
using Microsoft.Data.Sqlite;

namespace DataGen.Sqlite;

/// <summary>
/// Loads models into a SQLite database: tables created from the manifest (primary key from <c>key</c>,
/// foreign keys from refs), one transaction per model, row count verified before commit — a model is
/// loaded whole or not at all.
/// </summary>
public sealed class SqliteOutput : IDataOutput
{
    private readonly string _connectionString;
    private readonly string? _replaceFile;
    private readonly StoreLoadOptions _options;
    private readonly string _storeName;
    private SqliteConnection? _connection;
    private bool _completed;

    private SqliteOutput(string connectionString, string? replaceFile, StoreLoadOptions options, string storeName)
    {
        _connectionString = connectionString;
        _replaceFile = replaceFile;
        _options = options;
        _storeName = storeName;
    }

    /// <summary>Loads into an existing or new database (conflicts follow <see cref="StoreLoadOptions.DropConflicting"/>).</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=app.db</c>.</param>
    /// <param name="options">Conflict handling.</param>
    /// <param name="storeName">The datastore name errors refer to.</param>
    public static SqliteOutput ToDatabase(string connectionString, StoreLoadOptions? options = null, string storeName = "sqlite") =>
        new(connectionString, null, options ?? new StoreLoadOptions(), storeName);

    /// <summary>
    /// Builds a fresh database file that replaces <paramref name="path"/> only when the whole run succeeds
    /// (the CLI's default target, <c>./out/&lt;manifest&gt;.db</c>).
    /// </summary>
    public static SqliteOutput ToNewFile(string path)
    {
        var full = Path.GetFullPath(path);
        var temporary = $"{full}.{Environment.ProcessId}.tmp";
        var builder = new SqliteConnectionStringBuilder { DataSource = temporary, Pooling = false };
        return new SqliteOutput(builder.ToString(), full, new StoreLoadOptions(), Path.GetFileName(full));
    }

    /// <inheritdoc />
    public async ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (_connection is null)
        {
            if (_replaceFile is not null)
            {
                var temporary = new SqliteConnectionStringBuilder(_connectionString).DataSource;
                Directory.CreateDirectory(Path.GetDirectoryName(temporary)!);
                File.Delete(temporary);
            }

            _connection = new SqliteConnection(_connectionString);
            await _connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await Execute(_connection, null, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", cancellationToken).ConfigureAwait(false);
        }

        // DDL runs inside the model's transaction: a failed load leaves neither rows nor a new or dropped table.
        var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var existing = await ExistingRows(transaction, model.Target, cancellationToken).ConfigureAwait(false);
            if (existing > 0)
            {
                if (!_options.DropConflicting)
                {
                    throw new StoreConflictException($"sqlite '{_storeName}'", model.Target, existing);
                }

                await Execute(_connection, transaction, $"DROP TABLE {SqliteDialect.Quote(model.Target)}", cancellationToken).ConfigureAwait(false);
                _options.Warning?.Invoke($"sqlite '{_storeName}': dropped table '{model.Target}' ({existing} rows) to load model '{model.Name}'");
                existing = -1;
            }

            if (existing < 0)
            {
                if (!_options.CreateTables)
                {
                    throw new GenerationException($"table '{model.Target}' does not exist and table creation is off", model.Name);
                }

                await Execute(_connection, transaction, SqliteDialect.CreateTable(model), cancellationToken).ConfigureAwait(false);
            }

            return new Writer(_connection, transaction, model, createdTable: existing < 0);
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
            await Execute(_connection, null, "PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken).ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }

        if (_replaceFile is not null)
        {
            var temporary = new SqliteConnectionStringBuilder(_connectionString).DataSource;
            if (!File.Exists(temporary))
            {
                var empty = new SqliteConnection(_connectionString);
                await using (empty.ConfigureAwait(false))
                {
                    await empty.OpenAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            File.Move(temporary, _replaceFile, overwrite: true);
        }

        _completed = true;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }

        if (_replaceFile is not null && !_completed)
        {
            var temporary = new SqliteConnectionStringBuilder(_connectionString).DataSource;
            foreach (var file in new[] { temporary, temporary + "-wal", temporary + "-shm" }.Where(File.Exists))
            {
                File.Delete(file);
            }
        }
    }

    private static Task Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken) =>
        SqlCommands.ExecuteAsync(connection, transaction, sql, cancellationToken);

    /// <summary>Rows in the table, or −1 when it does not exist.</summary>
    private Task<long> ExistingRows(SqliteTransaction transaction, string table, CancellationToken cancellationToken) =>
        SqlCommands.ExistingRowsAsync(_connection!, transaction, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name", ("$name", table), SqliteDialect.Quote(table), "COUNT", cancellationToken);

    /// <summary>Inserts with one prepared statement inside the model's transaction.</summary>
    private sealed class Writer : IModelWriter
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction _transaction;
        private readonly ModelDescriptor _model;
        private readonly SqliteCommand _insert;
        private readonly SqliteParameter[] _parameters;
        private long _rows;
        private bool _committed;

        private readonly bool _createdTable;

        public Writer(SqliteConnection connection, SqliteTransaction transaction, ModelDescriptor model, bool createdTable)
        {
            _createdTable = createdTable;
            _connection = connection;
            _transaction = transaction;
            _model = model;
            _insert = connection.CreateCommand();
            _insert.Transaction = transaction;
            _insert.CommandText = SqliteDialect.Insert(model);
            _parameters = model.Fields.Select((_, i) => _insert.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
            _insert.Prepare();
        }

        public async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
        {
            foreach (var row in batch.Rows)
            {
                for (var i = 0; i < _parameters.Length; i++)
                {
                    _parameters[i].Value = SqliteDialect.ToDb(row[i]);
                }

                await _insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            _rows += batch.Rows.Count;
        }

        public async ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default)
        {
            var stored = await SqlCommands.ScalarAsync(_connection, _transaction, $"SELECT COUNT(*) FROM {SqliteDialect.Quote(_model.Target)}", cancellationToken).ConfigureAwait(false);
            if (stored != _rows)
            {
                throw new GenerationException($"sqlite table '{_model.Target}' holds {stored} rows after loading {_rows}; rolled back", _model.Name);
            }

            if (_createdTable)
            {
                foreach (var index in SqliteDialect.CreateIndexes(_model))
                {
                    await Execute(_connection, _transaction, index, cancellationToken).ConfigureAwait(false);
                }
            }

            await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _committed = true;
            return stored;
        }

        public async ValueTask DisposeAsync()
        {
            await _insert.DisposeAsync().ConfigureAwait(false);
            if (!_committed)
            {
                await _transaction.RollbackAsync().ConfigureAwait(false);
            }

            await _transaction.DisposeAsync().ConfigureAwait(false);
        }
    }
}
