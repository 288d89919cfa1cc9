using System.Data.Common;
using DataGen.Outputs;
using DataGen.Sql;
using Microsoft.Data.Sqlite;

namespace DataGen.Sqlite;

/// <summary>
/// Loads models into a SQLite database through the shared SQL pipeline (<see cref="SqlStoreOutput"/>): tables created
/// from the manifest (primary key from <c>key</c>, foreign keys from refs) or existing empty tables loaded into, one
/// transaction per model, row count verified before commit — a model is loaded whole or not at all.
/// </summary>
public sealed partial class SqliteOutput : SqlStoreOutput
{
    private readonly string _connectionString;
    private readonly string? _replaceFile;
    private bool _completed;

    private SqliteOutput(string connectionString, string? replaceFile, StoreLoadOptions options, string storeName)
        : base(SqliteDialect.Instance, options, $"sqlite '{storeName}'")
    {
        _connectionString = connectionString;
        _replaceFile = replaceFile;
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

    private string TemporaryFile => new SqliteConnectionStringBuilder(_connectionString).DataSource;

    /// <inheritdoc />
    protected override object ToParameterValue(object? value, FieldDescriptor field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return SqliteDialect.ToDb(value);
    }

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_replaceFile is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(TemporaryFile)!);
            File.Delete(TemporaryFile);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await SqlCommands.ExecuteAsync(connection, null, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new GenerationException($"{Store}: cannot open the database: {e.Message}", null, null, null, e);
        }
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<string>> ReferencingTablesAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> others, CancellationToken cancellationToken) =>
        SqlCommands.TablesExceptAsync(
            connection,
            transaction,
            "SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f.\"table\" = $table COLLATE NOCASE AND m.name <> $table COLLATE NOCASE ORDER BY 1",
            "$table",
            table,
            others,
            cancellationToken);

    /// <inheritdoc />
    protected override async Task<bool> TableExistsAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken) =>
        await SqlCommands.ScalarAsync(connection, transaction, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name", cancellationToken, ("$name", SqlDialect.TableName(model.Target))).ConfigureAwait(false) > 0;

    /// <inheritdoc />
    protected override ValueTask<SqlBulkLoad> BeginBulkLoadAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken) =>
        ValueTask.FromResult<SqlBulkLoad>(new InsertLoad((SqliteConnection)connection, (SqliteTransaction)transaction, model));

    /// <inheritdoc />
    protected override string? DescribeError(Exception exception) => exception is SqliteException e ? e.Message : null;

    /// <summary>
    /// Triggers of the table that read the clock (<c>DATETIME('NOW')</c> stamps) are dropped in the run's transaction and
    /// created again from their own text before it commits: SQLite has no way to disable one, and its DDL is transactional.
    /// </summary>
    protected override async Task<Func<CancellationToken, Task>?> SuspendTriggersAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var triggers = new List<(string Name, string Sql)>();
        await SqlCommands.ReadAsync(connection, transaction, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = $table", reader =>
        {
            if (!reader.IsDBNull(1) && SqlTriggerBodies.StampsTheClock(reader.GetString(1)))
            {
                triggers.Add((reader.GetString(0), reader.GetString(1)));
            }
        }, cancellationToken, ("$table", SqlDialect.TableName(model.Target))).ConfigureAwait(false);
        foreach (var (name, _) in triggers)
        {
            await SqlCommands.ExecuteAsync(connection, transaction, $"DROP TRIGGER {Dialect.Quote(name)}", cancellationToken).ConfigureAwait(false);
        }

        return triggers.Count == 0 ? null : async ct =>
        {
            foreach (var (_, sql) in triggers)
            {
                await SqlCommands.ExecuteAsync(connection, transaction, sql, ct).ConfigureAwait(false);
            }
        };
    }

    /// <summary>
    /// A reference cycle filled in one pass: foreign keys are checked when the run's transaction commits
    /// (<c>PRAGMA defer_foreign_keys</c>); before it commits, <c>PRAGMA foreign_key_check</c> names any row that breaks one.
    /// </summary>
    protected override async Task<Func<CancellationToken, Task>?> HoldForeignKeysAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        await SqlCommands.ExecuteAsync(connection, transaction, "PRAGMA defer_foreign_keys = ON", cancellationToken).ConfigureAwait(false);
        var table = Dialect.QuoteTable(model.Target);
        return async ct =>
        {
            var broken = new List<string>();
            await SqlCommands.ReadAsync(connection, transaction, $"PRAGMA foreign_key_check({table})", reader => broken.Add(reader.GetString(2)), ct).ConfigureAwait(false);
            if (broken.Count > 0)
            {
                throw new GenerationException($"{broken.Count} row(s) of table '{model.Target}' break a foreign key to {string.Join(", ", broken.Distinct())}, held for a reference cycle until the run's end; nothing was kept in this database", model.Name);
            }
        };
    }

    /// <inheritdoc />
    protected override async ValueTask OnCompletingAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await SqlCommands.ExecuteAsync(connection, null, "PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async ValueTask OnCompletedAsync(CancellationToken cancellationToken)
    {
        if (_replaceFile is not null)
        {
            if (!File.Exists(TemporaryFile))
            {
                // No model was written: the result is an empty database.
                var empty = new SqliteConnection(_connectionString);
                await using (empty.ConfigureAwait(false))
                {
                    await empty.OpenAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            File.Move(TemporaryFile, _replaceFile, overwrite: true);
        }

        _completed = true;
    }

    /// <inheritdoc />
    protected override ValueTask OnDisposedAsync()
    {
        if (_replaceFile is not null && !_completed)
        {
            foreach (var file in new[] { TemporaryFile, TemporaryFile + "-wal", TemporaryFile + "-shm" }.Where(File.Exists))
            {
                File.Delete(file);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Inserts with one prepared statement inside the model's transaction; the pipeline counts the table afterwards.</summary>
    private sealed class InsertLoad : SqlBulkLoad
    {
        private readonly SqliteCommand _insert;
        private readonly SqliteParameter[] _parameters;

        public InsertLoad(SqliteConnection connection, SqliteTransaction transaction, ModelDescriptor model)
        {
            _insert = connection.CreateCommand();
            _insert.Transaction = transaction;
            _insert.CommandText = SqliteDialect.Insert(model);
            _parameters = model.Fields.Select((_, i) => _insert.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
            _insert.Prepare();
        }

        public override async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken)
        {
            foreach (var row in batch.Rows)
            {
                for (var i = 0; i < _parameters.Length; i++)
                {
                    _parameters[i].Value = SqliteDialect.ToDb(row[i]);
                }

                await _insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public override ValueTask<long?> CompleteAsync(CancellationToken cancellationToken) => ValueTask.FromResult<long?>(null);

        public override async ValueTask DisposeAsync()
        {
            await _insert.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
