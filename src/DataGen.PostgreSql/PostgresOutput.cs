using System.Data.Common;
using System.Globalization;
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
public sealed partial class PostgresOutput : SqlStoreOutput
{
    private static readonly TimeSpan[] Retries = [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1)];

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _where;
    private PostgresTypes? _types;

    private readonly NpgsqlConnectionStringBuilder _builder;

    private PostgresOutput(NpgsqlConnectionStringBuilder builder, StoreLoadOptions options, string storeName, string where)
        : base(PostgresDialect.Instance, options, $"postgres '{storeName}'")
    {
        _builder = builder;
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
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
        return new PostgresOutput(builder, options ?? new StoreLoadOptions(), storeName, where);
    }

    /// <summary>Opens a connection with bounded retries on network errors; fails within seconds, naming host, port and database only.</summary>
    protected override async ValueTask<DbConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (Options.CreateDatabase)
        {
            var server = new NpgsqlConnectionStringBuilder(_builder.ConnectionString) { Database = "postgres", Pooling = false };
            await EnsureDatabaseAsync(new NpgsqlConnection(server.ConnectionString), _builder.Database, "SELECT COUNT(*) FROM pg_database WHERE datname = @name", $"CREATE DATABASE {PostgresDialect.QuoteIdentifier(_builder.Database ?? string.Empty)}", cancellationToken).ConfigureAwait(false);
        }

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
    protected override async Task<bool> TableExistsAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken) =>
        await SqlCommands.ScalarAsync(connection, transaction, "SELECT CASE WHEN to_regclass(@name) IS NULL THEN 0 ELSE 1 END", cancellationToken, ("name", Dialect.QuoteTable(model.Target))).ConfigureAwait(false) == 1;

    /// <summary>
    /// Binary COPY with a typed writer per column when every column has one for the field's values (the fast path of
    /// ordinary tables); otherwise COPY in text format, each value in its type's text input form, which PostgreSQL
    /// parses for any type (an extension's, a composite, a range, an array of an enum …).
    /// </summary>
    protected override async ValueTask<SqlBulkLoad> BeginBulkLoadAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        var columns = await ColumnTypesAsync(connection, transaction, model, cancellationToken).ConfigureAwait(false);
        var npgsql = (NpgsqlConnection)connection;
        if (columns.Select((c, i) => HasBinaryWriter(c.Type, model.Fields[i].Kind)).All(b => b))
        {
            var importer = await npgsql.BeginBinaryImportAsync(PostgresDialect.Copy(model), cancellationToken).ConfigureAwait(false);
            return new CopyLoad(importer, columns, model, Store);
        }

        _types ??= await PostgresTypes.ReadAsync(npgsql, (NpgsqlTransaction)transaction, [], cancellationToken).ConfigureAwait(false);
        var resolved = columns.Select(c => _types.Resolve(c.Oid, c.Full)).ToArray();
        var copy = $"COPY {Dialect.QuoteTable(model.Target)} ({string.Join(", ", model.Fields.Select(f => Dialect.Quote(f.Name)))}) FROM STDIN";
        var writer = await npgsql.BeginTextImportAsync(copy, cancellationToken).ConfigureAwait(false);
        return new TextCopyLoad(writer, _types, columns, resolved, model, Store);
    }

    /// <summary>
    /// Whether binary COPY writes a column of <paramref name="type"/> (a domain as its base, an enum as text) for values
    /// of <paramref name="kind"/>. Interval and money take their CLR forms only (a time, a number); text in them,
    /// network addresses, bit strings, geometry, ranges, composites, extension types and arrays of any of these go
    /// through their text input form.
    /// </summary>
    private static bool HasBinaryWriter(string type, ValueKind kind) => type switch
    {
        "bigint" or "integer" or "smallint" or "numeric" or "double precision" or "real" or "boolean" or "uuid" or "date"
            or "timestamp with time zone" or "timestamp without time zone" or "time without time zone" or "jsonb" or "json"
            or "text" or "character varying" or "character" or "bytea" => true,
        "interval" => kind == ValueKind.Time,
        "money" => kind is ValueKind.Integer or ValueKind.Decimal or ValueKind.Double,
        "bigint[]" or "integer[]" or "smallint[]" or "numeric[]" or "double precision[]" or "real[]" or "boolean[]" or "uuid[]" or "date[]"
            or "timestamp with time zone[]" or "timestamp without time zone[]" or "text[]" or "character varying[]" => true,
        _ => false,
    };

    /// <inheritdoc />
    protected override Task<Func<CancellationToken, Task>?> SuspendTriggersAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken) =>
        PostgresSchemaExtras.SuspendClockTriggersAsync((NpgsqlConnection)connection, (NpgsqlTransaction)transaction, model, cancellationToken);

    /// <inheritdoc />
    protected override Task<Func<CancellationToken, Task>?> HoldForeignKeysAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken) =>
        PostgresForeignKeys.HoldAsync((NpgsqlConnection)connection, (NpgsqlTransaction)transaction, model, cancellationToken);

    /// <inheritdoc />
    protected override string? DescribeError(Exception exception) => exception switch
    {
        PostgresException e => $"{e.MessageText} (SQLSTATE {e.SqlState}){(e.Detail is { } d ? " — " + d : string.Empty)}{Where(e)}",
        NpgsqlException or InvalidCastException or FormatException => exception.Message,
        _ => null,
    };

    /// <summary>Where in a COPY the server failed (<c>COPY film, line 3, column rating: "X"</c>): the column, and the row of the load.</summary>
    private static string Where(PostgresException e)
    {
        if (e.Where is not { Length: > 0 } where)
        {
            return string.Empty;
        }

        var copy = System.Text.RegularExpressions.Regex.Match(where, @"^COPY [^,]+, line (\d+)(?:, column ([^:]+))?", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        return copy.Success && long.TryParse(copy.Groups[1].Value, CultureInfo.InvariantCulture, out var line)
            ? $" (at {(copy.Groups[2].Success ? $"column '{copy.Groups[2].Value}', " : string.Empty)}row {line - 1} of the load: {where.Split('\n')[0]})"
            : $" (at {where.Split('\n')[0]})";
    }

    /// <inheritdoc />
    protected override async ValueTask OnDisposedAsync() => await _dataSource.DisposeAsync().ConfigureAwait(false);

    /// <summary>The data type of every loaded column, from the catalog: existing tables keep their own types.</summary>
    private async Task<ColumnType[]> ColumnTypesAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(
            // What each column is written as: a domain as its base type, an enum as text (its binary form is its label);
            // and its declared type, with modifiers, for the text path and the checks of what the server would round.
            """
            SELECT a.attname, CASE WHEN b.typtype = 'e' THEN 'text' ELSE format_type(b.oid, NULL) END,
                   a.atttypid, format_type(a.atttypid, a.atttypmod), format_type(b.oid, CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END)
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid
            JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
            WHERE a.attrelid = to_regclass(@name) AND a.attnum > 0 AND NOT a.attisdropped
            """,
            (NpgsqlConnection)connection,
            (NpgsqlTransaction)transaction);
        var types = new Dictionary<string, ColumnType>(StringComparer.Ordinal);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("name", Dialect.QuoteTable(model.Target));
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    types[reader.GetString(0)] = new ColumnType(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<uint>(2), reader.GetString(3), reader.GetString(4));
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
}
