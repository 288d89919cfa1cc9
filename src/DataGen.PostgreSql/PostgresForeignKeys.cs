using DataGen.Outputs;
using DataGen.Sql;
using Npgsql;

namespace DataGen.PostgreSql;

/// <summary>
/// Holds the foreign keys over a reference cycle's columns within the run's transaction: a deferrable one is deferred,
/// any other dropped and added again before the run commits (the table owner's right; adding it checks every row, so a
/// violation fails the run naming the constraint).
/// </summary>
internal static class PostgresForeignKeys
{
    private const string CoveringSql = """
        SELECT con.conname, pg_get_constraintdef(con.oid), con.condeferrable, n.nspname
        FROM pg_constraint con
        JOIN pg_namespace n ON n.oid = con.connamespace
        WHERE con.contype = 'f' AND con.conparentid = 0 AND con.conrelid = to_regclass(@table)
          AND EXISTS (SELECT 1 FROM unnest(con.conkey) k JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k WHERE a.attname = ANY(@columns))
        ORDER BY con.conname
        """;

    /// <summary>
    /// The deferrable foreign keys on or to <paramref name="tables"/> (quoted names) that are immediate at the start of a
    /// transaction (DEFERRABLE INITIALLY IMMEDIATE), as <c>SET CONSTRAINTS</c> names them (schema-qualified, quoted).
    /// </summary>
    public static async Task<IReadOnlyList<string>> ImmediateDeferrableAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string[] tables, CancellationToken cancellationToken) =>
        await SqlCommands.ColumnWithAsync(
            connection,
            transaction,
            """
            SELECT DISTINCT format('%I.%I', n.nspname, con.conname)
            FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
            WHERE con.contype = 'f' AND con.condeferrable AND NOT con.condeferred
              AND (con.conrelid = ANY (SELECT to_regclass(t) FROM unnest(@tables) t) OR con.confrelid = ANY (SELECT to_regclass(t) FROM unnest(@tables) t))
            ORDER BY 1
            """,
            ("tables", tables),
            cancellationToken).ConfigureAwait(false);

    public static async Task<Func<CancellationToken, Task>?> HoldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        var table = PostgresDialect.Instance.QuoteTable(model.Target);
        var held = new List<(string Name, string Definition, bool Deferrable, string Schema)>();
        var command = new NpgsqlCommand(CoveringSql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("table", table);
            command.Parameters.AddWithValue("columns", model.HeldReferences.Select(r => r.Field).ToArray());
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    held.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetString(3)));
                }
            }
        }

        if (held.Count == 0)
        {
            return null;
        }

        foreach (var (name, _, deferrable, schema) in held)
        {
            var sql = deferrable
                ? $"SET CONSTRAINTS {PostgresDialect.QuoteIdentifier(schema)}.{PostgresDialect.QuoteIdentifier(name)} DEFERRED"
                : $"ALTER TABLE {table} DROP CONSTRAINT {PostgresDialect.QuoteIdentifier(name)}";
            await SqlCommands.ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
        }

        return async ct =>
        {
            foreach (var (name, definition, deferrable, schema) in held)
            {
                var sql = deferrable
                    ? $"SET CONSTRAINTS {PostgresDialect.QuoteIdentifier(schema)}.{PostgresDialect.QuoteIdentifier(name)} IMMEDIATE"
                    : $"ALTER TABLE {table} ADD CONSTRAINT {PostgresDialect.QuoteIdentifier(name)} {definition}";
                await SqlCommands.ExecuteAsync(connection, transaction, sql, ct).ConfigureAwait(false);
            }
        };
    }
}
