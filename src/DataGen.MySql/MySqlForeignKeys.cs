using DataGen.Outputs;
using DataGen.Sql;
using MySqlConnector;

namespace DataGen.MySql;

/// <summary>
/// Holds the foreign keys over a reference cycle's columns: checks are off for the session while that model's rows load
/// (<c>FOREIGN_KEY_CHECKS = 0</c>, on again right after), and before the run commits each held key is verified with a
/// query; a row without its referenced row fails the run naming the constraint.
/// </summary>
internal static class MySqlForeignKeys
{
    private const string CoveringSql = """
        SELECT k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME
        FROM information_schema.KEY_COLUMN_USAGE k
        WHERE k.TABLE_SCHEMA = COALESCE(@schema, DATABASE()) AND k.TABLE_NAME = @table AND k.REFERENCED_TABLE_NAME IS NOT NULL
        ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION
        """;

    public static async Task<Func<CancellationToken, Task>?> HoldAsync(MySqlConnection connection, MySqlTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        var dot = model.Target.IndexOf('.', StringComparison.Ordinal);
        var rows = new List<(string Name, string Column, string Schema, string Table, string Referenced)>();
        var command = new MySqlCommand(CoveringSql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("@schema", dot > 0 ? model.Target[..dot] : null);
            command.Parameters.AddWithValue("@table", SqlDialect.TableName(model.Target));
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
                }
            }
        }

        var held = rows.GroupBy(r => r.Name)
            .Where(g => g.Any(r => model.HeldReferences.Any(h => h.Field == r.Column)))
            .Select(g => g.ToList())
            .ToList();
        if (held.Count == 0)
        {
            return null;
        }

        await SqlCommands.ExecuteAsync(connection, transaction, "SET FOREIGN_KEY_CHECKS = 0", cancellationToken).ConfigureAwait(false);
        var dialect = MySqlDialect.Instance;
        var table = dialect.QuoteTable(model.Target);
        return async ct =>
        {
            foreach (var key in held)
            {
                var target = $"{dialect.Quote(key[0].Schema)}.{dialect.Quote(key[0].Table)}";
                var present = string.Join(" AND ", key.Select(c => $"c.{dialect.Quote(c.Column)} IS NOT NULL"));
                var match = string.Join(" AND ", key.Select(c => $"p.{dialect.Quote(c.Referenced)} = c.{dialect.Quote(c.Column)}"));
                var orphans = await SqlCommands.ScalarAsync(connection, transaction, $"SELECT COUNT(*) FROM {table} c WHERE {present} AND NOT EXISTS (SELECT 1 FROM {target} p WHERE {match})", ct).ConfigureAwait(false);
                if (orphans > 0)
                {
                    throw new GenerationException($"{orphans} row(s) of table '{model.Target}' break foreign key '{key[0].Name}' ({string.Join(", ", key.Select(c => c.Column))} → {key[0].Table}), held for a reference cycle until the run's end; nothing was kept in this database", model.Name);
                }
            }
        };
    }

    /// <summary>Turns the session's checks on again once the held model's rows are in (later models are checked as they load).</summary>
    public static Task ResumeAsync(MySqlConnection connection, MySqlTransaction transaction, CancellationToken cancellationToken) =>
        SqlCommands.ExecuteAsync(connection, transaction, "SET FOREIGN_KEY_CHECKS = 1", cancellationToken);
}
