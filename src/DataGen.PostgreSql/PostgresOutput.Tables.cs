using System.Data.Common;
using System.Globalization;
using DataGen.Outputs;
using DataGen.Sql;
using Npgsql;
using NpgsqlTypes;

namespace DataGen.PostgreSql;

/// <summary>Existing tables: who references them, what DataGen made, how they are emptied, and their sequences after a load.</summary>
public sealed partial class PostgresOutput
{

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
    protected override async Task<bool> MadeByDataGenAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken) =>
        await SqlCommands.ScalarAsync(
            connection,
            transaction,
            $"SELECT CASE WHEN obj_description(to_regclass(@name), 'pg_class') LIKE '{SqlDialect.CreatedMark}%' THEN 1 ELSE 0 END",
            cancellationToken,
            ("name", Dialect.QuoteTable(table))).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<string>> DependentViewsAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken) =>
        await SqlCommands.ColumnWithAsync(
            connection,
            transaction,
            // Views and materialized views whose rewrite rule reads the table (what DROP TABLE would refuse over).
            """
            SELECT DISTINCT v.oid::regclass::text FROM pg_depend d
            JOIN pg_rewrite r ON r.oid = d.objid AND d.classid = 'pg_rewrite'::regclass
            JOIN pg_class v ON v.oid = r.ev_class
            WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = to_regclass(@name) AND v.oid <> d.refobjid
            ORDER BY 1
            """,
            ("name", Dialect.QuoteTable(table)),
            cancellationToken).ConfigureAwait(false);

    /// <summary>The referencing table as <c>regclass</c> prints it: already a quoted, qualified-where-needed name.</summary>
    protected override Task<long> RowsOfAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken) =>
        SqlCommands.ScalarAsync(connection, transaction, $"SELECT COUNT(*) FROM {table}", cancellationToken);

    /// <summary>
    /// One TRUNCATE of them all (foreign keys and cycles among them hold; definitions, sequences and triggers other than
    /// ON TRUNCATE stay); where empty tables outside the run reference them, which TRUNCATE refuses whatever they hold, a
    /// DELETE each, children first, with the deferrable foreign keys on or to them that are immediate deferred while it runs.
    /// </summary>
    protected override async Task EmptyTablesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> tables, bool referencedFromOutside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (!referencedFromOutside)
        {
            await base.EmptyTablesAsync(connection, transaction, tables, referencedFromOutside, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Only the deferrable foreign keys on or to these tables that are immediate now are deferred, and only those are
        // made immediate again: the application's INITIALLY DEFERRED constraints stay deferred for the rest of the run.
        var deferred = await PostgresForeignKeys.ImmediateDeferrableAsync(connection, transaction, tables.Select(Dialect.QuoteTable).ToArray(), cancellationToken).ConfigureAwait(false);
        await SetConstraintsAsync(deferred, "DEFERRED").ConfigureAwait(false);
        foreach (var table in tables)
        {
            await SqlCommands.ExecuteAsync(connection, transaction, $"DELETE FROM {Dialect.QuoteTable(table)}", cancellationToken).ConfigureAwait(false);
        }

        await SetConstraintsAsync(deferred, "IMMEDIATE").ConfigureAwait(false);

        async Task SetConstraintsAsync(IReadOnlyList<string> names, string when)
        {
            if (names.Count > 0)
            {
                await SqlCommands.ExecuteAsync(connection, transaction, $"SET CONSTRAINTS {string.Join(", ", names)} {when}", cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
