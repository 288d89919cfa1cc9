using System.Text;
using System.Text.RegularExpressions;

namespace DataGen.Schemas;

/// <summary>What <see cref="ManifestScaffold.Write"/> writes.</summary>
public sealed record ScaffoldOptions
{
    /// <summary>The store kind of the datastore the manifest loads into (<c>postgres</c>, <c>sqlserver</c>, <c>sqlite</c>…).</summary>
    public required string Kind { get; init; }

    /// <summary>The datastore's name in the manifest (default <c>db</c>).</summary>
    public string DatastoreName { get; init; } = "db";

    /// <summary>
    /// The datastore's settings as written. Default: <c>connection: "{{connection}}"</c> with a <c>connection</c>
    /// variable that must be supplied (<c>--var connection=…</c> or <c>DATAGEN_VAR_connection</c>), so no password
    /// lands in a file kept in a repository.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }

    /// <summary>Rows of an ordinary table (default 100).</summary>
    public long Rows { get; init; } = 100;

    /// <summary>Rows of a lookup table — referenced, referencing nothing, a few columns (default 10; kept under <c>--scale</c>).</summary>
    public long LookupRows { get; init; } = 10;

    /// <summary>The manifest's seed (default 1).</summary>
    public ulong Seed { get; init; } = 1;
}

/// <summary>
/// Writes a manifest for an existing schema: a model per table (<c>table:</c> qualified by schema), a generator per
/// writable column chosen from its type, name, enum and CHECK constraints, refs for foreign keys (composite keys as a
/// ref plus lookups, self-references as hierarchies), unique and composite unique keys, lengths respected, small
/// counts for lookup tables. Foreign-key cycles are cut at a reference to a sequence or uuid key (a deferred ref written
/// with the row, NOT NULL or not: the store holds that foreign key's checks until the run ends), else at a nullable column
/// (a deferred ref inserted NULL, then set by an update, or, where the table has no one-column key to update by, left NULL).
/// Every decision the scaffold could not make well is a comment in the file.
/// </summary>
public static partial class ManifestScaffold
{
    /// <summary>The manifest's YAML.</summary>
    public static string Write(DatabaseSchema schema, ScaffoldOptions options)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(options);
        return new Writer(schema, options, null).Write();
    }

    /// <summary>The <c>models:</c> section alone, with the given model names for some tables (what inference merges with a manifest's own models).</summary>
    internal static string Models(DatabaseSchema schema, ScaffoldOptions options, IReadOnlyDictionary<TableSchema, string> names) =>
        new Writer(schema, options, names).WriteModels();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    private sealed partial class Writer(DatabaseSchema schema, ScaffoldOptions options, IReadOnlyDictionary<TableSchema, string>? names)
    {
        private readonly StringBuilder _yaml = new();
        private readonly Dictionary<TableSchema, string> _models = [];
        private readonly HashSet<(TableSchema Table, string Column)> _cutForCycles = [];
        private readonly Dictionary<TableSchema, (long Count, bool Unscaled)> _sizes = [];

        public string Write()
        {
            var settings = options.Settings ?? new Dictionary<string, string> { ["connection"] = "{{connection}}" };
            Line("# Written by datagen scaffold from the live schema; edit freely. Every table the scaffold read is a model.");
            Line($"# Run: datagen generate <this file>{(options.Settings is null ? " --var connection=\"<connection string>\"" : string.Empty)}");
            Line($"seed: {options.Seed}");
            if (options.Settings is null)
            {
                Line("variables:");
                Line("  connection: null  # the connection string: --var connection=… or DATAGEN_VAR_connection");
            }

            Line("datastores:");
            Line($"  {options.DatastoreName}:");
            Line($"    kind: {options.Kind}");
            foreach (var (key, value) in settings)
            {
                Line($"    {key}: {ColumnHeuristics.Quote(value)}");
            }

            return WriteModels();
        }

        public string WriteModels()
        {
            var tables = schema.Tables.Where(t => t.Columns.Any(c => !c.Computed) && t.FilledByTriggers.Count == 0).ToList();
            NameModels(tables);
            CutCycles(tables);
            foreach (var derived in schema.Tables.Where(t => t.FilledByTriggers.Count > 0))
            {
                Line($"# table {derived.QualifiedName} is not a model: trigger(s) {string.Join(", ", derived.FilledByTriggers)} fill it from the rows of other tables");
            }

            Line("models:");
            foreach (var table in tables)
            {
                WriteModel(table);
            }

            return _yaml.ToString();
        }

        private void NameModels(List<TableSchema> tables)
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (table, given) in names ?? new Dictionary<TableSchema, string>())
            {
                _models[table] = given;
                used.Add(given);
            }

            foreach (var table in tables.Where(t => !_models.ContainsKey(t)))
            {
                var bare = Sanitize(table.Name);
                var name = tables.Count(t => Sanitize(t.Name) == bare) > 1 && table.Schema is not null ? Sanitize($"{table.Schema}_{table.Name}") : bare;
                var unique = name;
                for (var i = 2; !used.Add(unique); i++)
                {
                    unique = $"{name}_{i}";
                }

                _models[table] = unique;
            }
        }

        private static string Sanitize(string name)
        {
            var cleaned = Regex.Replace(name, "[^A-Za-z0-9_]", "_", RegexOptions.None, TimeSpan.FromSeconds(1));
            return cleaned.Length == 0 || char.IsDigit(cleaned[0]) ? "t_" + cleaned : cleaned;
        }

        private void WriteModel(TableSchema table)
        {
            var model = _models[table];
            var rules = Rules(table, out var notUnderstood);
            var (count, lookup) = Size(table);

            Line($"  {model}:");
            if (table.Partitioned)
            {
                Line("    # partitioned: rows go through the parent table to their partitions");
            }

            foreach (var check in notUnderstood)
            {
                Line($"    # CHECK not turned into values (edit the fields it names if loads fail): {OneLine(check)}");
            }

            if (options.DatastoreName.Length > 0)
            {
                Line($"    store: {options.DatastoreName}");
            }

            Line($"    table: {table.QualifiedName}");
            Line($"    count: {count}");
            if (lookup)
            {
                Line("    scale: false");
            }

            var writable = table.Columns.Where(c => !c.Computed && c.FilledByTrigger is null && Identifier().IsMatch(c.Name)).ToList();
            if (table.PrimaryKey.Count == 1 && writable.Any(c => c.Name == table.PrimaryKey[0]))
            {
                Line($"    key: {table.PrimaryKey[0]}");
            }

            var composite = table.UniqueKeys.Where(k => k.Count > 1).Prepend(table.PrimaryKey.Count > 1 ? table.PrimaryKey : []).Where(k => k.Count > 1 && k.All(c => writable.Any(w => w.Name == c))).ToList();
            if (composite.Count > 0)
            {
                Line($"    unique: [{string.Join(", ", composite.Select(k => "[" + string.Join(", ", k) + "]"))}]");
            }

            WriteFields(table, writable, rules);
        }

        /// <summary>The <c>fields:</c> of a model: one line per writable column, comments for the columns left to triggers or the database.</summary>
        private void WriteFields(TableSchema table, List<ColumnSchema> writable, Dictionary<string, ColumnRule> rules)
        {
            Line("    fields:");
            foreach (var column in writable)
            {
                var (spec, comment) = Field(table, column, rules.GetValueOrDefault(column.Name));
                Line($"      {column.Name}: {spec}{(comment is null ? string.Empty : "  # " + comment)}");
            }

            foreach (var column in table.Columns.Where(c => c.FilledByTrigger is not null))
            {
                Line($"      # column {ColumnHeuristics.Quote(column.Name)} is set by trigger {column.FilledByTrigger} before each insert: left to it");
            }

            foreach (var column in table.Columns.Where(c => !c.Computed && c.FilledByTrigger is null && !Identifier().IsMatch(c.Name)))
            {
                Line($"      # column {ColumnHeuristics.Quote(column.Name)} is not a valid field name: {(column.FilledByDatabase || column.Nullable ? "left to the database" : "NOT NULL without a default — the load will fail until it is renamed")}");
            }
        }

        private static string OneLine(string text) => Regex.Replace(text, @"\s+", " ", RegexOptions.None, TimeSpan.FromSeconds(1));

        private void Line(string text) => _yaml.Append(text).Append('\n');
    }
}
