namespace DataGen.Stores;

/// <summary>
/// A store's answer to <c>validate --against</c> before its trial load (<see cref="StoreProvider.GuardTrialLoadAsync"/>):
/// either the trial may be made, with what to put back once it is rolled back (counters a rollback does not undo), or
/// it may not, with the reason the validation reports.
/// </summary>
public sealed class TrialLoadGuard
{
    private readonly Func<CancellationToken, Task>? _restore;

    private TrialLoadGuard(string? refusal, Func<CancellationToken, Task>? restore)
    {
        Refusal = refusal;
        _restore = restore;
    }

    /// <summary>No trial load is made; the reason names the tables or objects that keep it from being undone.</summary>
    public string? Refusal { get; }

    /// <summary>The trial may be made.</summary>
    /// <param name="restore">Run after the trial was rolled back, whether it failed or not (e.g. counters set back); null: nothing to put back.</param>
    public static TrialLoadGuard Allow(Func<CancellationToken, Task>? restore = null) => new(null, restore);

    /// <summary>No trial may be made.</summary>
    /// <param name="reason">Why, naming what keeps it from being undone (never a connection string).</param>
    public static TrialLoadGuard Refuse(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new(reason, null);
    }

    /// <summary>Puts back what the rollback did not.</summary>
    internal Task RestoreAsync(CancellationToken cancellationToken) => _restore?.Invoke(cancellationToken) ?? Task.CompletedTask;
}
