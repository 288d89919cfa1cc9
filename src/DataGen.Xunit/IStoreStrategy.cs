namespace DataGen.Xunit;

/// <summary>
/// What differs from one store to another in keeping a test class's data (as Respawn's <c>IDbAdapter</c> does for
/// resets): capturing the loaded data as a baseline, telling whether a test changed it, putting it back, and keeping a
/// template that later classes with the same data copy instead of loading — within a run, or across runs. One instance
/// serves one database (or collection set); the store kits make theirs, and a host such as Aspire can make one for a
/// connection string of its own (e.g. <c>PostgresStrategy.For(connectionString)</c>) to restore a baseline itself.
/// </summary>
public interface IStoreStrategy
{
    /// <summary>Remembers what the tables, collections or topics named by <paramref name="targets"/> hold now as the baseline.</summary>
    /// <param name="targets">The loaded targets (table names, schema-qualified where the store has schemas).</param>
    /// <param name="cancellationToken">Cancels the capture.</param>
    Task CaptureBaselineAsync(IReadOnlyList<string> targets, CancellationToken cancellationToken);

    /// <summary>Whether anything was written since the baseline was captured or last restored.</summary>
    Task<bool> HasChangedAsync(CancellationToken cancellationToken);

    /// <summary>Puts back what changed since the baseline (nothing when nothing did).</summary>
    Task RestoreBaselineAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Keeps the database as it is now (its baseline captured) as template <paramref name="name"/>, with
    /// <paramref name="info"/> stored where <see cref="FindTemplateAsync"/> reads it back; false (with a printed reason)
    /// when it cannot.
    /// </summary>
    Task<bool> SaveTemplateAsync(string name, string info, CancellationToken cancellationToken);

    /// <summary>Makes this database a copy of template <paramref name="name"/>, baseline included; false (with a printed reason) when it cannot.</summary>
    Task<bool> CloneTemplateAsync(string name, CancellationToken cancellationToken);

    /// <summary>The info of template <paramref name="name"/> kept from an earlier run, or null when there is none.</summary>
    Task<string?> FindTemplateAsync(string name, CancellationToken cancellationToken);
}
