using System.Text.RegularExpressions;

namespace DataGen.Schemas;

public static partial class ManifestScaffold
{
    private sealed partial class Writer
    {
        private (string Spec, string? Comment) Field(TableSchema table, ColumnSchema column, ColumnRule? rule)
        {
            var (spec, comment) = Generator(table, column, rule);
            if (rule is { Differs: [var other, ..] } && table.Column(other) is { Computed: false, FilledByTrigger: null } && Identifier().IsMatch(other) && !spec.StartsWith("sequence", StringComparison.Ordinal) && !spec.Contains("unique: true", StringComparison.Ordinal))
            {
                // CHECK (a <> b): a value equal to the other column's is drawn again (two refs to one table: an assembly and its component).
                spec = WithOptions(spec, $", notEqual: {other}");
                comment = comment is null ? $"CHECK: differs from {other}" : $"{comment}; CHECK: differs from {other}";
            }

            return (spec, comment);
        }

        /// <summary>Whether the column may be NULL: the schema allows it and no CHECK (or the case chosen of one) says IS NOT NULL.</summary>
        private static bool Nullable(ColumnSchema column, ColumnRule? rule) => column.Nullable && rule?.NotNull != true;

        private (string Spec, string? Comment) Generator(TableSchema table, ColumnSchema column, ColumnRule? rule)
        {
            var nullRate = Nullable(column, rule) && !table.PrimaryKey.Contains(column.Name) ? ", nullRate: 5%" : string.Empty;
            var unique = table.UniqueKeys.Any(k => k.Count == 1 && k[0] == column.Name);
            var fk = table.ForeignKeys.FirstOrDefault(f => f.Columns.Contains(column.Name));
            if (fk is not null)
            {
                return Reference(table, column, fk, Nullable(column, rule));
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

            if (rule is { AtLeast.Count: > 0 } && AfterAnother(table, column, rule.AtLeast[0], rule.Above.Contains(rule.AtLeast[0]), Nullable(column, rule)) is { } after)
            {
                return (after, rule.Above.Contains(rule.AtLeast[0]) ? $"CHECK: after {rule.AtLeast[0]}" : $"CHECK: not before {rule.AtLeast[0]}");
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

        /// <summary>A value never below another column's (<c>return_date &gt;= rental_date</c>; <paramref name="strictly"/> above it: <c>end_date &gt; start_date</c>): that column plus a small step, when both are dates or numbers.</summary>
        private static string? AfterAnother(TableSchema table, ColumnSchema column, string other, bool strictly, bool nullable)
        {
            if (table.Column(other) is not { } source || !Identifier().IsMatch(other))
            {
                return null;
            }

            var step = (column.Kind, source.Kind) switch
            {
                (ValueKind.Date or ValueKind.DateTime, ValueKind.Date or ValueKind.DateTime) => strictly ? "days(int(1, 14))" : "days(int(0, 14))",
                (ValueKind.Integer, ValueKind.Integer) => strictly ? "int(1, 100)" : "int(0, 100)",
                (ValueKind.Decimal or ValueKind.Double, ValueKind.Integer or ValueKind.Decimal or ValueKind.Double) => strictly ? "uniform(1, 100)" : "uniform(0, 100)",
                _ => null,
            };
            if (step is null)
            {
                return null;
            }

            var nullRate = nullable ? ", nullRate: 20%" : string.Empty;
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
        private (string Spec, string? Comment) Reference(TableSchema table, ColumnSchema column, ForeignKeySchema fk, bool nullable)
        {
            if (_cutForCycles.Contains((table, column.Name)))
            {
                if (KnownAhead(fk) && Target(fk) is { } known)
                {
                    var oneToOne = table.UniqueKeys.Any(k => k.Count == 1 && k[0] == column.Name) ? ", unique: true" : string.Empty;
                    return ($"{{ type: ref, ref: {_models[known]}.{fk.ReferencedColumns[0]}, deferred: true{oneToOne}{(nullable ? ", nullRate: 5%" : string.Empty)} }}", $"foreign-key cycle through {fk.ReferencedTable}: written with the row (its keys are known ahead); the load holds this foreign key's checks until the run ends");
                }

                return CanDefer(table, fk) && Target(fk) is { } cycleTarget
                    ? ($"{{ type: ref, ref: {_models[cycleTarget]}.{fk.ReferencedColumns[0]}, deferred: true{(nullable ? ", nullRate: 5%" : string.Empty)} }}", $"foreign-key cycle through {fk.ReferencedTable}: inserted NULL, then set by an update once {fk.ReferencedTable} is loaded")
                    : ("{ type: constant, value: null }", $"cuts the foreign-key cycle through {fk.ReferencedTable}: left NULL (a composite key, or no one-column key to update by)");
            }

            var target = Target(fk);
            if (target is null)
            {
                return nullable
                    ? ("{ type: constant, value: null }", $"references {fk.ReferencedTable}, which is not scaffolded: left NULL")
                    : (ColumnHeuristics.Text(column.Name, column.MaxLength, false), $"references {fk.ReferencedTable}, which is not scaffolded: fill it or add the table");
            }

            var position = fk.Columns.ToList().IndexOf(column.Name);
            var referencedColumn = fk.ReferencedColumns[position];
            var targetModel = _models[target];
            var optional = nullable ? ", nullRate: 5%" : string.Empty;
            if (position > 0)
            {
                return ($"{{ type: lookup, from: {fk.Columns[0]}, field: {referencedColumn} }}", null);
            }

            if (target == table)
            {
                return (nullable
                    ? $"{{ type: ref, ref: {targetModel}.{referencedColumn}, roots: 10% }}"
                    : $"{{ type: ref, ref: {targetModel}.{referencedColumn}, roots: 0% }}", "hierarchy: each row's parent is an earlier row");
            }

            var subtype = table.PrimaryKey.Count == 1 && table.PrimaryKey[0] == column.Name;
            var unique = subtype || table.UniqueKeys.Any(k => k.Count == 1 && k[0] == column.Name) ? ", unique: true" : string.Empty;
            return ($"{{ type: ref, ref: {targetModel}.{referencedColumn}{optional}{unique} }}", subtype ? $"a subtype of {fk.ReferencedTable}: each row extends a row of its own" : unique.Length > 0 ? "one-to-one: at most as many rows as the referenced table" : null);
        }
    }
}
