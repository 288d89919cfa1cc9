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

    /// <summary>A loaded column: its name, what it is written as, its declared type (oid, printed) and its base type with modifiers.</summary>
    private sealed record ColumnType(string Name, string Type, uint Oid, string Declared, string Full);

    /// <summary>
    /// What the server would silently change: a number with more digits after the point than a <c>numeric(p,s)</c> or
    /// <c>money</c> column keeps, a time with more fractional digits than a <c>timestamp(p)</c> or <c>time(p)</c> keeps,
    /// text longer than a <c>name</c> (63 bytes) or <c>"char"</c> (1 byte) holds. Null for a column that keeps what it is
    /// given or refuses it with an error of its own (<c>varchar(n)</c>, <c>bit(n)</c>, an integer out of range …).
    /// </summary>
    /// <param name="type">The column's base type with its modifiers, as <c>format_type</c> prints it.</param>
    private static Action<object>? Loss(string type)
    {
        if (type.StartsWith("money", StringComparison.Ordinal) || NumericScale().Match(type) is { Success: true })
        {
            var scale = type.StartsWith("money", StringComparison.Ordinal) ? 2 : int.Parse(NumericScale().Match(type).Groups[1].Value, CultureInfo.InvariantCulture);
            return value =>
            {
                decimal? number = value switch
                {
                    decimal d => d,
                    double d when double.IsFinite(d) => (decimal)d,
                    float f when float.IsFinite(f) => (decimal)f,
                    string s when decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
                    _ => null,
                };
                if (number is { } n && decimal.Round(n, scale, MidpointRounding.AwayFromZero) != n)
                {
                    throw new ArgumentException($"{ValueText.Format(value)} has more than {scale} digit(s) after the point, which the column would round away (give the field scale: {scale})");
                }
            };
        }

        if (TimePrecision().Match(type) is { Success: true } time)
        {
            var digits = int.Parse(time.Groups[1].Value, CultureInfo.InvariantCulture);
            var unit = (long)Math.Pow(10, 7 - Math.Min(digits, 7));
            return value =>
            {
                var ticks = value switch
                {
                    DateTime dt => dt.Ticks,
                    TimeOnly t => t.Ticks,
                    TimeSpan span => span.Ticks,
                    string s when DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) => parsed.Ticks,
                    string s when TimeOnly.TryParse(s, CultureInfo.InvariantCulture, out var parsed) => parsed.Ticks,
                    _ => 0,
                };
                if (ticks % unit != 0)
                {
                    throw new ArgumentException($"{ValueText.Format(value)} has more than {digits} fractional digit(s) of a second, which the column would round away");
                }
            };
        }

        var bytes = type switch { "name" => 63, "\"char\"" => 1, _ => 0 };
        if (bytes > 0)
        {
            return value =>
            {
                var length = System.Text.Encoding.UTF8.GetByteCount(ValueText.Format(value));
                if (length > bytes)
                {
                    throw new ArgumentException($"{length} bytes long; the column keeps {bytes} and would cut the rest (add maxLength: {bytes})");
                }
            };
        }

        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^numeric\(\d+,(\d+)\)$")]
    private static partial System.Text.RegularExpressions.Regex NumericScale();

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:timestamp|time)\((\d)\)")]
    private static partial System.Text.RegularExpressions.Regex TimePrecision();

    /// <summary>A failure to write one value, named: model, table, row, column and its type, the value.</summary>
    private static GenerationException Located(Exception e, string store, ModelDescriptor model, ColumnType column, long row, object value)
    {
        var text = ValueText.Format(value);
        return new GenerationException(
            $"{store}: writing table '{model.Target}' failed: column '{column.Name}' ({column.Declared}) cannot take '{(text.Length > 60 ? text[..60] + "…" : text)}': {e.Message}",
            model.Name,
            column.Name,
            row,
            e);
    }

    /// <summary>Streams rows into one binary COPY; its completion carries the server's row count.</summary>
    private sealed class CopyLoad(NpgsqlBinaryImporter importer, ColumnType[] columns, ModelDescriptor model, string store) : SqlBulkLoad
    {
        private readonly Action<NpgsqlBinaryImporter, object>[] _columns = columns.Select(c => Guarded(ColumnWriter(c.Type), Loss(c.Full))).ToArray();

        private static Action<NpgsqlBinaryImporter, object> Guarded(Action<NpgsqlBinaryImporter, object> write, Action<object>? check) =>
            check is null ? write : (w, v) =>
            {
                check(v);
                write(w, v);
            };

        public override ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken)
        {
            // Synchronous writes into Npgsql's buffer: COPY is the bottleneck and per-value awaits cost more than they save.
            for (var r = 0; r < batch.Rows.Count; r++)
            {
                var row = batch.Rows[r];
                cancellationToken.ThrowIfCancellationRequested();
                importer.StartRow();
                for (var i = 0; i < row.Length; i++)
                {
                    if (row[i] is { } value)
                    {
                        try
                        {
                            _columns[i](importer, value);
                        }
                        catch (Exception e) when (e is ArgumentException or InvalidCastException or FormatException or OverflowException or NotSupportedException)
                        {
                            // The driver's own message names no column (an invalid bit string, a value of the wrong type).
                            throw Located(e, store, model, columns[i], batch.FirstRow + r, value);
                        }
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
    /// <summary>
    /// Streams rows into one COPY in text format: each value in its type's text input form, escaped for COPY. The
    /// server parses every value as it would a literal, so any type is writable; the pipeline counts the rows.
    /// </summary>
    private sealed class TextCopyLoad(TextWriter writer, PostgresTypes types, ColumnType[] columns, ResolvedType[] resolved, ModelDescriptor model, string store) : SqlBulkLoad
    {
        private readonly Action<object>?[] _checks = resolved.Select(r => Loss(r.Formatted)).ToArray();
        private readonly System.Text.StringBuilder _text = new();
        private bool _done;

        public override async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken)
        {
            _text.Clear();
            for (var r = 0; r < batch.Rows.Count; r++)
            {
                var row = batch.Rows[r];
                for (var i = 0; i < row.Length; i++)
                {
                    if (i > 0)
                    {
                        _text.Append('\t');
                    }

                    if (row[i] is not { } value)
                    {
                        _text.Append("\\N");
                        continue;
                    }

                    try
                    {
                        _checks[i]?.Invoke(value);
                        PostgresTypes.AppendCopyField(_text, types.Text(value, resolved[i].Type));
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidCastException or FormatException or OverflowException or NotSupportedException)
                    {
                        throw Located(e, store, model, columns[i], batch.FirstRow + r, value);
                    }
                }

                _text.Append('\n');
            }

            await writer.WriteAsync(_text, cancellationToken).ConfigureAwait(false);
        }

        public override async ValueTask<long?> CompleteAsync(CancellationToken cancellationToken)
        {
            // Disposing the writer ends the COPY; the server's errors about any row arrive here.
            _done = true;
            await writer.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        public override async ValueTask DisposeAsync()
        {
            if (!_done)
            {
                _done = true;
                try
                {
                    // Cancelling ends the COPY (the writer is done with it: disposing it again would flush into a closed stream).
                    await ((NpgsqlCopyTextWriter)writer).CancelAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is NpgsqlException or ObjectDisposedException or InvalidOperationException)
                {
                    // Cancelling a COPY the server already ended: nothing more to undo; the run's transaction rolls back.
                }
            }

            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
