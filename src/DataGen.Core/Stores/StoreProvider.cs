using DataGen.Outputs;

namespace DataGen.Stores;

/// <summary>
/// A kind of store that a manifest's <c>datastores:</c> entries can name (<c>kind: postgres</c>). A store package
/// implements one and the application registers it in a <see cref="StoreCatalog"/>; the core knows no store kinds
/// of its own besides <c>files</c>.
/// </summary>
public abstract class StoreProvider
{
    /// <summary>The name manifests use in <c>kind:</c> (letters, digits and underscores).</summary>
    public abstract string Kind { get; }

    /// <summary>
    /// The settings this kind understands, with a one-line description each (shown in the manifest's JSON Schema).
    /// A datastore entry with any other setting is an error at that setting's line and column.
    /// </summary>
    public abstract IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Settings a datastore of this kind must have (the default <see cref="Validate"/> reports each one missing).</summary>
    protected virtual IReadOnlyList<string> RequiredSettings => [];

    /// <summary>
    /// Problems with a datastore's settings (a required one missing, a value out of range), reported when the manifest
    /// loads, located at the datastore. Never include a setting's value: it may be a password. The default reports
    /// each of <see cref="RequiredSettings"/> that is missing; an override adds its own checks to <c>base.Validate</c>.
    /// </summary>
    /// <param name="store">The datastore, variables substituted.</param>
    public virtual IEnumerable<string> Validate(Datastore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return RequiredSettings.Where(s => store.Get(s) is null).Select(s => $"datastore '{store.Name}' ({store.Kind}) needs '{s}'").ToList();
    }

    /// <summary>Opens an output that writes the models routed to <paramref name="store"/>.</summary>
    /// <param name="store">The datastore, variables substituted.</param>
    /// <param name="options">How existing tables, collections or topics are treated.</param>
    public abstract IDataOutput CreateOutput(Datastore store, StoreLoadOptions options);

    /// <summary>Whether <see cref="ReadSchemaAsync"/> can describe a datastore of this kind (SQL stores can).</summary>
    public virtual bool CanReadSchema => false;

    /// <summary>
    /// Whether a datastore or model of this kind may say <c>mode:</c> truncate, append or replace (the manifest refuses them
    /// otherwise). Default: <see cref="CanReadSchema"/> (the SQL stores); a store that honours the modes without describing
    /// a schema (Elasticsearch) overrides it.
    /// </summary>
    public virtual bool SupportsLoadModes => CanReadSchema;

    /// <summary>
    /// Whether an output of this kind disposed without completing leaves the datastore exactly as it found it, DDL and
    /// what triggers wrote included (PostgreSQL, SQLite, SQL Server; not MySQL, whose DDL commits by itself and whose
    /// MyISAM tables keep what was written): only then does <c>validate --against</c> make a trial load into it.
    /// </summary>
    public virtual bool RollsBackCompletely => false;

    /// <summary>
    /// Asked by <c>validate --against</c> before its trial load into <paramref name="tables"/> (the tables of the models
    /// routed to <paramref name="store"/>): whether the trial can be undone there, and what to put back after its rollback.
    /// The default allows it where <see cref="RollsBackCompletely"/> and refuses it, saying so, elsewhere; a store that
    /// can make a trial undoable under conditions (MySQL: every table exists and is InnoDB, counters set back) overrides it.
    /// </summary>
    /// <param name="store">The datastore, variables substituted.</param>
    /// <param name="tables">The tables the trial would write, as the models name them.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    public virtual Task<TrialLoadGuard> GuardTrialLoadAsync(Datastore store, IReadOnlyList<string> tables, CancellationToken cancellationToken = default) =>
        Task.FromResult(RollsBackCompletely
            ? TrialLoadGuard.Allow()
            : TrialLoadGuard.Refuse($"a {Kind} datastore does not undo everything a load does when it is rolled back"));

    /// <summary>
    /// Describes the tables of an existing datastore: columns and types, keys, foreign keys, checks, enums — what
    /// <c>datagen scaffold</c> writes a manifest from and what a manifest is checked against before it loads.
    /// </summary>
    /// <param name="store">The datastore, variables substituted.</param>
    /// <param name="filter">Which tables (null: all of them, system schemas excluded).</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <exception cref="NotSupportedException">The kind has no schema to read (<see cref="CanReadSchema"/> is false).</exception>
    public virtual Task<Schemas.DatabaseSchema> ReadSchemaAsync(Datastore store, Schemas.SchemaFilter? filter = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"store kind '{Kind}' cannot describe an existing schema");

    /// <summary>The kind.</summary>
    public override string ToString() => Kind;

    /// <summary>A required setting's value, or an <see cref="ArgumentException"/> naming the datastore and the setting.</summary>
    protected static string Required(Datastore store, string setting)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Get(setting) ?? throw new ArgumentException($"datastore '{store.Name}' ({store.Kind}) needs '{setting}'");
    }
}
