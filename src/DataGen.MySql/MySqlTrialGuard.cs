using System.Globalization;
using System.Text.RegularExpressions;
using DataGen.Sql;
using MySqlConnector;

namespace DataGen.MySql;

/// <summary>
/// Whether a trial load (<c>validate --against</c>) into a MySQL or MariaDB database can be undone, and what to put back
/// after its rollback. DDL commits by itself there, non-InnoDB tables (MyISAM, Aria, MEMORY …) keep what was written,
/// sequences keep the values drawn and AUTO_INCREMENT counters survive a rollback. So the trial is made only where every
/// model's table exists (nothing is created) and every table involved — the models' tables and, through their triggers
/// and column defaults, every table those name, repeatedly — is an InnoDB base table, no sequence is named and no trigger
/// calls a routine; every involved AUTO_INCREMENT is read before and set back after.
/// </summary>
internal static partial class MySqlTrialGuard
{
    /// <summary>What was found: a refusal (why no trial), or the AUTO_INCREMENT counters to put back.</summary>
    internal sealed record Check(string? Refusal, IReadOnlyList<(string Table, long Next)> Counters);

    private sealed record Table(string Schema, string Name, string Type, string? Engine)
    {
        public string Shown(string current) => Schema == current ? Name : $"{Schema}.{Name}";
    }

    /// <summary>Checks <paramref name="targets"/> (as the models name them) and reads their counters.</summary>
    public static async Task<Check> CheckAsync(MySqlConnection connection, IReadOnlyList<string> targets, CancellationToken cancellationToken)
    {
        var current = connection.Database;
        var catalog = new Catalog(connection, cancellationToken);
        var missing = new List<string>();
        var involved = new Dictionary<(string, string), (Table Table, string Why)>(KeyComparer.Instance);
        var queue = new Queue<Table>();
        foreach (var target in targets)
        {
            var (schema, name) = Split(target, current);
            if (await catalog.FindAsync(schema, name).ConfigureAwait(false) is { } table)
            {
                if (involved.TryAdd((table.Schema, table.Name), (table, "a model's table")))
                {
                    queue.Enqueue(table);
                }
            }
            else
            {
                missing.Add(target);
            }
        }

        if (missing.Count > 0)
        {
            return new($"table(s) {Names(missing)} do not exist: the trial would create them, and DDL commits by itself on MySQL/MariaDB", []);
        }

        var problems = new List<string>();
        while (queue.TryDequeue(out var table))
        {
            foreach (var (what, text, callsRoutine) in await catalog.CodeOfAsync(table).ConfigureAwait(false))
            {
                if (callsRoutine)
                {
                    problems.Add($"{what} calls a routine, whose writes a trial cannot follow");
                }

                foreach (var (schema, name) in Named(text, table.Schema))
                {
                    if (await catalog.FindAsync(schema, name).ConfigureAwait(false) is { } named && involved.TryAdd((named.Schema, named.Name), (named, $"named by {what}")))
                    {
                        queue.Enqueue(named);
                    }
                }
            }
        }

        foreach (var (table, why) in involved.Values)
        {
            var shown = $"'{table.Shown(current)}'";
            if (table.Type.Contains("SEQUENCE", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"sequence {shown} ({why}) keeps the values a trial draws");
            }
            else if (!table.Type.Contains("BASE TABLE", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{shown} ({why}) is a {table.Type.ToLowerInvariant()}, not an InnoDB table");
            }
            else if (!string.Equals(table.Engine, "InnoDB", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"table {shown} ({why}) is {table.Engine ?? "of no engine"}, which keeps rows when a transaction rolls back");
            }
        }

        if (problems.Count > 0)
        {
            return new(string.Join("; ", problems.Distinct(StringComparer.Ordinal)), []);
        }

        var counters = new List<(string, long)>();
        foreach (var (table, _) in involved.Values)
        {
            if (await catalog.HasAutoIncrementAsync(table).ConfigureAwait(false))
            {
                var name = $"{Quote(table.Schema)}.{Quote(table.Name)}";
                counters.Add((name, await NextAsync(connection, name, cancellationToken).ConfigureAwait(false)));
            }
        }

        return new(null, counters);
    }

    /// <summary>After the rollback: every counter that moved is set back, and read again to prove it.</summary>
    public static async Task<bool> RestoreAsync(MySqlConnection connection, IReadOnlyList<(string Table, long Next)> counters, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        foreach (var (table, next) in counters)
        {
            if (await NextAsync(connection, table, cancellationToken).ConfigureAwait(false) == next)
            {
                continue;
            }

            await SqlCommands.ExecuteAsync(connection, null, $"ALTER TABLE {table} AUTO_INCREMENT = {next.ToString(CultureInfo.InvariantCulture)}", cancellationToken).ConfigureAwait(false);
            var now = await NextAsync(connection, table, cancellationToken).ConfigureAwait(false);
            if (now != next)
            {
                failed.Add($"{table} (was {next}, is {now})");
            }
        }

        return failed.Count == 0
            ? true
            : throw new GenerationException($"after the trial load, the AUTO_INCREMENT of {string.Join(", ", failed)} could not be set back (rows written by another session meanwhile keep it higher)");
    }

    /// <summary>The table's next AUTO_INCREMENT value as SHOW CREATE TABLE prints it (exact on MySQL 8 and MariaDB; absent: 1).</summary>
    private static async Task<long> NextAsync(MySqlConnection connection, string table, CancellationToken cancellationToken)
    {
        string? text = null;
        await SqlCommands.ReadAsync(connection, null, $"SHOW CREATE TABLE {table}", r => text = r.GetString(1), cancellationToken).ConfigureAwait(false);
        var options = text is null ? string.Empty : text[(text.LastIndexOf(')') + 1)..];
        return AutoIncrementOption().Match(options) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 1;
    }

    /// <summary>Names a trigger body or a default expression mentions (string literals and NEW./OLD. columns left out), qualified.</summary>
    private static IEnumerable<(string Schema, string Name)> Named(string text, string schema)
    {
        var code = StringLiteral().Replace(text, "''");
        foreach (Match m in Identifier().Matches(code))
        {
            var first = m.Groups["a"].Value.Replace("``", "`", StringComparison.Ordinal);
            if (m.Groups["b"].Success)
            {
                if (!first.Equals("NEW", StringComparison.OrdinalIgnoreCase) && !first.Equals("OLD", StringComparison.OrdinalIgnoreCase))
                {
                    // `db`.`table`, or `table`.`column`: both readings are checked.
                    yield return (first, m.Groups["b"].Value.Replace("``", "`", StringComparison.Ordinal));
                    yield return (schema, first);
                }
            }
            else
            {
                yield return (schema, first);
            }
        }
    }

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    private static string Quote(string identifier) => MySqlDialect.Instance.Quote(identifier);

    private static (string Schema, string Name) Split(string target, string current)
    {
        var dot = target.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < target.Length - 1 ? (target[..dot], target[(dot + 1)..]) : (current, target);
    }

    [GeneratedRegex(@"\bAUTO_INCREMENT=(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex AutoIncrementOption();

    [GeneratedRegex(@"'(?:[^'\\]|\\.|'')*'|""(?:[^""\\]|\\.|"""")*""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"(?:`(?<a>(?:[^`]|``)+)`|(?<a>[A-Za-z_$][\w$]*))(?:\s*\.\s*(?:`(?<b>(?:[^`]|``)+)`|(?<b>[A-Za-z_$][\w$]*)))?")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\bCALL\b", RegexOptions.IgnoreCase)]
    private static partial Regex Call();

    /// <summary>Table names compare as the server compares them by default on Linux only when case matches; bodies may differ in case, so any case matches (erring towards more tables checked).</summary>
    private sealed class KeyComparer : IEqualityComparer<(string, string)>
    {
        public static KeyComparer Instance { get; } = new();

        public bool Equals((string, string) x, (string, string) y) =>
            string.Equals(x.Item1, y.Item1, StringComparison.OrdinalIgnoreCase) && string.Equals(x.Item2, y.Item2, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string, string) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Item1), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Item2));
    }

    /// <summary>The catalog of each schema met, read once: its tables, triggers, column defaults and AUTO_INCREMENT columns.</summary>
    private sealed class Catalog(MySqlConnection connection, CancellationToken cancellationToken)
    {
        private readonly Dictionary<string, Schema> _schemas = new(StringComparer.OrdinalIgnoreCase);

        public async Task<Table?> FindAsync(string schema, string name) =>
            (await LoadAsync(schema).ConfigureAwait(false)).Tables.GetValueOrDefault(name);

        public async Task<bool> HasAutoIncrementAsync(Table table) =>
            (await LoadAsync(table.Schema).ConfigureAwait(false)).AutoIncrement.Contains(table.Name);

        /// <summary>The table's triggers and column defaults: what each is, its text, and whether it calls a routine.</summary>
        public async Task<IEnumerable<(string What, string Text, bool CallsRoutine)>> CodeOfAsync(Table table)
        {
            var schema = await LoadAsync(table.Schema).ConfigureAwait(false);
            return schema.Triggers.Where(t => string.Equals(t.Table, table.Name, StringComparison.OrdinalIgnoreCase))
                .Select(t => ($"trigger '{t.Name}' on '{table.Name}'", t.Body, Call().IsMatch(StringLiteral().Replace(t.Body, "''"))))
                .Concat(schema.Defaults.Where(d => string.Equals(d.Table, table.Name, StringComparison.OrdinalIgnoreCase))
                    .Select(d => ($"the default of '{table.Name}.{d.Column}'", d.Expression, false)));
        }

        private async Task<Schema> LoadAsync(string name)
        {
            if (_schemas.TryGetValue(name, out var known))
            {
                return known;
            }

            var schema = new Schema();
            await SqlCommands.ReadAsync(
                connection,
                null,
                "SELECT TABLE_NAME, TABLE_TYPE, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = @name",
                r => schema.Tables[r.GetString(0)] = new Table(name, r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)),
                cancellationToken,
                ("@name", name)).ConfigureAwait(false);
            await SqlCommands.ReadAsync(
                connection,
                null,
                "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = @name",
                r => schema.Triggers.Add((r.GetString(0), r.GetString(1), r.GetString(2))),
                cancellationToken,
                ("@name", name)).ConfigureAwait(false);
            await SqlCommands.ReadAsync(
                connection,
                null,
                "SELECT TABLE_NAME, COLUMN_NAME, CONCAT(COALESCE(COLUMN_DEFAULT, ''), ' ', COALESCE(GENERATION_EXPRESSION, '')), EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = @name",
                r =>
                {
                    if (r.GetString(3).Contains("auto_increment", StringComparison.OrdinalIgnoreCase))
                    {
                        schema.AutoIncrement.Add(r.GetString(0));
                    }

                    if (r.GetString(2).Contains('(', StringComparison.Ordinal))
                    {
                        // Only an expression can name another object (nextval(`s`)): literal defaults are left out.
                        schema.Defaults.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
                    }
                },
                cancellationToken,
                ("@name", name)).ConfigureAwait(false);
            _schemas[name] = schema;
            return schema;
        }

        private sealed class Schema
        {
            public Dictionary<string, Table> Tables { get; } = new(StringComparer.OrdinalIgnoreCase);

            public List<(string Name, string Table, string Body)> Triggers { get; } = [];

            public List<(string Table, string Column, string Expression)> Defaults { get; } = [];

            public HashSet<string> AutoIncrement { get; } = new(StringComparer.OrdinalIgnoreCase);
        }
    }
}
