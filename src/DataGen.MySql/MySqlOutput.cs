using System.Data.Common;
using DataGen.Outputs;
using DataGen.Sql;
using MySqlConnector;

namespace DataGen.MySql;

/// <summary>
/// Loads models into MySQL or MariaDB with MySqlBulkCopy (LOAD DATA LOCAL INFILE) through the shared SQL pipeline
/// (<see cref="SqlStoreOutput"/>): tables created from the manifest or existing ones loaded into, the row count checked,
/// one transaction per run. DDL commits implicitly on these servers, so new tables are made before any row is loaded
/// and dropped again if the run fails: nothing is kept either way. AUTO_INCREMENT counters move past loaded keys by
/// themselves. Connection strings never appear in errors.
/// </summary>
public sealed partial class MySqlOutput : SqlStoreOutput
{
    private readonly string _connectionString;
    private readonly string _where;

    private MySqlOutput(string connectionString, StoreLoadOptions options, string storeName, string where)
        : base(MySqlDialect.Instance, options, $"mysql '{storeName}'")
    {
        _connectionString = connectionString;
        _where = where;
    }

    /// <summary>Creates an output (a 5 s connect timeout applies unless the connection string sets one; local infile is allowed, as bulk copy needs it).</summary>
    /// <param name="connectionString">A MySqlConnector connection string.</param>
    /// <param name="options">Conflict handling.</param>
    /// <param name="storeName">The datastore name errors refer to.</param>
    public static MySqlOutput Create(string connectionString, StoreLoadOptions? options = null, string storeName = "mysql")
    {
        MySqlConnectionStringBuilder builder;
        try
        {
            builder = new MySqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ArgumentException($"mysql '{storeName}': the connection string is invalid ({e.GetType().Name})", nameof(connectionString));
        }

        if (!connectionString.Contains("timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectionTimeout = 5;
        }

        builder.AllowLoadLocalInfile = true;
        builder.AllowUserVariables = true;
        return new MySqlOutput(builder.ConnectionString, options ?? new StoreLoadOptions(), storeName, $"{builder.Server}:{builder.Port}/{builder.Database}");
    }

    /// <inheritdoc />
    protected override object ToParameterValue(object? value, FieldDescriptor field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return MySqlDialect.ToDb(value, field.Kind, binary: false);
    }

    /// <inheritdoc />
    protected override bool TransactionalDdl => false;

    /// <summary><c>RENAME TABLE</c>, the new name in the table's own database (qualified like it).</summary>
    protected override string RenameTable(string table, string name)
    {
        ArgumentNullException.ThrowIfNull(table);
        return $"RENAME TABLE {Dialect.QuoteTable(table)} TO {Dialect.QuoteTable(table[..(table.Length - SqlDialect.TableName(table).Length)] + name)}";
    }

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (Options.CreateDatabase)
        {
            var database = new MySqlConnectionStringBuilder(_connectionString).Database;
            var server = new MySqlConnectionStringBuilder(_connectionString) { Database = string.Empty, Pooling = false };
            await EnsureDatabaseAsync(new MySqlConnection(server.ConnectionString), database, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @name", $"CREATE DATABASE {Dialect.Quote(database ?? string.Empty)}", cancellationToken).ConfigureAwait(false);
        }

        var connection = new MySqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // Strict for this session: an INSERT or UPDATE whose value the server would cut, round off or replace fails
            // instead of warning (LOAD DATA LOCAL still only warns; BulkCopyLoad turns its warnings into errors).
            await SqlCommands.ExecuteAsync(connection, null, "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_ALL_TABLES')", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (MySqlException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new GenerationException($"{Store}: cannot connect to {_where}: {e.Message}", null, null, null, e);
        }
    }

    /// <summary>Describes the database's tables (errors name the server and database only).</summary>
    internal Task<Schemas.DatabaseSchema> ReadSchemaAsync(Schemas.SchemaFilter? filter, CancellationToken cancellationToken) =>
        ReadDatabaseAsync($"reading the schema of {_where}", connection => MySqlSchemaReader.ReadAsync((MySqlConnection)connection, filter, cancellationToken), cancellationToken);

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<string>> ReferencingTablesAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> others, CancellationToken cancellationToken)
    {
        // Tables of any database whose foreign keys point at this one (a schema is a database here), named as the run
        // names tables: bare in the connection's database, qualified elsewhere. The run's own tables by (database, name).
        ArgumentNullException.ThrowIfNull(others);
        var current = connection.Database;
        var (schema, name) = Split(table);
        var found = new List<string>();
        var command = new MySqlCommand(
            "SELECT DISTINCT TABLE_SCHEMA, TABLE_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE REFERENCED_TABLE_SCHEMA = @schema AND REFERENCED_TABLE_NAME = @name AND NOT (TABLE_SCHEMA = REFERENCED_TABLE_SCHEMA AND TABLE_NAME = REFERENCED_TABLE_NAME)",
            (MySqlConnection)connection,
            (MySqlTransaction)transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("@schema", schema ?? current);
            command.Parameters.AddWithValue("@name", name);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found.Add(reader.GetString(0) == current ? reader.GetString(1) : $"{reader.GetString(0)}.{reader.GetString(1)}");
            }
        }

        var run = others.Select(Qualified).ToHashSet(StringComparer.Ordinal);
        return found.Where(f => !run.Contains(Qualified(f))).ToList();

        string Qualified(string target) => Split(target) is var (s, n) ? $"{s ?? current}.{n}" : target;
    }

    /// <inheritdoc />
    protected override async Task<bool> TableExistsAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (schema, name) = Split(model.Target);
        return await SqlCommands.ScalarAsync(
            connection,
            transaction,
            $"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = {(schema is null ? "DATABASE()" : "'" + schema.Replace("'", "''", StringComparison.Ordinal) + "'")} AND TABLE_NAME = @name",
            cancellationToken,
            ("@name", name)).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    protected override async ValueTask<SqlBulkLoad> BeginBulkLoadAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        await PinClockAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false);
        var (schema, name) = Split(model.Target);
        var types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var schemaSql = schema is null ? "DATABASE()" : "'" + schema.Replace("'", "''", StringComparison.Ordinal) + "'";
        await SqlCommands.ReadAsync(
            connection,
            transaction,
            $"SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {(schema is null ? "DATABASE()" : "'" + schema.Replace("'", "''", StringComparison.Ordinal) + "'")} AND TABLE_NAME = @name",
            reader => types[reader.GetString(0)] = reader.GetString(1),
            cancellationToken,
            ("@name", name)).ConfigureAwait(false);
        var bulk = new MySqlBulkCopy((MySqlConnection)connection, (MySqlTransaction)transaction)
        {
            DestinationTableName = Dialect.QuoteTable(model.Target),
            BulkCopyTimeout = 0,
            ConflictOption = MySqlBulkLoaderConflictOption.None,
        };
        var srids = types.Values.Any(MySqlTypes.IsGeometry) ? await SridsAsync(connection, transaction, schemaSql, name, cancellationToken).ConfigureAwait(false) : null;
        for (var i = 0; i < model.Fields.Count; i++)
        {
            var column = model.Fields[i].Name;
            if (types.GetValueOrDefault(column) is { } type && MySqlTypes.IsGeometry(type))
            {
                // Geometry goes as well-known text; MySqlBulkCopy would otherwise read it as hex.
                var srid = srids?.GetValueOrDefault(column) is { } s and not 0 ? $", {s.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : string.Empty;
                bulk.ColumnMappings.Add(new MySqlBulkCopyColumnMapping(i, $"@g{i}", $"{Dialect.Quote(column)} = ST_GeomFromText(@g{i}{srid})"));
            }
            else
            {
                bulk.ColumnMappings.Add(new MySqlBulkCopyColumnMapping(i, column));
            }
        }

        return new BulkCopyLoad(bulk, connection, transaction, model, types);
    }

    /// <summary>The SRIDs of a table's geometry columns: MySQL 8's ST_GEOMETRY_COLUMNS, else MariaDB's GEOMETRY_COLUMNS (none: 0).</summary>
    private static async Task<Dictionary<string, long>> SridsAsync(DbConnection connection, DbTransaction transaction, string schema, string table, CancellationToken cancellationToken)
    {
        var srids = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var sql in new[]
        {
            $"SELECT COLUMN_NAME, SRS_ID FROM information_schema.ST_GEOMETRY_COLUMNS WHERE TABLE_SCHEMA = {schema} AND TABLE_NAME = @name",
            $"SELECT G_GEOMETRY_COLUMN, SRID FROM information_schema.GEOMETRY_COLUMNS WHERE G_TABLE_SCHEMA = {schema} AND G_TABLE_NAME = @name",
        })
        {
            try
            {
                await SqlCommands.ReadAsync(connection, transaction, sql, reader =>
                {
                    if (!reader.IsDBNull(1))
                    {
                        srids[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
                    }
                }, cancellationToken, ("@name", table)).ConfigureAwait(false);
                return srids;
            }
            catch (MySqlException e) when (e.ErrorCode is MySqlErrorCode.UnknownTable or MySqlErrorCode.BadFieldError)
            {
                // Not this server's catalog: try the other.
            }
        }

        return srids;
    }

    /// <inheritdoc />
    protected override Task<Func<CancellationToken, Task>?> HoldForeignKeysAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken) =>
        MySqlForeignKeys.HoldAsync((MySqlConnection)connection, (MySqlTransaction)transaction, model, cancellationToken);

    /// <inheritdoc />
    protected override Task AfterBulkLoadAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken) =>
        model?.HeldReferences.Count > 0 ? MySqlForeignKeys.ResumeAsync((MySqlConnection)connection, (MySqlTransaction)transaction, cancellationToken) : Task.CompletedTask;

    /// <inheritdoc />
    protected override string? DescribeError(Exception exception) => exception switch
    {
        MySqlException e when e.Number is 3948 or 1148 =>
            $"{e.Message} (the server refuses LOAD DATA LOCAL INFILE, which bulk loading uses: start it with --local-infile=1 or run SET GLOBAL local_infile = 1)",
        MySqlException e => $"{e.Message} (error {e.Number})",
        MySqlConversionException e => e.Message,
        InvalidOperationException e when e.Source?.StartsWith("MySqlConnector", StringComparison.Ordinal) == true => e.Message,
        _ => null,
    };

    private static (string? Schema, string Name) Split(string target)
    {
        var dot = target.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < target.Length - 1 ? (target[..dot], target[(dot + 1)..]) : (null, target);
    }

    /// <summary>
    /// Batches gathered into one DataTable and sent through MySqlBulkCopy every <see cref="Chunk"/> rows (each send is a
    /// LOAD DATA statement with its own round trips); the result says how many rows went in, and warnings are errors.
    /// </summary>
    private sealed partial class BulkCopyLoad(MySqlBulkCopy bulk, DbConnection connection, DbTransaction transaction, ModelDescriptor model, IReadOnlyDictionary<string, string> columnTypes) : SqlBulkLoad
    {
        private const int Chunk = 16_384;
        private readonly System.Data.DataTable _table = MySqlDialect.NewTable(model, columnTypes);
        private long _rows;
        private long _firstRow = -1;

        public override async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken)
        {
            if (_firstRow < 0)
            {
                _firstRow = batch.FirstRow;
            }

            MySqlDialect.Fill(_table, model, batch.Rows, batch.FirstRow);
            if (_table.Rows.Count >= Chunk)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public override async ValueTask<long?> CompleteAsync(CancellationToken cancellationToken)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            return _rows;
        }

        public override ValueTask DisposeAsync()
        {
            _table.Dispose();
            return base.DisposeAsync();
        }

        private GenerationException Refused(IReadOnlyList<(string Message, int Code)> warnings, Exception? inner)
        {
            var first = warnings[0];
            var at = WarningPlace().Match(first.Message);
            var column = at.Groups["column"].Success ? at.Groups["column"].Value : null;
            long? row = at.Groups["row"].Success ? _firstRow + long.Parse(at.Groups["row"].Value, System.Globalization.CultureInfo.InvariantCulture) - 1 : null;
            return new GenerationException(
                $"table '{model.Target}'{(column is null ? string.Empty : $", column '{column}'")}: the server would change or skip {(row is null ? $"values of rows {_firstRow}–{_firstRow + _table.Rows.Count - 1}" : "this row's value")}, so the load stops: {string.Join("; ", warnings.Take(3).Select(w => $"{w.Message} (warning {w.Code:D})"))}{(warnings.Count > 3 ? $" and {warnings.Count - 3} more" : string.Empty)}; nothing was kept in this database",
                model.Name,
                column,
                row ?? _firstRow,
                inner);
        }

        private async Task<List<(string Message, int Code)>> SkippedBecauseAsync(CancellationToken cancellationToken)
        {
            var warnings = new List<(string, int)>();
            await SqlCommands.ReadAsync(connection, transaction, "SHOW WARNINGS LIMIT 4", r => warnings.Add((r.GetString(2), Convert.ToInt32(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture))), cancellationToken).ConfigureAwait(false);
            return warnings;
        }

        [System.Text.RegularExpressions.GeneratedRegex(@"column '(?<column>[^']+)'(?: at row (?<row>\d+))?|at row (?<row>\d+)")]
        private static partial System.Text.RegularExpressions.Regex WarningPlace();

        private async ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            if (_table.Rows.Count == 0)
            {
                return;
            }

            MySqlBulkCopyResult result;
            try
            {
                result = await bulk.WriteToServerAsync(_table, cancellationToken).ConfigureAwait(false);
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.BulkCopyFailed)
            {
                // Rows the server skipped (a CHECK, a duplicate) fail the copy before its warnings are returned: the session still has them.
                var why = await SkippedBecauseAsync(cancellationToken).ConfigureAwait(false);
                if (why.Count == 0)
                {
                    throw;
                }

                throw Refused(why, e);
            }

            if (result.Warnings.Count > 0)
            {
                // LOAD DATA LOCAL turns a value that does not fit (too long, out of range, not a member, a duplicate) into a
                // warning and stores something else, whatever the sql_mode: each is an error here, naming row and column.
                throw Refused(result.Warnings.Select(w => (w.Message, (int)w.ErrorCode)).ToList(), null);
            }

            _rows += result.RowsInserted;
            _firstRow = -1;
            _table.Clear();
        }
    }
}
