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
