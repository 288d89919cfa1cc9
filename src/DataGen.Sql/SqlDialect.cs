using DataGen.Outputs;

namespace DataGen.Sql;

/// <summary>
/// What differs between SQL databases when DataGen creates tables: identifier quoting, column types and the
/// primary-key and nullability suffixes. The statements themselves are built here, once, for every SQL store.
/// </summary>
public abstract class SqlDialect
{
    /// <summary>Quotes an identifier (doubling the closing quote character).</summary>
    public abstract string Quote(string identifier);

    /// <summary>The column type of a field; <paramref name="keyed"/> is true for the key, foreign-key and indexed columns.</summary>
    public abstract string ColumnType(FieldDescriptor field, bool keyed);

    /// <summary>
    /// Quotes a table name: <c>sales.orders</c> is the table <c>orders</c> in the schema <c>sales</c> (each part quoted);
    /// a name without a dot is one identifier.
    /// </summary>
    public string QuoteTable(string table)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        var dot = table.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < table.Length - 1 ? $"{Quote(table[..dot])}.{Quote(table[(dot + 1)..])}" : Quote(table);
    }

    /// <summary>The table part of a possibly schema-qualified name (<c>sales.orders</c> → <c>orders</c>).</summary>
    public static string TableName(string table)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        var dot = table.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < table.Length - 1 ? table[(dot + 1)..] : table;
    }

    /// <summary>What follows the key column's type (default <c> PRIMARY KEY</c>).</summary>
    protected virtual string PrimaryKeySuffix => " PRIMARY KEY";

    /// <summary>What follows a nullable column's type (default nothing).</summary>
    protected virtual string NullableSuffix => string.Empty;

    /// <summary>The aggregate that counts rows as a 64-bit number (default <c>COUNT</c>).</summary>
    protected virtual string CountFunction => "COUNT";

    /// <summary>CREATE TABLE for a model: columns in field order, the key as primary key, references within the same store as foreign keys.</summary>
    public string CreateTable(ModelDescriptor model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var references = model.References.Where(r => r.ReferencedStore == model.Store).ToList();
        // Key, reference and indexed columns get an indexable type (a bounded text, not an unbounded one).
        var keyed = references.Select(r => r.Field).Append(model.Key).Concat(model.Indexes.SelectMany(columns => columns)).ToHashSet();
        var columns = model.Fields.Select(f =>
            $"{Quote(f.Name)} {ColumnType(f, keyed.Contains(f.Name))}{(f.Name == model.Key ? PrimaryKeySuffix : f.Nullable ? NullableSuffix : " NOT NULL")}");
        var foreignKeys = references.Select(r =>
            $"FOREIGN KEY ({Quote(r.Field)}) REFERENCES {QuoteTable(r.ReferencedTarget)} ({Quote(r.ReferencedField)})");
        return $"CREATE TABLE {QuoteTable(model.Target)} ({CreateTablePrefix(model)}{string.Join(", ", columns.Concat(foreignKeys))}){CreateTableSuffix(model)}";
    }

    /// <summary>CREATE INDEX statements for the manifest's <c>indexes:</c> (run after the load, in the same transaction).</summary>
    public IEnumerable<string> CreateIndexes(ModelDescriptor model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Indexes.Select(columns =>
            $"CREATE INDEX {Quote($"ix_{TableName(model.Target)}_{string.Join("_", columns)}")} ON {QuoteTable(model.Target)} ({string.Join(", ", columns.Select(Quote))})");
    }

    /// <summary>
    /// The words DataGen leaves on a table it creates (a comment), by which a later run knows it may drop and recreate the
    /// table: an application's own table is only ever emptied.
    /// </summary>
    public const string CreatedMark = "Created by DataGen";

    /// <summary>The comment a created table carries: <see cref="CreatedMark"/> and the model it was made from.</summary>
    public static string CreatedComment(ModelDescriptor model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return $"{CreatedMark} from model '{model.Name}'; a run with mode replace or --drop-conflicting may drop and recreate it";
    }

    /// <summary>
    /// Statements run right after <see cref="CreateTable"/> that mark the table as DataGen's (a comment on it). Default
    /// none: a store that marks its tables in the CREATE TABLE itself (MySQL's COMMENT, a comment in SQLite's text), or
    /// cannot, returns none.
    /// </summary>
    public virtual IEnumerable<string> MarkCreated(ModelDescriptor model) => [];

    /// <summary>What follows the column list of CREATE TABLE (default nothing; MySQL's <c>COMMENT = '…'</c>).</summary>
    protected virtual string CreateTableSuffix(ModelDescriptor model) => string.Empty;

    /// <summary>What opens the column list of CREATE TABLE (default nothing; SQLite's comment, kept in its schema text).</summary>
    protected virtual string CreateTablePrefix(ModelDescriptor model) => string.Empty;

    /// <summary>A statement that creates a schema when it does not exist yet (before a table in it is created), or null where the store has none.</summary>
    public virtual string? CreateSchema(string schema) => null;

    /// <summary>DROP TABLE for a model's target.</summary>
    public string DropTable(ModelDescriptor model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return $"DROP TABLE {QuoteTable(model.Target)}";
    }

    /// <summary>
    /// A statement that locks an existing table against other loads until the transaction ends, run before the pipeline
    /// counts its rows: of two runs into one empty table, the second waits, then finds the rows and refuses. Null: the
    /// store's transactions already serialise writers (SQLite).
    /// </summary>
    public virtual string? LockTable(ModelDescriptor model) => null;

    /// <summary>
    /// Statements that empty existing tables, given children before parents (default: a DELETE each, in that order, so
    /// foreign keys among them hold). A store with a faster way that keeps the tables' definitions overrides it.
    /// </summary>
    public virtual IEnumerable<string> EmptyTables(IReadOnlyList<string> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        return tables.Select(t => $"DELETE FROM {QuoteTable(t)}");
    }

    /// <summary>SELECT of the number of rows in a model's target.</summary>
    public string CountRows(ModelDescriptor model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return $"SELECT {CountFunction}(*) FROM {QuoteTable(model.Target)}";
    }
}
