using System.Data.Common;
using System.Globalization;
using DataGen.Outputs;
using DataGen.Sql;
using Npgsql;
using NpgsqlTypes;

namespace DataGen.PostgreSql;

/// <summary>The COPY paths (binary with a typed writer per column, text for any other type) and the checks of what a column would change.</summary>
public sealed partial class PostgresOutput
{

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
            // One try for the batch (not one per value): where it failed is kept in r and i, and named if it does.
            var r = 0;
            var i = 0;
            try
            {
                for (r = 0; r < batch.Rows.Count; r++)
                {
                    var row = batch.Rows[r];
                    cancellationToken.ThrowIfCancellationRequested();
                    importer.StartRow();
                    for (i = 0; i < row.Length; i++)
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
            }
            catch (Exception e) when (e is ArgumentException or InvalidCastException or FormatException or OverflowException or NotSupportedException)
            {
                // The driver's own message names no column (an invalid bit string, a value of the wrong type).
                throw Located(e, store, model, columns[i], batch.FirstRow + r, batch.Rows[r][i]!);
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
