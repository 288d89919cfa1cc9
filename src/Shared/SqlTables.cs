using DataGen.Outputs;

namespace DataGen.Shared;

/// <summary>
/// CREATE TABLE from a model for every SQL store (compiled into each SQL store package rather than made
/// public API): columns in field order, the key as primary key, refs within the same store as foreign keys.
/// </summary>
internal static class SqlTables
{
    /// <summary>The dialect's pieces.</summary>
    /// <param name="Quote">Quotes an identifier.</param>
    /// <param name="ColumnType">The column type of a field; the flag says whether it is the key or a foreign key.</param>
    /// <param name="PrimaryKey">Suffix of the key column.</param>
    /// <param name="Nullable">Suffix of a nullable column.</param>
    public sealed record Dialect(Func<string, string> Quote, Func<FieldDescriptor, bool, string> ColumnType, string PrimaryKey = " PRIMARY KEY", string Nullable = "");

    public static string Create(ModelDescriptor model, Dialect dialect)
    {
        var references = model.References.Where(r => r.ReferencedStore == model.Store).ToList();
        var keyed = references.Select(r => r.Field).Append(model.Key).ToHashSet();
        var columns = model.Fields.Select(f =>
            $"{dialect.Quote(f.Name)} {dialect.ColumnType(f, keyed.Contains(f.Name))}{(f.Name == model.Key ? dialect.PrimaryKey : f.Nullable ? dialect.Nullable : " NOT NULL")}");
        var foreignKeys = references.Select(r =>
            $"FOREIGN KEY ({dialect.Quote(r.Field)}) REFERENCES {dialect.Quote(r.ReferencedTarget)} ({dialect.Quote(r.ReferencedField)})");
        return $"CREATE TABLE {dialect.Quote(model.Target)} ({string.Join(", ", columns.Concat(foreignKeys))})";
    }

    /// <summary>CREATE INDEX statements for the manifest's <c>indexes:</c> (run after the load, in the same transaction).</summary>
    public static IEnumerable<string> CreateIndexes(ModelDescriptor model, Dialect dialect) =>
        model.Indexes.Select(columns =>
            $"CREATE INDEX {dialect.Quote($"ix_{model.Target}_{string.Join("_", columns)}")} ON {dialect.Quote(model.Target)} ({string.Join(", ", columns.Select(dialect.Quote))})");
}
