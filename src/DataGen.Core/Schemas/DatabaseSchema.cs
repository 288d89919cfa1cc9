namespace DataGen.Schemas;

/// <summary>
/// The tables of an existing database as a store describes them (<see cref="Stores.StoreProvider.ReadSchemaAsync"/>):
/// what <c>datagen scaffold</c> turns into a manifest and what a manifest is checked against before it loads. Views and
/// the partitions of a partitioned table are not listed (a partitioned table is loaded through its parent).
/// </summary>
/// <param name="tables">The tables, in the order the store listed them.</param>
public sealed class DatabaseSchema(IReadOnlyList<TableSchema> tables)
{
    /// <summary>The tables, in the order the store listed them.</summary>
    public IReadOnlyList<TableSchema> Tables { get; } = tables ?? throw new ArgumentNullException(nameof(tables));

    /// <summary>The table named <paramref name="name"/> (<c>table</c> or <c>schema.table</c>; a bare name matches in any schema only when it is unambiguous).</summary>
    public TableSchema? Find(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var exact = Tables.FirstOrDefault(t => string.Equals(t.QualifiedName, name, StringComparison.Ordinal));
        if (exact is not null)
        {
            return exact;
        }

        var bare = Tables.Where(t => string.Equals(t.Name, name, StringComparison.Ordinal)).Take(2).ToList();
        return bare.Count == 1 ? bare[0] : null;
    }
}

/// <summary>One table.</summary>
/// <param name="schema">The schema (PostgreSQL, SQL Server) or null where the store has none (SQLite's main database).</param>
/// <param name="name">The table name.</param>
/// <param name="columns">Columns in their declared order.</param>
public sealed class TableSchema(string? schema, string name, IReadOnlyList<ColumnSchema> columns)
{
    /// <summary>The schema, or null where the store has none.</summary>
    public string? Schema { get; } = schema;

    /// <summary>The table name.</summary>
    public string Name { get; } = name ?? throw new ArgumentNullException(nameof(name));

    /// <summary>Columns in their declared order.</summary>
    public IReadOnlyList<ColumnSchema> Columns { get; } = columns ?? throw new ArgumentNullException(nameof(columns));

    /// <summary><c>schema.name</c>, or the name alone when there is no schema.</summary>
    public string QualifiedName => Schema is null ? Name : $"{Schema}.{Name}";

    /// <summary>The primary key's columns (empty when there is none).</summary>
    public IReadOnlyList<string> PrimaryKey { get; init; } = [];

    /// <summary>Unique constraints and unique indexes other than the primary key, each a list of columns.</summary>
    public IReadOnlyList<IReadOnlyList<string>> UniqueKeys { get; init; } = [];

    /// <summary>Foreign keys (composite ones too; self-references included).</summary>
    public IReadOnlyList<ForeignKeySchema> ForeignKeys { get; init; } = [];

    /// <summary>
    /// The CHECK constraints' expressions as the store prints them (domain checks included, written over the column):
    /// the scaffold turns those it understands — <c>IN (…)</c>, <c>= ANY (ARRAY[…])</c>, comparisons and BETWEEN on one
    /// column against constants — into allowed values and bounds, and notes the rest.
    /// </summary>
    public IReadOnlyList<string> Checks { get; init; } = [];

    /// <summary>True for a partitioned table (rows go through it to its partitions).</summary>
    public bool Partitioned { get; init; }

    /// <summary>
    /// Triggers of other tables that insert into this one (a search table, a history): its rows derive from theirs, so
    /// the scaffold does not make it a model. Empty when none is known.
    /// </summary>
    public IReadOnlyList<string> FilledByTriggers { get; init; } = [];

    /// <summary>The column named <paramref name="name"/>, or null.</summary>
    public ColumnSchema? Column(string name) => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
}

/// <summary>One column.</summary>
/// <param name="name">The column name.</param>
/// <param name="dataType">The store's type name as it prints it (<c>character varying(40)</c>, <c>mpaa_rating</c>, <c>decimal(10,2)</c>).</param>
/// <param name="kind">The kind of value the column holds (for an array: <see cref="ValueKind.Array"/>; see <see cref="ElementKind"/>).</param>
public sealed class ColumnSchema(string name, string dataType, ValueKind kind)
{
    /// <summary>The column name.</summary>
    public string Name { get; } = name ?? throw new ArgumentNullException(nameof(name));

    /// <summary>The store's type name as it prints it.</summary>
    public string DataType { get; } = dataType ?? throw new ArgumentNullException(nameof(dataType));

    /// <summary>The kind of value the column holds.</summary>
    public ValueKind Kind { get; } = kind;

    /// <summary>Whether the column accepts NULL.</summary>
    public bool Nullable { get; init; }

    /// <summary>The default expression, when the column has one (a serial's <c>nextval(…)</c> included).</summary>
    public string? Default { get; init; }

    /// <summary>True when the database numbers the column itself: identity, serial, autoincrement.</summary>
    public bool Identity { get; init; }

    /// <summary>True for a computed (generated) column: it cannot be written.</summary>
    public bool Computed { get; init; }

    /// <summary>The most characters (text) or bytes (binary) the column holds, when limited.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Total digits of an exact numeric column, when declared.</summary>
    public int? Precision { get; init; }

    /// <summary>Digits after the decimal point of an exact numeric column, when declared.</summary>
    public int? Scale { get; init; }

    /// <summary>The only values allowed: an enum's labels (null: any).</summary>
    public IReadOnlyList<string>? AllowedValues { get; init; }

    /// <summary>For an array column, the kind of its elements.</summary>
    public ValueKind? ElementKind { get; init; }

    /// <summary>
    /// A field spec (the manifest's flow YAML, e.g. <c>{ type: mask, mask: "####" }</c>) that the store knows writes a
    /// valid value of this column's type, where the kind alone says too little (bit strings, ranges, network addresses,
    /// sets, geometry …); the scaffold uses it unless a key, reference, enum or CHECK decides. Null: chosen from the kind and name.
    /// </summary>
    public string? Generator { get; init; }

    /// <summary>
    /// The trigger that assigns the column before each insert (a full-text vector, a slug, an audit stamp), when the store
    /// can tell; the scaffold leaves such a column to it and validation does not require it.
    /// </summary>
    public string? FilledByTrigger { get; init; }

    /// <summary>Whether the database fills the column when an insert leaves it out (a default, identity, computed or trigger-assigned column).</summary>
    public bool FilledByDatabase => Default is not null || Identity || Computed || FilledByTrigger is not null;
}

/// <summary>A foreign key.</summary>
/// <param name="columns">The referencing columns.</param>
/// <param name="referencedTable">The referenced table, <c>schema.table</c> where the store has schemas.</param>
/// <param name="referencedColumns">The referenced columns, in the same order.</param>
public sealed class ForeignKeySchema(IReadOnlyList<string> columns, string referencedTable, IReadOnlyList<string> referencedColumns)
{
    /// <summary>The referencing columns.</summary>
    public IReadOnlyList<string> Columns { get; } = columns ?? throw new ArgumentNullException(nameof(columns));

    /// <summary>The referenced table, <c>schema.table</c> where the store has schemas.</summary>
    public string ReferencedTable { get; } = referencedTable ?? throw new ArgumentNullException(nameof(referencedTable));

    /// <summary>The referenced columns, in the same order.</summary>
    public IReadOnlyList<string> ReferencedColumns { get; } = referencedColumns ?? throw new ArgumentNullException(nameof(referencedColumns));
}

/// <summary>Which tables to describe.</summary>
public sealed record SchemaFilter
{
    /// <summary>Only tables of this schema (null: every schema but the system's own).</summary>
    public string? Schema { get; init; }

    /// <summary>Only these tables (names or <c>schema.name</c>); null: all.</summary>
    public IReadOnlyList<string>? Tables { get; init; }

    /// <summary>Whether a table passes the filter.</summary>
    public bool Includes(string? schema, string name) =>
        (Schema is null || string.Equals(schema, Schema, StringComparison.Ordinal))
        && (Tables is null || Tables.Any(t => string.Equals(t, name, StringComparison.Ordinal) || (schema is not null && string.Equals(t, $"{schema}.{name}", StringComparison.Ordinal))));
}
