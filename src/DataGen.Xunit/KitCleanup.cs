namespace DataGen.Xunit;

/// <summary>
/// What the kit removes when the test run ends: templates and spare copies on shared servers first, then the
/// containers it started. <see cref="DataGenCleanup"/> (an assembly fixture) runs it asynchronously and xunit awaits it;
/// without that fixture, the process-exit handler only starts the removals that outlive the process (a container's
/// <c>docker rm -f</c>) and blocks on nothing: what is left on a shared server is found and dropped by the next run
/// (<see cref="StoreNames.IsLeftBehind"/>).
/// </summary>
internal static class KitCleanup
{
    /// <summary>How many removals run at once: a run with hundreds of classes must not open as many connections at once.</summary>
    public const int Parallelism = 4;

    private static readonly EndOfRun Removals = new();
    private static int _ran;

    static KitCleanup() => AppDomain.CurrentDomain.ProcessExit += (_, _) => OnExit();

    /// <summary>Whether the clean-up has run (a fixture disposed later has nothing left to drop).</summary>
    public static bool HasRun => Volatile.Read(ref _ran) != 0;

    /// <summary>
    /// Registers a removal for the end of the run: <paramref name="drop"/> for what is on a server (run first), or, with
    /// <paramref name="server"/>, a server itself (run after). <paramref name="atExit"/>, if given, is what the process-exit
    /// handler may start without waiting (a detached <c>docker rm -f</c>). Disposing the result unregisters it (what it
    /// drops is gone already: a class database dropped when its class ended).
    /// </summary>
    public static IDisposable AtEnd(string what, Func<CancellationToken, Task> drop, bool server = false, Action? atExit = null) =>
        Removals.Register(what, drop, server, atExit);

    /// <summary>Work still making something (a spare copy being made) that the clean-up waits for before dropping it.</summary>
    public static void Track(Task making) => Removals.Track(making);

    /// <summary>Runs every registered removal once: waits for work in flight, drops what is on servers, then removes servers.</summary>
    public static Task RunAsync() => Interlocked.Exchange(ref _ran, 1) != 0 ? Task.CompletedTask : Removals.RunAsync(Parallelism, TimeSpan.FromMinutes(2));

    /// <summary>The process is ending without <see cref="DataGenCleanup"/>: start what outlives the process, wait for nothing.</summary>
    private static void OnExit()
    {
        if (Interlocked.Exchange(ref _ran, 1) != 0)
        {
            return;
        }

        var items = Removals.Registered();
        foreach (var item in items.Where(i => i.AtExit is not null))
        {
            try
            {
                item.AtExit!();
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                KitLog.Fallback($"clean-up of {item.What} at exit", $"could not be started ({KitLog.Why(e)})", "it is left behind until the next run on this machine removes it");
            }
        }

        if (items.Any(i => i.AtExit is null))
        {
            Console.Error.WriteLine($"[DataGen] {items.Count(i => i.AtExit is null)} template(s) or copies are left on shared servers: DataGenCleanup did not run (the project sets DataGenCleanup=false or GenerateAssemblyInfo=false, or references the kit without its package targets): register [assembly: AssemblyFixture(typeof(DataGen.Xunit.DataGenCleanup))] to have them dropped at the end of the run; the next run on this machine drops them otherwise");
        }
    }
}

/// <summary>
/// One run's registered removals (<see cref="KitCleanup"/> holds the process's): registered and unregistered while the
/// run goes on, then run once, a few at a time.
/// </summary>
internal sealed class EndOfRun
{
    private readonly object _gate = new();
    private readonly List<Item> _items = [];
    private readonly List<Task> _pending = [];

    /// <summary>Registers a removal (<see cref="KitCleanup.AtEnd"/>); disposing the result unregisters it.</summary>
    public IDisposable Register(string what, Func<CancellationToken, Task> drop, bool server = false, Action? atExit = null)
    {
        var item = new Item(this, what, drop, server, atExit);
        lock (_gate)
        {
            _items.Add(item);
        }

        return item;
    }

    /// <summary>Work still making something that <see cref="RunAsync"/> waits for first.</summary>
    public void Track(Task making)
    {
        lock (_gate)
        {
            _pending.RemoveAll(t => t.IsCompleted);
            _pending.Add(making);
        }
    }

    /// <summary>The removals registered now.</summary>
    public IReadOnlyList<Item> Registered()
    {
        lock (_gate)
        {
            return _items.ToList();
        }
    }

    /// <summary>
    /// Waits for work in flight, then runs the removals on servers, then those of servers, at most
    /// <paramref name="parallelism"/> at a time; each failure is one diagnostic line, and nothing waits past <paramref name="limit"/>.
    /// </summary>
    public async Task RunAsync(int parallelism, TimeSpan limit)
    {
        List<Item> items;
        List<Task> pending;
        lock (_gate)
        {
            (items, pending) = (_items.ToList(), _pending.ToList());
            _items.Clear();
            _pending.Clear();
        }

        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await Task.WhenAll(pending).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A copy that failed to be made is nothing to drop; its failure was reported where it happened.
        }
        catch (OperationCanceledException)
        {
            KitLog.Fallback("clean-up", $"copies still being made after {limit.TotalSeconds:0} s", "what they leave is dropped by the next run");
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism };
        await Parallel.ForEachAsync(items.Where(i => !i.Server), options, (item, _) => new ValueTask(DropAsync(item, timeout.Token))).ConfigureAwait(false);
        await Parallel.ForEachAsync(items.Where(i => i.Server), options, (item, _) => new ValueTask(DropAsync(item, timeout.Token))).ConfigureAwait(false);
    }

    private static async Task DropAsync(Item item, CancellationToken cancellationToken)
    {
        try
        {
            await item.Drop(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            KitLog.Fallback($"clean-up of {item.What}", KitLog.Why(e), "it is left behind until the next run on this machine drops it");
        }
    }

    private void Remove(Item item)
    {
        lock (_gate)
        {
            _items.Remove(item);
        }
    }

    /// <summary>A registered removal; disposing it unregisters it.</summary>
    internal sealed class Item(EndOfRun owner, string what, Func<CancellationToken, Task> drop, bool server, Action? atExit) : IDisposable
    {
        public string What => what;

        public Func<CancellationToken, Task> Drop => drop;

        public bool Server => server;

        public Action? AtExit => atExit;

        /// <inheritdoc />
        public void Dispose() => owner.Remove(this);
    }
}

/// <summary>
/// Removes what the kit made for the whole run when it ends — templates and spare copies on shared servers, then the
/// containers it started (unless <c>DATAGEN_REUSE=1</c>) — asynchronously, awaited by xunit. The package registers it
/// in every project that references it (its buildTransitive targets generate
/// <c>[assembly: AssemblyFixture(typeof(DataGen.Xunit.DataGenCleanup))]</c>; opt out with the MSBuild property
/// <c>DataGenCleanup=false</c>, e.g. to register it yourself). Without it, containers are
/// still removed when the process exits and what is left on a shared server is dropped by the next run on the machine.
/// </summary>
public sealed class DataGenCleanup : IAsyncDisposable
{
    /// <summary>Runs the kit's end-of-run clean-up (once per process).</summary>
    public ValueTask DisposeAsync() => new(KitCleanup.RunAsync());
}
