namespace DataGen.Schemas;

public static partial class ManifestScaffold
{
    private sealed partial class Writer
    {
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
    }
}
