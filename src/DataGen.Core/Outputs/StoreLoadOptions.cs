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

    /// <summary>
    /// Create the database the connection names when it does not exist, before the load (PostgreSQL, MySQL, SQL Server; a
    /// datastore's <c>create: database</c>). Credentials that may not create databases fail the run, saying so. Default false.
    /// </summary>
    public bool CreateDatabase { get; init; }

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
        : this(store, new Dictionary<string, long> { [target] = existingRows })
    {
    }

    /// <summary>Creates the exception for every target that holds data (in the order given), saying what each choice keeps.</summary>
    /// <param name="store">The store (kind and name).</param>
    /// <param name="conflicts">Each target and the rows it holds.</param>
    public StoreConflictException(string store, IReadOnlyDictionary<string, long> conflicts)
        : base($"{store}: {string.Join(", ", (conflicts ?? throw new ArgumentNullException(nameof(conflicts))).Select(c => $"'{c.Key}' already exists and holds {c.Value} row(s)"))}; "
            + "choose mode: truncate (empties and refills, keeping each table's definition), mode: append (adds to what is there), "
            + "or --drop-conflicting (StoreLoadOptions.DropConflicting) to drop and recreate from the manifest; nothing was written")
    {
        Store = store;
        Target = conflicts.Keys.FirstOrDefault();
        Conflicts = conflicts;
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

    /// <summary>The table, collection or topic (the first, when several hold data).</summary>
    public string? Target { get; }

    /// <summary>Every target found holding data, with its rows (empty when the exception was made from a message).</summary>
    public IReadOnlyDictionary<string, long> Conflicts { get; } = new Dictionary<string, long>();
}
