namespace DataGen.Outputs;

/// <summary>How a model's rows meet a table, collection or topic that may already exist (<c>mode:</c> on a datastore or a model).</summary>
public enum LoadMode
{
    /// <summary>Create it when missing; load into it when it exists and is empty; a table holding rows is a conflict (default).</summary>
    Create,

    /// <summary>Empty the existing table first, keeping its definition (partitions, defaults, constraints, indexes, triggers); a missing table is an error.</summary>
    Truncate,

    /// <summary>Add the rows to what the existing table holds; a missing table is an error.</summary>
    Append,

    /// <summary>Drop the table and create it from the manifest (with a warning): its own definition is lost, so only for tables DataGen owns.</summary>
    Replace,
}
