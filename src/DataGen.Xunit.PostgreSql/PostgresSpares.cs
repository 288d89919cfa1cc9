using System.Collections.Concurrent;

namespace DataGen.Xunit;

/// <summary>
/// Copies of each template waiting for the next class with its data (as IntegreSQL keeps a pool): made ahead in the
/// background (<c>CREATE DATABASE … TEMPLATE</c>) or handed on by a class that ended with its database restored. A class
/// that starts renames one into its own database instead of waiting for a copy. Every copy is registered for the
/// end-of-run clean-up before it is made (so one still being made when the run ends is waited for, then dropped) and
/// carries the owner tag (<see cref="StoreNames.Copy"/>, also for a template kept across runs): a killed run's copies
/// are dropped by the next run.
/// </summary>
internal static class PostgresSpares
{
    /// <summary>Ready copies kept per template at most: one made ahead and one handed on, or two handed on.</summary>
    public const int Max = 2;

    private static readonly ConcurrentDictionary<string, Pool> Pools = new(StringComparer.Ordinal);
    private static int _counter;

    /// <summary>The pool of <paramref name="template"/>.</summary>
    public static Pool Of(string template) => Pools.GetOrAdd(template, _ => new Pool());

    /// <summary>A new copy's name for <paramref name="template"/>, registered for the end-of-run clean-up.</summary>
    public static string NewName(string template, PostgresServer server)
    {
        var spare = StoreNames.Copy(template, Interlocked.Increment(ref _counter));
        server.DropAtEnd(spare);
        return spare;
    }

    /// <summary>Starts making the next copy of <paramref name="template"/> in the background; a copy that finds the pool full is dropped.</summary>
    public static void Prepare(string template, PostgresServer server)
    {
        var spare = NewName(template, server);
        var making = Task.Run(async () =>
        {
            try
            {
                await server.ExecuteAsync($"CREATE DATABASE {PostgresServer.Quote(spare)} TEMPLATE {PostgresServer.Quote(template)}", CancellationToken.None).ConfigureAwait(false);
                return spare;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Any failure (not only the server's refusal) is said here: a faulted copy would otherwise be dropped from the pool unseen.
                KitLog.Fallback($"PostgreSQL copy of {template}", $"not made ahead ({KitLog.Why(e)})", "the next class with this data makes its copy itself (CREATE DATABASE … TEMPLATE, some 100 ms)");
                return null;
            }
        });
        KitCleanup.Track(making);
        if (!Of(template).TryAdd(making))
        {
            _ = making.ContinueWith(t => t.Result is { } extra ? server.DropAsync(extra) : Task.CompletedTask, TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>The copies of one template waiting for a class: each a task giving its database name, or null if it could not be made.</summary>
    internal sealed class Pool
    {
        private readonly List<Task<string?>> _spares = [];

        public int Count
        {
            get
            {
                lock (_spares)
                {
                    return _spares.Count;
                }
            }
        }

        /// <summary>Adds a copy unless <see cref="Max"/> are waiting already.</summary>
        public bool TryAdd(Task<string?> spare)
        {
            lock (_spares)
            {
                if (_spares.Count >= Max)
                {
                    return false;
                }

                _spares.Add(spare);
                return true;
            }
        }

        /// <summary>A copy that is made (taken: no one else gets it), or null.</summary>
        public string? TakeReady()
        {
            lock (_spares)
            {
                _spares.RemoveAll(t => t.IsCompleted && (!t.IsCompletedSuccessfully || t.Result is null));
                var ready = _spares.FirstOrDefault(t => t.IsCompletedSuccessfully);
                if (ready is null)
                {
                    return null;
                }

                _spares.Remove(ready);
                return ready.Result;
            }
        }

        /// <summary>A copy made or being made (made ones first), or null.</summary>
        public Task<string?>? Take()
        {
            lock (_spares)
            {
                var next = _spares.FirstOrDefault(t => t.IsCompletedSuccessfully && t.Result is not null) ?? _spares.FirstOrDefault();
                if (next is not null)
                {
                    _spares.Remove(next);
                }

                return next;
            }
        }

        /// <summary>Every copy waiting (a template made again: its old copies must not be handed out).</summary>
        public List<Task<string?>> TakeAll()
        {
            lock (_spares)
            {
                var all = _spares.ToList();
                _spares.Clear();
                return all;
            }
        }
    }
}
