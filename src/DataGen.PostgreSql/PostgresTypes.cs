using System.Globalization;
using System.Text;
using DataGen.Outputs;
using DataGen.Sql;
using Npgsql;

namespace DataGen.PostgreSql;

/// <summary>
/// What DataGen knows of PostgreSQL's types: the catalog's types (domains followed to their base, however nested;
/// arrays, enums, composites, ranges and multiranges), what kind of value each holds, the generator the scaffold writes
/// for the ones whose kind says too little, and each value's text input form (what COPY's text format takes for any
/// type, an extension's or a composite's included).
/// </summary>
internal sealed partial class PostgresTypes
{
    private const string CatalogSql = """
        SELECT t.oid, format_type(t.oid, NULL), t.typtype, t.typcategory, t.typelem, t.typbasetype,
               CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END,
               t.typnotnull,
               CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) END,
               CASE WHEN t.typtype = 'd' THEN ARRAY(SELECT pg_get_expr(dc.conbin, 0) FROM pg_constraint dc WHERE dc.contypid = t.oid AND dc.contype = 'c' ORDER BY dc.conname) END,
               CASE WHEN t.typtype = 'c' THEN ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) END,
               CASE WHEN t.typtype = 'c' THEN ARRAY(SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) END,
               CASE WHEN t.typtype = 'c' THEN ARRAY(SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) END,
               CASE WHEN t.typtype = 'r' THEN (SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid)
                    WHEN t.typtype = 'm' THEN (SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngmultitypid = t.oid) END
        FROM pg_type t
        WHERE t.typtype <> 'p' AND (t.typtype <> 'c' OR EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))
        """;

    private const string ColumnsSql = """
        SELECT a.attrelid, a.attname, a.atttypid, format_type(a.atttypid, a.atttypmod)
        FROM pg_attribute a
        WHERE a.attrelid::bigint = ANY(@tables) AND a.attnum > 0 AND NOT a.attisdropped
        """;

    private const string ExclusionsSql = """
        SELECT con.conrelid, att.attname::text
        FROM pg_constraint con CROSS JOIN unnest(con.conkey) k(attnum) JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = k.attnum
        WHERE con.contype = 'x' AND con.conrelid::bigint = ANY(@tables)
        """;

    private readonly Dictionary<uint, PgType> _types;
    private readonly Dictionary<(uint Table, string Column), (uint Type, string Formatted)> _columns;
    private readonly HashSet<(uint Table, string Column)> _excluded;

    private PostgresTypes(Dictionary<uint, PgType> types, Dictionary<(uint, string), (uint, string)> columns, HashSet<(uint, string)> excluded)
    {
        _types = types;
        _columns = columns;
        _excluded = excluded;
    }

    /// <summary>Reads the catalog's types, and the declared type of every column of <paramref name="tables"/> (oids) with the columns exclusion constraints name.</summary>
    public static async Task<PostgresTypes> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long[] tables, CancellationToken cancellationToken)
    {
        var types = new Dictionary<uint, PgType>();
        await SqlCommands.ReadAsync(connection, transaction, CatalogSql, reader =>
        {
            string[]? Strings(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<string[]>(i);
            var type = new PgType(
                reader.GetFieldValue<uint>(0),
                reader.GetString(1),
                reader.GetChar(2),
                reader.GetChar(3),
                reader.GetFieldValue<uint>(4),
                reader.GetFieldValue<uint>(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetBoolean(7),
                Strings(8),
                Strings(9),
                Strings(10),
                reader.IsDBNull(11) ? null : reader.GetFieldValue<uint[]>(11),
                Strings(12),
                reader.IsDBNull(13) ? null : reader.GetString(13));
            types[type.Oid] = type;
        }, cancellationToken).ConfigureAwait(false);

        var columns = new Dictionary<(uint, string), (uint, string)>();
        var excluded = new HashSet<(uint, string)>();
        if (tables.Length > 0)
        {
            await SqlCommands.ReadAsync(connection, transaction, ColumnsSql, reader =>
                columns[(reader.GetFieldValue<uint>(0), reader.GetString(1))] = (reader.GetFieldValue<uint>(2), reader.GetString(3)), cancellationToken, ("tables", tables)).ConfigureAwait(false);
            await SqlCommands.ReadAsync(connection, transaction, ExclusionsSql, reader =>
                excluded.Add((reader.GetFieldValue<uint>(0), reader.GetString(1))), cancellationToken, ("tables", tables)).ConfigureAwait(false);
        }

        return new PostgresTypes(types, columns, excluded);
    }

    /// <summary>A type by oid, or null when the catalog read left it out (a table's row type).</summary>
    public PgType? Find(uint oid) => _types.GetValueOrDefault(oid);

    /// <summary>
    /// A column's type with every domain followed to its base: the base type, printed with its modifiers
    /// (<c>bit(8)</c>), NOT NULL from any of the domains, and the CHECKs (over VALUE) of the domains under the first.
    /// </summary>
    public ResolvedType Column(uint table, string column)
    {
        var (oid, formatted) = _columns.TryGetValue((table, column), out var declared) ? declared : (0u, string.Empty);
        return Resolve(oid, formatted);
    }

    /// <summary>Whether an exclusion constraint of the table names the column.</summary>
    public bool InExclusion(uint table, string column) => _excluded.Contains((table, column));

    /// <summary>A type with its domains followed to their base.</summary>
    public ResolvedType Resolve(uint oid, string formatted)
    {
        var notNull = false;
        var checks = new List<string>();
        var depth = 0;
        while (_types.GetValueOrDefault(oid) is { Type: 'd' } domain && depth++ < 32)
        {
            notNull |= domain.NotNull;
            if (depth > 1)
            {
                checks.AddRange(domain.DomainChecks ?? []);
            }

            (oid, formatted) = (domain.BaseType, domain.BaseFormatted ?? formatted);
        }

        return new ResolvedType(_types.GetValueOrDefault(oid), formatted, notNull, checks);
    }

    /// <summary>The kind, length, precision and scale of a (base) type as <c>format_type</c> prints it.</summary>
    public static (ValueKind Kind, int? Length, int? Precision, int? Scale) Describe(string type, PgType? info = null)
    {
        var paren = type.IndexOf('(', StringComparison.Ordinal);
        var name = paren < 0 ? type : type[..paren];
        var modifiers = paren < 0 ? [] : type[(paren + 1)..type.IndexOf(')', paren)].Split(',').Select(m => int.TryParse(m, out var v) ? v : (int?)null).ToArray();
        int? First() => modifiers.Length > 0 ? modifiers[0] : null;
        int? Second() => modifiers.Length > 1 ? modifiers[1] : null;
        return name switch
        {
            "smallint" or "integer" or "bigint" => (ValueKind.Integer, null, null, null),
            "numeric" or "money" => (ValueKind.Decimal, null, First(), Second() ?? (name == "money" ? 2 : null)),
            "real" or "double precision" => (ValueKind.Double, null, null, null),
            "boolean" => (ValueKind.Boolean, null, null, null),
            "date" => (ValueKind.Date, null, null, null),
            "timestamp without time zone" or "timestamp with time zone" or "timestamp" => (ValueKind.DateTime, null, null, null),
            "time without time zone" or "time with time zone" => (ValueKind.Time, null, null, null),
            "uuid" => (ValueKind.Uuid, null, null, null),
            "json" or "jsonb" or "hstore" => (ValueKind.Object, null, null, null),
            "character varying" or "character" or "bit" or "bit varying" => (ValueKind.String, First() ?? (name is "character" or "bit" ? 1 : null), null, null),
            "name" => (ValueKind.String, 63, null, null),
            "\"char\"" => (ValueKind.String, 1, null, null),
            // Text input forms: the value is the type's literal.
            "text" or "citext" or "bpchar" or "varchar" or "bytea" or "pg_lsn" or "pg_snapshot" or "txid_snapshot" or "inet" or "cidr" or "macaddr" or "macaddr8" or "interval"
                or "tsvector" or "tsquery" or "xml" or "ltree" or "lquery" or "point" or "line" or "lseg" or "box" or "path" or "polygon" or "circle"
                => (ValueKind.String, null, null, null),
            _ when type.StartsWith("timestamp", StringComparison.Ordinal) => (ValueKind.DateTime, null, null, null),
            _ when type.StartsWith("time", StringComparison.Ordinal) => (ValueKind.Time, null, null, null),
            _ when type.StartsWith("interval", StringComparison.Ordinal) => (ValueKind.String, null, null, null),
            _ => info switch
            {
                { Type: 'r' or 'm' } => (ValueKind.String, null, null, null),
                { Type: 'c' } => (ValueKind.Object, null, null, null),
                { Type: 'e' } => (ValueKind.String, null, null, null),
                _ => (ValueKind.Unknown, null, null, null),
            },
        };
    }

    /// <summary>
    /// The generator the scaffold writes for a type whose kind says too little (bit strings, ranges, network
    /// addresses, geometry, arrays of them or of an enum, composites …), each writing the type's text input form;
    /// null where the kind and the column's name choose well.
    /// </summary>
    /// <param name="type">The resolved type.</param>
    /// <param name="disjoint">The column is in an exclusion constraint: ranges of different rows never overlap.</param>
    public string? Generator(ResolvedType type, bool disjoint = false) => Generator(type, disjoint, 0);

    private string? Generator(ResolvedType type, bool disjoint, int depth)
    {
        if (depth > 8)
        {
            return null;
        }

        var paren = type.Formatted.IndexOf('(', StringComparison.Ordinal);
        var name = paren < 0 ? type.Formatted : type.Formatted[..paren];
        name = name.StartsWith("interval", StringComparison.Ordinal) ? "interval" : name;
        var (_, length, _, _) = Describe(type.Formatted, type.Type);
        const string Coordinate = "uniform(-100, 100)";
        const string Point = $"'(' + {Coordinate} + ',' + {Coordinate} + ')'";
        switch (type.Type)
        {
            case { Category: 'A' } array when Find(array.Element) is { } element:
                // The elements' modifiers are the array's (bit(4)[]).
                var item = Resolve(element.Oid, type.Formatted.EndsWith("[]", StringComparison.Ordinal) ? type.Formatted[..^2] : element.Name);
                return $"{{ type: array, count: [1, 3], items: {Generator(item, false, depth + 1) ?? ByKind(item)} }}";
            case { Type: 'c', AttributeNames: { } names, AttributeTypes: { } types, AttributeFormatted: { } formatted }:
                var fields = names.Select((n, i) => (Name: n, Spec: Generator(Resolve(types[i], formatted[i]), false, depth + 1) ?? ByKind(Resolve(types[i], formatted[i]))))
                    .Where(f => IsIdentifier(f.Name)).Select(f => $"{f.Name}: {f.Spec}");
                return $"{{ type: object, fields: {{ {string.Join(", ", fields)} }} }}";
            case { Type: 'r' or 'm', RangeSubtype: { } subtype } range:
                var count = range.Type == 'm' ? ", count: [1, 3]" : string.Empty;
                return subtype switch
                {
                    "integer" or "bigint" or "smallint" => disjoint ? $"{{ type: range, of: int, min: 1, max: 10, disjoint: true{count} }}" : $"{{ type: range, of: int, min: 1, max: 1000{count} }}",
                    "numeric" or "double precision" or "real" => disjoint ? $"{{ type: range, of: decimal, min: 0, max: 10, disjoint: true{count} }}" : $"{{ type: range, of: decimal, min: 0, max: 1000{count} }}",
                    "date" => disjoint ? $"{{ type: range, of: date, min: \"2020-01-01\", max: \"2020-01-15\", disjoint: true{count} }}" : $"{{ type: range, of: date, min: -2y, max: 0{count} }}",
                    "timestamp without time zone" or "timestamp with time zone" => disjoint
                        ? $"{{ type: range, of: datetime, min: \"2020-01-01T00:00:00Z\", max: \"2020-01-01T08:00:00Z\", disjoint: true{count} }}"
                        : $"{{ type: range, of: datetime, min: -1y, max: 0{count} }}",
                    _ => null,
                };
        }

        return name switch
        {
            "bit" => $"{{ type: bits, length: {length ?? 1} }}",
            "bit varying" => $"{{ type: bits, min: 1, max: {length ?? 16} }}",
            "inet" => "internet.ip",
            "cidr" => Expr("'10.' + int(0, 255) + '.' + int(0, 255) + '.0/24'"),
            "macaddr" => "internet.mac",
            "macaddr8" => "{ type: mask, mask: \"08:00:2b:##:##:##:##:##\" }",
            "point" => Expr(Point),
            "line" => Expr("'{' + int(1, 9) + ',' + int(-9, 9) + ',' + int(-99, 99) + '}'"),
            "lseg" => Expr($"'[' + {Point} + ',' + {Point} + ']'"),
            "box" => Expr($"{Point} + ',' + {Point}"),
            "path" => Expr($"'[' + {Point} + ',' + {Point} + ',' + {Point} + ']'"),
            "polygon" => Expr($"'(' + {Point} + ',' + {Point} + ',' + {Point} + ')'"),
            "circle" => Expr($"'<' + {Point} + ',' + uniform(0, 50) + '>'"),
            "interval" => Expr("int(0, 40) + ' days ' + int(0, 23) + ' hours ' + int(0, 59) + ' minutes'"),
            "tsvector" => "lorem.sentence",
            "tsquery" => Expr("pick('data', 'test', 'rows', 'seed') + ' & ' + pick('fast', 'same', 'every', 'valid')"),
            "hstore" => "{ type: object, fields: { colour: commerce.color, size: { type: int, min: 1, max: 20 } } }",
            "xml" => Expr("'<item id=\"' + int(1, 1000) + '\">' + pick('alpha', 'beta', 'gamma') + '</item>'"),
            "\"char\"" => "{ type: mask, mask: \"?\" }",
            "pg_lsn" => "{ type: mask, mask: \"#/########\" }",
            "pg_snapshot" or "txid_snapshot" => Expr("int(1, 100) + ':' + int(101, 200) + ':'"),
            "ltree" => Expr("'Top.' + pick('Science', 'Hobbies', 'Collections') + '.' + pick('Astronomy', 'Pictures', 'Stars')"),
            _ => null,
        };

        static string Expr(string expression) => $"{{ type: expr, expr: \"{expression.Replace("\"", "\\\"", StringComparison.Ordinal)}\" }}";
    }

    /// <summary>A generator from the kind alone (a composite's attribute whose type needs nothing special).</summary>
    private static string ByKind(ResolvedType type)
    {
        if (type.Type is { Labels: { } labels })
        {
            return Choice(labels);
        }

        var (kind, length, precision, scale) = Describe(type.Formatted, type.Type);
        return kind switch
        {
            ValueKind.Integer => "{ type: int, min: 0, max: 1000 }",
            ValueKind.Decimal => $"{{ type: decimal, min: 0, max: {(precision is { } p && p - (scale ?? 0) < 4 ? "9" : "1000")}, scale: {scale ?? 2} }}",
            ValueKind.Double => "{ type: decimal, min: 0, max: 1000 }",
            ValueKind.Boolean => "bool",
            ValueKind.Date => "date",
            ValueKind.DateTime => "datetime",
            ValueKind.Time => "time",
            ValueKind.Uuid => "uuid",
            ValueKind.Object => "{ type: object, fields: { note: lorem.word } }",
            _ => length is { } n ? $"{{ type: lorem.word, maxLength: {n} }}" : "lorem.word",
        };
    }

    private static string Choice(IEnumerable<string> labels) =>
        $"{{ type: choice, values: [{string.Join(", ", labels.Select(l => "\"" + l.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""))}] }}";

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}

/// <summary>One row of <c>pg_type</c>: what DataGen needs of a type.</summary>
internal sealed record PgType(
    uint Oid,
    string Name,
    char Type,
    char Category,
    uint Element,
    uint BaseType,
    string? BaseFormatted,
    bool NotNull,
    IReadOnlyList<string>? Labels,
    IReadOnlyList<string>? DomainChecks,
    IReadOnlyList<string>? AttributeNames,
    IReadOnlyList<uint>? AttributeTypes,
    IReadOnlyList<string>? AttributeFormatted,
    string? RangeSubtype);

/// <summary>
/// A type with its domains followed: the base (null when not in the catalog read), printed with its modifiers; NOT NULL
/// from any domain, and the CHECKs of the domains a domain is declared over (a nested domain's inner ones).
/// </summary>
internal sealed record ResolvedType(PgType? Type, string Formatted, bool NotNull, IReadOnlyList<string> NestedChecks);
