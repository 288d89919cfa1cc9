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
    private static readonly object Gate = new();
    private static readonly List<Item> Items = [];
    private static readonly List<Task> Pending = [];
    private static int _ran;

    static KitCleanup() => AppDomain.CurrentDomain.ProcessExit += (_, _) => OnExit();

    /// <summary>Whether the clean-up has run (a fixture disposed later has nothing left to drop).</summary>
    public static bool HasRun => Volatile.Read(ref _ran) != 0;

    /// <summary>
    /// Registers a removal for the end of the run: <paramref name="drop"/> for what is on a server (run first), or, with
    /// <paramref name="server"/>, a server itself (run after). <paramref name="atExit"/>, if given, is what the process-exit
    /// handler may start without waiting (a detached <c>docker rm -f</c>).
    /// </summary>
    public static void AtEnd(string what, Func<CancellationToken, Task> drop, bool server = false, Action? atExit = null)
    {
        lock (Gate)
        {
            Items.Add(new Item(what, drop, server, atExit));
        }
    }

    /// <summary>Work still making something (a spare copy being made) that the clean-up waits for before dropping it.</summary>
    public static void Track(Task making)
    {
        lock (Gate)
        {
            Pending.RemoveAll(t => t.IsCompleted);
            Pending.Add(making);
        }
    }

    /// <summary>Runs every registered removal once: waits for work in flight, drops what is on servers, then removes servers.</summary>
    public static async Task RunAsync()
    {
        if (Interlocked.Exchange(ref _ran, 1) != 0)
        {
            return;
        }

        List<Item> items;
        List<Task> pending;
        lock (Gate)
        {
            (items, pending) = (Items.ToList(), Pending.ToList());
            Items.Clear();
            Pending.Clear();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
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
            KitLog.Fallback("clean-up", "copies still being made after 2 minutes", "what they leave is dropped by the next run");
        }

        await Task.WhenAll(items.Where(i => !i.Server).Select(i => DropAsync(i, timeout.Token))).ConfigureAwait(false);
        await Task.WhenAll(items.Where(i => i.Server).Select(i => DropAsync(i, timeout.Token))).ConfigureAwait(false);
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

    /// <summary>The process is ending without <see cref="DataGenCleanup"/>: start what outlives the process, wait for nothing.</summary>
    private static void OnExit()
    {
        if (Interlocked.Exchange(ref _ran, 1) != 0)
        {
            return;
        }

        List<Item> items;
        lock (Gate)
        {
            items = Items.ToList();
        }

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

    private sealed record Item(string What, Func<CancellationToken, Task> Drop, bool Server, Action? AtExit);
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
