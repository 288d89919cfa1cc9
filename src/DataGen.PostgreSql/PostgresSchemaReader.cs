using DataGen.Schemas;
using DataGen.Sql;
using Npgsql;

namespace DataGen.PostgreSql;

/// <summary>
/// Reads tables, columns, keys, foreign keys, checks, enums, domains and arrays from PostgreSQL's catalog. Views,
/// partitions (their parent is listed, marked partitioned) and system schemas are left out; a domain is described by
/// its base type, with its NOT NULL and CHECKs carried to the column.
/// </summary>
internal static class PostgresSchemaReader
{
    private const string TablesSql = """
        SELECT c.oid, n.nspname, c.relname, c.relkind = 'p'
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
        ORDER BY n.nspname, c.relname
        """;

    private const string ColumnsSql = """
        SELECT a.attrelid, a.attname,
               format_type(a.atttypid, a.atttypmod),
               format_type(b.oid, CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END),
               a.attnotnull OR (t.typtype = 'd' AND t.typnotnull),
               pg_get_expr(d.adbin, d.adrelid),
               a.attidentity <> '',
               a.attgenerated <> '',
               b.typtype = 'e',
               CASE WHEN b.typtype = 'e' THEN (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = b.oid) END,
               format_type(NULLIF(b.typelem, 0), NULL),
               CASE WHEN el.typtype = 'e' THEN (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = el.oid) END,
               CASE WHEN t.typtype = 'd' THEN (SELECT array_agg(pg_get_expr(dc.conbin, 0)) FROM pg_constraint dc WHERE dc.contypid = t.oid AND dc.contype = 'c') END,
               b.typcategory = 'A'
        FROM pg_attribute a
        JOIN pg_type t ON t.oid = a.atttypid
        JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
        LEFT JOIN pg_type el ON el.oid = NULLIF(b.typelem, 0) AND b.typcategory = 'A'
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid::bigint = ANY(@tables) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attrelid, a.attnum
        """;

    private const string ConstraintsSql = """
        SELECT con.conrelid, con.contype,
               (SELECT array_agg(att.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = k.attnum),
               (SELECT array_agg(att.attname::text ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute att ON att.attrelid = con.confrelid AND att.attnum = k.attnum),
               fn.nspname, fc.relname,
               CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END
        FROM pg_constraint con
        LEFT JOIN pg_class fc ON fc.oid = con.confrelid
        LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
        WHERE con.conrelid::bigint = ANY(@tables) AND con.contype IN ('p', 'u', 'f', 'c')
        ORDER BY con.conrelid, con.conname
        """;

    private const string UniqueIndexesSql = """
        SELECT i.indrelid, (SELECT array_agg(att.attname::text ORDER BY k.ord) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute att ON att.attrelid = i.indrelid AND att.attnum = k.attnum)
        FROM pg_index i
        WHERE i.indrelid::bigint = ANY(@tables) AND i.indisunique AND NOT i.indisprimary AND i.indexprs IS NULL AND i.indpred IS NULL
        """;

    public static async Task<DatabaseSchema> ReadAsync(NpgsqlConnection connection, SchemaFilter? filter, CancellationToken cancellationToken)
    {
        var tables = new List<(uint Oid, string Schema, string Name, bool Partitioned)>();
        await SqlCommands.ReadAsync(connection, null, TablesSql, reader =>
        {
            var (schema, name) = (reader.GetString(1), reader.GetString(2));
            if (filter is null || filter.Includes(schema, name))
            {
                tables.Add((reader.GetFieldValue<uint>(0), schema, name, reader.GetBoolean(3)));
            }
        }, cancellationToken).ConfigureAwait(false);

        var oids = tables.Select(t => (long)t.Oid).ToArray();
        var types = await PostgresTypes.ReadAsync(connection, null, oids, cancellationToken).ConfigureAwait(false);
        var (assigned, filled) = await PostgresSchemaExtras.TriggersAsync(connection, tables.Select(t => (t.Oid, t.Schema, t.Name)).ToList(), cancellationToken).ConfigureAwait(false);
        var columns = tables.ToDictionary(t => t.Oid, _ => new List<ColumnSchema>());
        var domainChecks = tables.ToDictionary(t => t.Oid, _ => new List<string>());
        await SqlCommands.ReadAsync(connection, null, ColumnsSql, reader =>
        {
            var oid = reader.GetFieldValue<uint>(0);
            var name = reader.GetString(1);
            var declared = reader.GetString(2);
            var isEnum = reader.GetBoolean(8);
            var isArray = reader.GetBoolean(13);
            var labels = reader.IsDBNull(9) ? null : reader.GetFieldValue<string[]>(9);
            var elementLabels = reader.IsDBNull(11) ? null : reader.GetFieldValue<string[]>(11);
            var elementType = reader.IsDBNull(10) ? null : reader.GetString(10);
            // Nested domains: the catalog read follows them to the base type (the query above goes one level).
            var resolved = types.Column(oid, name);
            var (kind, length, precision, scale) = isArray ? (ValueKind.Array, null, null, null) : isEnum ? (ValueKind.String, null, null, null) : Describe(resolved.Formatted, resolved.Type);
            var @default = reader.IsDBNull(5) ? null : reader.GetString(5);
            labels ??= resolved.Type?.Labels?.ToArray();
            columns[oid].Add(new ColumnSchema(name, declared, labels is not null && !isArray ? ValueKind.String : kind)
            {
                Nullable = !reader.GetBoolean(4) && !resolved.NotNull,
                Default = @default,
                Identity = reader.GetBoolean(6) || (@default?.StartsWith("nextval(", StringComparison.Ordinal) ?? false),
                Computed = reader.GetBoolean(7),
                MaxLength = length,
                Precision = precision,
                Scale = scale,
                AllowedValues = labels,
                ElementKind = elementType is null ? null : elementLabels is not null ? ValueKind.String : Describe(elementType).Kind,
                Generator = types.Generator(resolved, types.InExclusion(oid, name)),
                FilledByTrigger = assigned.GetValueOrDefault((oid, name)),
            });
            domainChecks[oid].AddRange(resolved.NestedChecks.Select(c => c.Replace("VALUE", PostgresDialect.QuoteIdentifier(name), StringComparison.Ordinal)));
            if (!reader.IsDBNull(12))
            {
                // A domain's checks are written over VALUE: over this column they become the column's own checks.
                domainChecks[oid].AddRange(reader.GetFieldValue<string[]>(12).Select(c => c.Replace("VALUE", PostgresDialect.QuoteIdentifier(name), StringComparison.Ordinal)));
            }
        }, cancellationToken, ("tables", oids)).ConfigureAwait(false);

        var primaryKeys = new Dictionary<uint, IReadOnlyList<string>>();
        var uniques = tables.ToDictionary(t => t.Oid, _ => new List<IReadOnlyList<string>>());
        var foreignKeys = tables.ToDictionary(t => t.Oid, _ => new List<ForeignKeySchema>());
        var checks = tables.ToDictionary(t => t.Oid, t => new List<string>(domainChecks[t.Oid]));
        await SqlCommands.ReadAsync(connection, null, ConstraintsSql, reader =>
        {
            var oid = reader.GetFieldValue<uint>(0);
            var keyColumns = reader.IsDBNull(2) ? [] : reader.GetFieldValue<string[]>(2);
            switch (reader.GetChar(1))
            {
                case 'p':
                    primaryKeys[oid] = keyColumns;
                    break;
                case 'u':
                    uniques[oid].Add(keyColumns);
                    break;
                case 'f':
                    foreignKeys[oid].Add(new ForeignKeySchema(keyColumns, $"{reader.GetString(4)}.{reader.GetString(5)}", reader.GetFieldValue<string[]>(3)));
                    break;
                case 'c' when !reader.IsDBNull(6):
                    checks[oid].Add(reader.GetString(6));
                    break;
            }
        }, cancellationToken, ("tables", oids)).ConfigureAwait(false);

        await SqlCommands.ReadAsync(connection, null, UniqueIndexesSql, reader =>
        {
            var key = reader.GetFieldValue<string[]>(1);
            var list = uniques[reader.GetFieldValue<uint>(0)];
            if (!list.Any(k => k.SequenceEqual(key)))
            {
                list.Add(key);
            }
        }, cancellationToken, ("tables", oids)).ConfigureAwait(false);

        var (partitionChecks, partitionKeys) = await PostgresSchemaExtras.PartitionsAsync(connection, tables.Where(t => t.Partitioned).Select(t => (long)t.Oid).ToArray(), cancellationToken).ConfigureAwait(false);
        return new DatabaseSchema(tables.Select(t => new TableSchema(t.Schema, t.Name, columns[t.Oid])
        {
            PrimaryKey = primaryKeys.GetValueOrDefault(t.Oid) ?? [],
            UniqueKeys = uniques[t.Oid],
            ForeignKeys = [.. foreignKeys[t.Oid], .. (partitionKeys.GetValueOrDefault(t.Oid) ?? []).Where(k => !foreignKeys[t.Oid].Any(f => f.Columns.SequenceEqual(k.Columns) && f.ReferencedTable == k.ReferencedTable))],
            Checks = [.. checks[t.Oid], .. partitionChecks.GetValueOrDefault(t.Oid) ?? []],
            Partitioned = t.Partitioned,
            FilledByTriggers = (filled.GetValueOrDefault($"{t.Schema}.{t.Name}") ?? []).Concat(filled.GetValueOrDefault(t.Name) ?? []).Distinct().ToList(),
        }).ToList());
    }

    /// <summary>The kind, length, precision and scale of a (base) type as <c>format_type</c> prints it (see <see cref="PostgresTypes"/>).</summary>
    private static (ValueKind Kind, int? Length, int? Precision, int? Scale) Describe(string type, PgType? info = null) => PostgresTypes.Describe(type, info);
}
