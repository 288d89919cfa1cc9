using System.Globalization;
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

    private sealed class Writer(DatabaseSchema schema, ScaffoldOptions options, IReadOnlyDictionary<TableSchema, string>? names)
    {
        private readonly StringBuilder _yaml = new();
        private readonly Dictionary<TableSchema, string> _models = [];
        private readonly HashSet<(TableSchema Table, string Column)> _cutForCycles = [];

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

        /// <summary>Finds foreign-key cycles (self-references aside) and cuts each at a nullable foreign-key column.</summary>
        private void CutCycles(List<TableSchema> tables)
        {
            while (FindCycle(tables) is { } cycle)
            {
                // Preferably a key whose values are known before its rows are written (a sequence or uuid key): written
                // with the row, NOT NULL or not, the store holding the foreign key's checks until the run ends. Else a
                // nullable column whose value can follow by an update (a single column, in a table with a one-column
                // key): deferred; any other nullable one is left NULL.
                var cut = cycle.SelectMany(t => t.ForeignKeys
                        .Where(fk => Target(fk) is { } target && target != t && cycle.Contains(target) && fk.Columns.All(c => !_cutForCycles.Contains((t, c))))
                        .Select(fk => (Table: t, Fk: fk)))
                    .Where(x => KnownAhead(x.Fk) || x.Fk.Columns.All(c => x.Table.Column(c)?.Nullable == true))
                    .OrderBy(x => KnownAhead(x.Fk) ? 0 : CanDefer(x.Table, x.Fk) ? 1 : 2)
                    .FirstOrDefault();
                if (cut.Fk is null)
                {
                    // No nullable column to cut: the cycle stays and validation will name it.
                    return;
                }

                foreach (var column in cut.Fk.Columns)
                {
                    _cutForCycles.Add((cut.Table, column));
                }
            }
        }

        /// <summary>
        /// Whether a foreign key points at a key the scaffold writes as a sequence or uuid (a one-column integer or uuid
        /// primary key that is no foreign key itself): its values are known before the referenced rows are written.
        /// </summary>
        private bool KnownAhead(ForeignKeySchema fk) =>
            fk.Columns.Count == 1 && Target(fk) is { PrimaryKey.Count: 1 } target && target.PrimaryKey[0] == fk.ReferencedColumns[0]
            && target.Column(target.PrimaryKey[0]) is { Computed: false, Kind: ValueKind.Integer or ValueKind.Uuid } key && Identifier().IsMatch(key.Name)
            && !target.ForeignKeys.Any(f => f.Columns.Contains(key.Name));

        /// <summary>Whether a cut foreign key can be filled by an update: one column, in a table whose one-column key the model writes.</summary>
        private static bool CanDefer(TableSchema table, ForeignKeySchema fk) =>
            fk.Columns.Count == 1 && table.PrimaryKey.Count == 1 && table.Column(table.PrimaryKey[0]) is { Computed: false } key && Identifier().IsMatch(key.Name) && key.Name != fk.Columns[0];

        private List<TableSchema>? FindCycle(List<TableSchema> tables)
        {
            var state = new Dictionary<TableSchema, int>();
            var stack = new List<TableSchema>();
            foreach (var table in tables)
            {
                if (Visit(table) is { } cycle)
                {
                    return cycle;
                }
            }

            return null;

            List<TableSchema>? Visit(TableSchema table)
            {
                if (state.GetValueOrDefault(table) == 2)
                {
                    return null;
                }

                if (state.GetValueOrDefault(table) == 1)
                {
                    return stack.Skip(stack.IndexOf(table)).ToList();
                }

                state[table] = 1;
                stack.Add(table);
                foreach (var fk in table.ForeignKeys.Where(fk => fk.Columns.All(c => !_cutForCycles.Contains((table, c)))))
                {
                    if (Target(fk) is { } target && target != table && Visit(target) is { } cycle)
                    {
                        return cycle;
                    }
                }

                stack.RemoveAt(stack.Count - 1);
                state[table] = 2;
                return null;
            }
        }

        private TableSchema? Target(ForeignKeySchema fk)
        {
            var target = schema.Find(fk.ReferencedTable);
            return target is not null && _models.ContainsKey(target) ? target : null;
        }

        private void WriteModel(TableSchema table)
        {
            var model = _models[table];
            var referenced = schema.Tables.Any(t => t != table && t.ForeignKeys.Any(fk => Target(fk) == table));
            // A lookup table (statuses, countries, languages): referenced, referencing nothing, a few columns, nobody's details.
            var lookup = referenced && table.ForeignKeys.Count == 0 && table.Columns.Count(c => !c.Computed && !table.PrimaryKey.Contains(c.Name)) <= 2
                && !table.Columns.Any(c => ColumnHeuristics.DescribesSomeone(c.Name));
            var rules = Rules(table, out var notUnderstood);
            lookup &= !schema.Tables.Any(t => t != table && SubtypeOf(t) == table);
            var count = lookup ? options.LookupRows : Rows(table);
            count = Math.Min(count, MaxRows(table, rules));

            // A key of a small integer type (TINYINT, SMALLINT …) holds only so many rows: the table keeps its count under --scale.
            var capacity = KeyCapacity(table);
            count = Math.Min(count, capacity);
            lookup |= capacity < options.Rows * 100;

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

        /// <summary>
        /// The table a subtype table extends: its primary key is also a foreign key to that table's key (person → business
        /// entity). Each subtype row takes a parent row of its own, so the parent is sized for all its subtypes.
        /// </summary>
        private TableSchema? SubtypeOf(TableSchema table) =>
            table.PrimaryKey.Count > 0
                ? table.ForeignKeys.Where(fk => fk.Columns.Count == table.PrimaryKey.Count && fk.Columns.All(table.PrimaryKey.Contains)).Select(Target).FirstOrDefault(t => t is not null && t != table)
                : null;

        /// <summary>Rows of an ordinary table: the option's count, or as many as its subtypes take together (recursively).</summary>
        private long Rows(TableSchema table, int depth = 0)
        {
            var subtypes = depth > 32 ? [] : schema.Tables.Where(t => t != table && SubtypeOf(t) == table).ToList();
            return subtypes.Count == 0 ? options.Rows : Math.Max(options.Rows, subtypes.Sum(t => Rows(t, depth + 1)));
        }

        /// <summary>How many rows the table's one-column integer keys (primary or unique) can number, by their type's range.</summary>
        private static long KeyCapacity(TableSchema table) =>
            table.UniqueKeys.Append(table.PrimaryKey).Where(k => k.Count == 1).Select(k => table.Column(k[0]))
                .Where(c => c is { Kind: ValueKind.Integer }).Select(c => IntegerCapacity(c!.DataType)).DefaultIfEmpty(long.MaxValue).Min();

        /// <summary>The positive values an integer type holds (from 1), by its name as the store prints it.</summary>
        private static long IntegerCapacity(string dataType)
        {
            var type = dataType.ToLowerInvariant();
            var unsigned = type.Contains("unsigned", StringComparison.Ordinal);
            return type switch
            {
                _ when type.StartsWith("tinyint", StringComparison.Ordinal) => unsigned ? 255 : 127,
                _ when type.StartsWith("smallint", StringComparison.Ordinal) || type == "int2" => unsigned ? 65_535 : 32_767,
                _ when type.StartsWith("mediumint", StringComparison.Ordinal) => unsigned ? 16_777_215 : 8_388_607,
                _ => long.MaxValue,
            };
        }

        /// <summary>A table's rows cannot outnumber the values a unique column of few allowed values can take.</summary>
        private static long MaxRows(TableSchema table, Dictionary<string, ColumnRule> rules)
        {
            long max = long.MaxValue;
            foreach (var key in table.UniqueKeys.Append(table.PrimaryKey).Where(k => k.Count > 0))
            {
                long product = 1;
                var bounded = true;
                foreach (var column in key)
                {
                    var allowed = rules.GetValueOrDefault(column)?.Allowed?.Count ?? table.Column(column)?.AllowedValues?.Count;
                    var boolean = table.Column(column)?.Kind == ValueKind.Boolean ? 2 : (int?)null;
                    if ((allowed ?? boolean) is not { } n)
                    {
                        bounded = false;
                        break;
                    }

                    product *= n;
                }

                if (bounded)
                {
                    max = Math.Min(max, product);
                }
            }

            return max;
        }

        private Dictionary<string, ColumnRule> Rules(TableSchema table, out List<string> notUnderstood)
        {
            var rules = new Dictionary<string, ColumnRule>(StringComparer.Ordinal);
            notUnderstood = [];
            var columns = table.Columns.Select(c => c.Name).ToList();
            foreach (var check in table.Checks)
            {
                if (!CheckConstraints.Apply(check, columns, rules))
                {
                    notUnderstood.Add(check);
                }
            }

            return rules;
        }

        private (string Spec, string? Comment) Field(TableSchema table, ColumnSchema column, ColumnRule? rule)
        {
            var nullRate = column.Nullable && !table.PrimaryKey.Contains(column.Name) ? ", nullRate: 5%" : string.Empty;
            var unique = table.UniqueKeys.Any(k => k.Count == 1 && k[0] == column.Name);
            var fk = table.ForeignKeys.FirstOrDefault(f => f.Columns.Contains(column.Name));
            if (fk is not null)
            {
                return Reference(table, column, fk);
            }

            var isKey = table.PrimaryKey.Count == 1 && table.PrimaryKey[0] == column.Name;
            if ((isKey || unique || column.Identity) && column.Kind == ValueKind.Integer)
            {
                return ("sequence", column.Identity ? "identity: values supplied, the sequence is moved past them after the load" : null);
            }

            if ((isKey || unique) && column.Kind == ValueKind.Uuid)
            {
                return ("uuid", null);
            }

            var allowed = rule?.Allowed?.ToList() ?? column.AllowedValues?.ToList();
            if (allowed is { Count: > 0 })
            {
                var values = string.Join(", ", allowed.Order(StringComparer.Ordinal).Select(v => column.Kind is ValueKind.Integer or ValueKind.Decimal or ValueKind.Double or ValueKind.Boolean ? v : ColumnHeuristics.Quote(v)));
                return ($"{{ type: choice, values: [{values}]{(unique ? ", unique: true" : string.Empty)}{nullRate} }}", rule?.Allowed is not null ? "from a CHECK" : "enum");
            }

            if (rule is { AtLeast.Count: > 0 } && AfterAnother(table, column, rule.AtLeast[0]) is { } after)
            {
                return (after, $"CHECK: not before {rule.AtLeast[0]}");
            }

            if (column.Generator is { } typed)
            {
                return (WithOptions(typed, unique ? ", unique: true" : string.Empty, nullRate), $"{column.DataType}: the store's generator for the type");
            }

            var spec = column.Kind switch
            {
                ValueKind.Integer => ColumnHeuristics.Integer(column.Name, Bound(rule?.Min, rule?.MinExclusive, 1), Bound(rule?.Max, rule?.MaxExclusive, -1)),
                ValueKind.Decimal or ValueKind.Double => ColumnHeuristics.Decimal(column.Name, column.Precision, column.Kind == ValueKind.Double ? 2 : column.Scale ?? 2, Bound(rule?.Min, rule?.MinExclusive, 0.01m), Bound(rule?.Max, rule?.MaxExclusive, -0.01m)),
                ValueKind.Boolean => "bool",
                ValueKind.Date => ColumnHeuristics.Date(column.Name, false, rule?.MinText, rule?.MaxText),
                ValueKind.DateTime => ColumnHeuristics.Date(column.Name, true, rule?.MinText, rule?.MaxText),
                ValueKind.Time => "time",
                ValueKind.Uuid => "uuid",
                ValueKind.Object => "{ type: object, fields: { note: lorem.word } }",
                ValueKind.Array => $"{{ type: array, count: [0, 3], items: {Element(column)} }}",
                ValueKind.Bytes => $"{{ type: bytes, min: {Math.Min(16, column.MaxLength ?? 16)}, max: {Math.Min(256, column.MaxLength ?? 256)} }}",
                _ => ColumnHeuristics.Text(column.Name, column.MaxLength, unique || isKey, table.Name, table.Columns.Where(c => !c.Computed && c.FilledByTrigger is null)),
            };
            string? comment = null;
            if (rule is { AtLeast.Count: > 0 })
            {
                comment = $"CHECK: at least {string.Join(", ", rule.AtLeast)} (not enforced by the scaffold; give it an expression)";
            }

            var uniqueOption = unique && column.Kind != ValueKind.String && !spec.Contains("unique", StringComparison.Ordinal) ? ", unique: true" : string.Empty;
            return (WithOptions(spec, uniqueOption, nullRate), comment);
        }

        /// <summary>A spec with options added (<c>, unique: true</c>, <c>, nullRate: 5%</c>): a bare generator name becomes a flow map.</summary>
        private static string WithOptions(string spec, params string[] options)
        {
            var added = string.Concat(options);
            return added.Length == 0 ? spec : spec.StartsWith('{') ? spec.TrimEnd()[..^1].TrimEnd() + added + " }" : $"{{ type: {spec}{added} }}";
        }

        /// <summary>A value never below another column's (<c>return_date &gt;= rental_date</c>): that column plus a small step, when both are dates or numbers.</summary>
        private static string? AfterAnother(TableSchema table, ColumnSchema column, string other)
        {
            if (table.Column(other) is not { } source || !Identifier().IsMatch(other))
            {
                return null;
            }

            var step = (column.Kind, source.Kind) switch
            {
                (ValueKind.Date or ValueKind.DateTime, ValueKind.Date or ValueKind.DateTime) => "days(int(0, 14))",
                (ValueKind.Integer, ValueKind.Integer) => "int(0, 100)",
                (ValueKind.Decimal or ValueKind.Double, ValueKind.Integer or ValueKind.Decimal or ValueKind.Double) => "uniform(0, 100)",
                _ => null,
            };
            if (step is null)
            {
                return null;
            }

            var nullRate = column.Nullable ? ", nullRate: 20%" : string.Empty;
            return $"{{ type: expr, expr: \"{other} + {step}\", when: \"{other} != null\"{nullRate} }}";
        }

        private static decimal? Bound(decimal? value, bool? exclusive, decimal step) => value is { } v && exclusive == true ? v + step : value;

        private static string Element(ColumnSchema column) => column.ElementKind switch
        {
            ValueKind.Integer => "{ type: int, min: 0, max: 100 }",
            ValueKind.Decimal or ValueKind.Double => "{ type: decimal, min: 0, max: 100 }",
            ValueKind.Boolean => "bool",
            ValueKind.Date => "date",
            ValueKind.DateTime => "datetime",
            ValueKind.Uuid => "uuid",
            _ => "lorem.word",
        };

        /// <summary>A foreign-key column: a ref (first column), a lookup (other columns of a composite key), a hierarchy, or NULL where a cycle was cut.</summary>
        private (string Spec, string? Comment) Reference(TableSchema table, ColumnSchema column, ForeignKeySchema fk)
        {
            if (_cutForCycles.Contains((table, column.Name)))
            {
                if (KnownAhead(fk) && Target(fk) is { } known)
                {
                    var oneToOne = table.UniqueKeys.Any(k => k.Count == 1 && k[0] == column.Name) ? ", unique: true" : string.Empty;
                    return ($"{{ type: ref, ref: {_models[known]}.{fk.ReferencedColumns[0]}, deferred: true{oneToOne}{(column.Nullable ? ", nullRate: 5%" : string.Empty)} }}", $"foreign-key cycle through {fk.ReferencedTable}: written with the row (its keys are known ahead); the load holds this foreign key's checks until the run ends");
                }

                return CanDefer(table, fk) && Target(fk) is { } cycleTarget
                    ? ($"{{ type: ref, ref: {_models[cycleTarget]}.{fk.ReferencedColumns[0]}, deferred: true{(column.Nullable ? ", nullRate: 5%" : string.Empty)} }}", $"foreign-key cycle through {fk.ReferencedTable}: inserted NULL, then set by an update once {fk.ReferencedTable} is loaded")
                    : ("{ type: constant, value: null }", $"cuts the foreign-key cycle through {fk.ReferencedTable}: left NULL (a composite key, or no one-column key to update by)");
            }

            var target = Target(fk);
            if (target is null)
            {
                return column.Nullable
                    ? ("{ type: constant, value: null }", $"references {fk.ReferencedTable}, which is not scaffolded: left NULL")
                    : (ColumnHeuristics.Text(column.Name, column.MaxLength, false), $"references {fk.ReferencedTable}, which is not scaffolded: fill it or add the table");
            }

            var position = fk.Columns.ToList().IndexOf(column.Name);
            var referencedColumn = fk.ReferencedColumns[position];
            var targetModel = _models[target];
            var optional = column.Nullable ? ", nullRate: 5%" : string.Empty;
            if (position > 0)
            {
                return ($"{{ type: lookup, from: {fk.Columns[0]}, field: {referencedColumn} }}", null);
            }

            if (target == table)
            {
                return (column.Nullable
                    ? $"{{ type: ref, ref: {targetModel}.{referencedColumn}, roots: 10% }}"
                    : $"{{ type: ref, ref: {targetModel}.{referencedColumn}, roots: 0% }}", "hierarchy: each row's parent is an earlier row");
            }

            var subtype = table.PrimaryKey.Count == 1 && table.PrimaryKey[0] == column.Name;
            var unique = subtype || table.UniqueKeys.Any(k => k.Count == 1 && k[0] == column.Name) ? ", unique: true" : string.Empty;
            return ($"{{ type: ref, ref: {targetModel}.{referencedColumn}{optional}{unique} }}", subtype ? $"a subtype of {fk.ReferencedTable}: each row extends a row of its own" : unique.Length > 0 ? "one-to-one: at most as many rows as the referenced table" : null);
        }

        private static string OneLine(string text) => Regex.Replace(text, @"\s+", " ", RegexOptions.None, TimeSpan.FromSeconds(1));

        private void Line(string text) => _yaml.Append(text).Append('\n');
    }
}
