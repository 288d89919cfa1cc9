namespace DataGen.Schemas;

public static partial class ManifestScaffold
{
    private sealed partial class Writer
    {
        /// <summary>
        /// The table a subtype table extends: its primary key is also a foreign key to that table's key (person → business
        /// entity). Each subtype row takes a parent row of its own, so the parent is sized for all its subtypes.
        /// </summary>
        private TableSchema? SubtypeOf(TableSchema table) =>
            table.PrimaryKey.Count > 0
                ? table.ForeignKeys.Where(fk => fk.Columns.Count == table.PrimaryKey.Count && fk.Columns.All(table.PrimaryKey.Contains)).Select(Target).FirstOrDefault(t => t is not null && t != table)
                : null;

        /// <summary>
        /// The table's rows, and whether they stay as they are under <c>--scale</c> (a lookup table, a key of a small
        /// integer type, or a join table of such tables: its combinations do not grow either).
        /// </summary>
        private (long Count, bool Unscaled) Size(TableSchema table, int depth = 0)
        {
            if (_sizes.TryGetValue(table, out var known))
            {
                return known;
            }

            var referenced = schema.Tables.Any(t => t != table && t.ForeignKeys.Any(fk => Target(fk) == table));
            // A lookup table (statuses, countries, languages): referenced, referencing nothing, a few columns, nobody's details.
            var lookup = referenced && table.ForeignKeys.Count == 0 && table.Columns.Count(c => !c.Computed && !table.PrimaryKey.Contains(c.Name)) <= 2
                && !table.Columns.Any(c => ColumnHeuristics.DescribesSomeone(c.Name))
                && !schema.Tables.Any(t => t != table && SubtypeOf(t) == table);
            var count = lookup ? options.LookupRows : Rows(table);
            count = Math.Min(count, MaxRows(table, Rules(table, out _)));

            // A key of a small integer type (TINYINT, SMALLINT …) holds only so many rows: the table keeps its count under --scale.
            var capacity = KeyCapacity(table);
            count = Math.Min(count, capacity);
            lookup |= capacity < options.Rows * 100;

            // A composite key made of refs (a country's currencies, a film's actors) has only so many combinations: at most
            // half of them, so that drawing them stays quick; when every table it refs is unscaled, no more under --scale.
            if (depth < 16 && Combinations(table, depth) is var (combinations, unscaled))
            {
                count = Math.Max(1, Math.Min(count, combinations / 2));
                lookup |= unscaled;
            }

            return _sizes[table] = (count, lookup);
        }

        /// <summary>The combinations of the table's smallest composite key whose every column is a one-column ref, and whether every table it refs is unscaled; null if none.</summary>
        private (long Combinations, bool Unscaled)? Combinations(TableSchema table, int depth)
        {
            (long, bool)? smallest = null;
            foreach (var key in table.UniqueKeys.Append(table.PrimaryKey).Where(k => k.Count > 1))
            {
                long product = 1;
                var unscaled = true;
                foreach (var column in key)
                {
                    var fk = table.ForeignKeys.FirstOrDefault(f => f.Columns.Count == 1 && f.Columns[0] == column);
                    if (fk is null || Target(fk) is not { } target || target == table)
                    {
                        product = -1;
                        break;
                    }

                    var (rows, fixedRows) = Size(target, depth + 1);
                    unscaled &= fixedRows;
                    product = product > long.MaxValue / Math.Max(1, rows) ? long.MaxValue : product * rows;
                }

                if (product > 0 && (smallest is null || product < smallest.Value.Item1))
                {
                    smallest = (product, unscaled);
                }
            }

            return smallest;
        }

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
                if (!CheckConstraints.Apply(check, columns, rules, chooseCase: true))
                {
                    notUnderstood.Add(check);
                }
            }

            return rules;
        }
    }
}
