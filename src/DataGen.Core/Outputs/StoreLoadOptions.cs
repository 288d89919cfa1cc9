namespace DataGen.Outputs;

/// <summary>How a store output treats what already exists. Shared by every store package.</summary>
public sealed record StoreLoadOptions
{
    /// <summary>
    /// When a table, collection or topic the manifest names already holds data: false (default) fails with a
    /// clear message; true drops and recreates it, with a warning naming what was dropped. Objects the
    /// manifest does not name are never touched.
    /// </summary>
    public bool DropConflicting { get; init; }

    /// <summary>Create tables from the manifest when they do not exist (default true).</summary>
    public bool CreateTables { get; init; } = true;

    /// <summary>
    /// This run writes one slice of a sharded load (<see cref="GenerationOptions.Shard"/>): other workers write the other
    /// slices into the same store at the same time. A store that can take part appends its slice — Kafka: topics are made
    /// if missing and never required empty, the other workers' messages being expected — and one that cannot refuses
    /// before anything is written, saying why: a SQL database (a slice's rows reference rows of the other slices, which
    /// its foreign keys need in first) and MongoDB (not supported yet). Files take shards through <see cref="FileOutput.Shard"/>.
    /// </summary>
    public GenerationShard? Shard { get; init; }

    /// <summary>Receives warnings (what was dropped). Never given connection strings or passwords.</summary>
    public Action<string>? Warning { get; init; }
}

/// <summary>A table, collection or topic the manifest names already holds data and dropping it was not allowed.</summary>
public sealed class StoreConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreConflictException(string store, string target, long existingRows)
        : base($"{store}: '{target}' already exists and holds {existingRows} row(s); pass --drop-conflicting (StoreLoadOptions.DropConflicting) to drop and recreate it")
    {
        Store = store;
        Target = target;
    }

    /// <summary>Creates the exception.</summary>
    public StoreConflictException()
        : base("the target already holds data")
    {
    }

    /// <summary>Creates the exception.</summary>
    public StoreConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StoreConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The store (kind and name).</summary>
    public string? Store { get; }

    /// <summary>The table, collection or topic.</summary>
    public string? Target { get; }
}
