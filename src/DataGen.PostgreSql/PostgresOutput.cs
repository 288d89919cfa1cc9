using System.Data.Common;
using System.Net.Sockets;
using DataGen.Outputs;
using DataGen.Sql;
using Npgsql;
using NpgsqlTypes;

namespace DataGen.PostgreSql;

/// <summary>
/// Loads models into PostgreSQL with binary COPY through the shared SQL pipeline (<see cref="SqlStoreOutput"/>): tables
/// created from the manifest (primary keys, foreign keys for refs) or existing empty tables loaded into, one transaction
/// per model, the row count checked before commit — a model is loaded whole or not at all. Connection strings never
/// appear in errors.
/// </summary>
public sealed class PostgresOutput : SqlStoreOutput
{
    private static readonly TimeSpan[] Retries = [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1)];

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _where;

    private PostgresOutput(NpgsqlDataSource dataSource, StoreLoadOptions options, string storeName, string where)
        : base(PostgresDialect.Instance, options, $"postgres '{storeName}'")
    {
        _dataSource = dataSource;
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

        // Generated rows hold nothing secret: a constraint's detail (the failing row's values) goes into the error.
        builder.IncludeErrorDetail = true;
        var where = $"{builder.Host}:{builder.Port}/{builder.Database}";
        return new PostgresOutput(NpgsqlDataSource.Create(builder.ConnectionString), options ?? new StoreLoadOptions(), storeName, where);
    }

    /// <summary>Opens a connection with bounded retries on network errors; fails within seconds, naming host, port and database only.</summary>
    protected override async ValueTask<DbConnection> ConnectAsync(CancellationToken cancellationToken)
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
                throw new GenerationException($"{Store}: cannot connect to {_where}: {reason}", null, null, null, e);
            }
        }
    }

    /// <summary>Describes the database's tables (the connection's errors as for a load: host, port and database only).</summary>
    internal Task<Schemas.DatabaseSchema> ReadSchemaAsync(Schemas.SchemaFilter? filter, CancellationToken cancellationToken) =>
        ReadDatabaseAsync($"reading the schema of {_where}", connection => PostgresSchemaReader.ReadAsync((NpgsqlConnection)connection, filter, cancellationToken), cancellationToken);

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<string>> ReferencingTablesAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> others, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(others);
        var referencing = new List<string>();
        var command = new NpgsqlCommand(
            """
            SELECT DISTINCT c.conrelid::regclass::text FROM pg_constraint c
            WHERE c.contype = 'f' AND c.conparentid = 0 AND c.confrelid = to_regclass(@table) AND c.conrelid <> c.confrelid
              AND NOT (c.conrelid = ANY (ARRAY(SELECT to_regclass(o) FROM unnest(@others) o WHERE to_regclass(o) IS NOT NULL)))
            ORDER BY 1
            """,
            (NpgsqlConnection)connection,
            (NpgsqlTransaction)transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("table", Dialect.QuoteTable(table));
            command.Parameters.AddWithValue("others", others.Select(Dialect.QuoteTable).ToArray());
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    referencing.Add(reader.GetString(0));
                }
            }
        }

        return referencing;
    }

    /// <inheritdoc />
    protected override async Task<bool> TableExistsAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken) =>
        await SqlCommands.ScalarAsync(connection, transaction, "SELECT CASE WHEN to_regclass(@name) IS NULL THEN 0 ELSE 1 END", cancellationToken, ("name", Dialect.QuoteTable(model.Target))).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    protected override async ValueTask<SqlBulkLoad> BeginBulkLoadAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        var types = await ColumnTypesAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false);
        var importer = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(PostgresDialect.Copy(model), cancellationToken).ConfigureAwait(false);
        return new CopyLoad(importer, types);
    }

    /// <inheritdoc />
    protected override Task<Func<CancellationToken, Task>?> HoldForeignKeysAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken) =>
        PostgresForeignKeys.HoldAsync((NpgsqlConnection)connection, (NpgsqlTransaction)transaction, model, cancellationToken);

    /// <inheritdoc />
    protected override string? DescribeError(Exception exception) => exception switch
    {
        PostgresException e => $"{e.MessageText} (SQLSTATE {e.SqlState}){(e.Detail is { } d ? " — " + d : string.Empty)}",
        NpgsqlException or InvalidCastException or FormatException => exception.Message,
        _ => null,
    };

    /// <summary>
    /// Moves every sequence a loaded column takes its default from (serial and identity columns, and sequences named in a
    /// <c>nextval</c> default without being owned) to the largest loaded value, so
    /// the next <c>nextval</c> — the application's next insert — returns a key past the loaded ones. A column whose
    /// loaded values are all null leaves its sequence alone.
    /// </summary>
    protected override async Task AfterBulkLoadAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        var table = Dialect.QuoteTable(model.Target);
        var owned = new List<(string Column, string Sequence)>();
        var command = new NpgsqlCommand(
            // Owned sequences (serial, identity) and any sequence a column's default takes nextval of, owned or not
            // (hand-written and ported schemas: DEFAULT nextval('actor_actor_id_seq') with no OWNED BY).
            """
            SELECT a.attname, pg_get_serial_sequence(@table, a.attname) FROM pg_attribute a
            WHERE a.attrelid = to_regclass(@table) AND a.attnum > 0 AND NOT a.attisdropped AND pg_get_serial_sequence(@table, a.attname) IS NOT NULL
            UNION
            SELECT a.attname, s.oid::regclass::text FROM pg_attrdef d
            JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
            JOIN pg_depend dep ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid AND dep.refclassid = 'pg_class'::regclass
            JOIN pg_class s ON s.oid = dep.refobjid AND s.relkind = 'S'
            WHERE d.adrelid = to_regclass(@table)
            """,
            (NpgsqlConnection)connection,
            (NpgsqlTransaction)transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("table", table);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    owned.Add((reader.GetString(0), reader.GetString(1)));
                }
            }
        }

        foreach (var (column, sequence) in owned.Where(o => model.Fields.Any(f => f.Name == o.Column)))
        {
            // setval(…, max, true): last_value is the largest loaded key and the next nextval is past it (a restore of the
            // kit sets the same state again; setval(…, max + 1, false) would leave last_value unset).
            var sql = $"SELECT setval(@sequence, m, true) FROM (SELECT max({Dialect.Quote(column)})::bigint AS m FROM {table}) loaded WHERE m IS NOT NULL";
            var setval = new NpgsqlCommand(sql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
            await using (setval.ConfigureAwait(false))
            {
                setval.Parameters.AddWithValue("sequence", sequence);
                await setval.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    protected override async ValueTask OnDisposedAsync() => await _dataSource.DisposeAsync().ConfigureAwait(false);

    /// <summary>The data type of every loaded column, from the catalog: existing tables keep their own types.</summary>
    private async Task<string[]> ColumnTypesAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(
            // What each column is written as: a domain as its base type, an enum as text (its binary form is its label).
            """
            SELECT a.attname, CASE WHEN b.typtype = 'e' THEN 'text' ELSE format_type(b.oid, NULL) END
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid
            JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
            WHERE a.attrelid = to_regclass(@name) AND a.attnum > 0 AND NOT a.attisdropped
            """,
            (NpgsqlConnection)connection,
            (NpgsqlTransaction)transaction);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("name", Dialect.QuoteTable(model.Target));
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
            throw new GenerationException($"{Store}: table '{model.Target}' has no column(s) {string.Join(", ", missing)}", model.Name);
        }

        return model.Fields.Select(f => types[f.Name]).ToArray();
    }

    /// <summary>Streams rows into one binary COPY; its completion carries the server's row count.</summary>
    private sealed class CopyLoad(NpgsqlBinaryImporter importer, string[] types) : SqlBulkLoad
    {
        private readonly Action<NpgsqlBinaryImporter, object>[] _columns = types.Select(ColumnWriter).ToArray();

        public override ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken)
        {
            // Synchronous writes into Npgsql's buffer: COPY is the bottleneck and per-value awaits cost more than they save.
            foreach (var row in batch.Rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                importer.StartRow();
                for (var i = 0; i < row.Length; i++)
                {
                    if (row[i] is { } value)
                    {
                        _columns[i](importer, value);
                    }
                    else
                    {
                        importer.WriteNull();
                    }
                }
            }

            return ValueTask.CompletedTask;
        }

        public override async ValueTask<long?> CompleteAsync(CancellationToken cancellationToken)
        {
            var copied = (long)await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            await importer.DisposeAsync().ConfigureAwait(false);
            return copied;
        }

        public override async ValueTask DisposeAsync()
        {
            // Disposing an importer that was not completed cancels the COPY.
            await importer.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
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
