using DataGen.Generation;

namespace DataGen.Outputs;

/// <summary>A model's shape as outputs see it.</summary>
/// <param name="Name">The model name.</param>
/// <param name="Key">The key field, if declared.</param>
/// <param name="Fields">Top-level fields in manifest order; every row has one value per field.</param>
/// <param name="Count">How many rows will be written.</param>
public sealed record ModelDescriptor(string Name, string? Key, IReadOnlyList<FieldDescriptor> Fields, long Count)
{
    /// <summary>The datastore named by the model's <c>store:</c>, if any.</summary>
    public string? Store { get; init; }

    /// <summary>The table, collection or topic to write to (default: the model name).</summary>
    public string Target { get; init; } = Name;

    /// <summary>Secondary indexes the manifest asks for (<c>indexes:</c>), each a list of fields; stores that have indexes create them.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Indexes { get; init; } = [];

    /// <summary>How the rows meet an existing table, collection or topic (<c>mode:</c>).</summary>
    public LoadMode Mode { get; init; }

    /// <summary>Top-level fields that reference another model: (field, model, referenced field, that model's target).</summary>
    public IReadOnlyList<ReferenceDescriptor> References { get; init; } = [];

    /// <summary>
    /// References whose values point at rows a later model of the same run writes: a reference cycle filled in one pass
    /// (<c>deferred: true</c> on a ref whose target's keys are known before its rows are written). A store holds the
    /// checks of foreign keys over these fields until the run completes, then verifies them: a violation fails the run.
    /// </summary>
    public IReadOnlyList<ReferenceDescriptor> HeldReferences { get; init; } = [];

    /// <summary>
    /// The field whose rows belong together in order (a simulation's <c>subject</c>, an event flow's <c>profile</c>), or
    /// null. Stores that spread rows over partitions (Kafka) key messages by it unless told otherwise, so one subject's
    /// rows stay in one partition, in order.
    /// </summary>
    public string? OrderKey { get; init; }

    /// <summary>
    /// The field holding each row's time (a simulation's or event flow's <c>at</c>), or null. Stores with record times
    /// (Kafka) use it as the timestamp unless told otherwise.
    /// </summary>
    public string? TimeField { get; init; }

    /// <summary>
    /// What the run asks of the model's existing table before it generates (<see cref="LoadMode.Append"/>, or rows other
    /// models' <c>existing: true</c> refs draw from), for the store to answer in <see cref="IDataOutput.PrepareAsync"/>; null
    /// when nothing is asked.
    /// </summary>
    public StartingRead? Starting { get; init; }

    /// <summary>
    /// The run's fixed "now" (the manifest's <c>referenceDate:</c>, UTC), or null when the run has none. A store whose
    /// column defaults and triggers read the server's clock pins the load's session to it where it can (MySQL and
    /// MariaDB: <c>SET timestamp</c>), so the same seed gives the same tables.
    /// </summary>
    public DateTime? ReferenceDate { get; init; }
}
/// <summary>A top-level field that points at another model's field (a foreign key in SQL stores).</summary>
/// <param name="Field">The referencing field.</param>
/// <param name="Model">The referenced model.</param>
/// <param name="ReferencedField">The referenced field.</param>
/// <param name="ReferencedTarget">The referenced model's table, collection or topic.</param>
/// <param name="ReferencedStore">The referenced model's datastore.</param>
public sealed record ReferenceDescriptor(string Field, string Model, string ReferencedField, string ReferencedTarget, string? ReferencedStore);
/// <summary>A top-level field.</summary>
/// <param name="Name">The field name.</param>
/// <param name="Kind">What kind of values it holds.</param>
/// <param name="Nullable">Whether it can be null.</param>
public sealed record FieldDescriptor(string Name, ValueKind Kind, bool Nullable)
{
    /// <summary>For an <see cref="ValueKind.Object"/> field whose shape the manifest declares: its fields in order; otherwise null.</summary>
    public IReadOnlyList<FieldDescriptor>? Fields { get; init; }

    /// <summary>For an <see cref="ValueKind.Array"/> field whose elements' shape the manifest declares: one element (named <c>item</c>); otherwise null.</summary>
    public FieldDescriptor? Item { get; init; }
}
/// <summary>
/// Consecutive rows of one model. Each row holds one value per field: <see cref="string"/>, <see cref="long"/>,
/// <see cref="decimal"/>, <see cref="double"/>, <see cref="bool"/>, <see cref="Guid"/>, <see cref="DateOnly"/>,
/// <see cref="DateTime"/> (UTC), <see cref="TimeOnly"/>, a nested <see cref="GeneratedObject"/>, an
/// <c>object?[]</c> array, or null.
/// </summary>
/// <param name="Model">The model.</param>
/// <param name="FirstRow">Index of the first row in the model.</param>
/// <param name="Rows">The rows.</param>
public sealed record RowBatch(ModelDescriptor Model, long FirstRow, IReadOnlyList<object?[]> Rows);
