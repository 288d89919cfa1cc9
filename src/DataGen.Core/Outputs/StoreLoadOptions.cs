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
