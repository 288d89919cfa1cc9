using DataGen.Randomness;

namespace DataGen.Events;

// The walk: one cursor per flow a profile is in (its weighted flow, its parallel flows, the flows a fan-out started),
// all in one queue ordered by (time, profile, cursor), so the run's order is the same whatever reads it.
public sealed partial class EventFlowRun
{
    /// <summary>The events from <paramref name="start"/> until <paramref name="end"/> (null: for as long as they are read), in order.</summary>
    public IEnumerable<FlowEvent> Events(DateTime start, DateTime? end)
    {
        start = DateTime.SpecifyKind(start, DateTimeKind.Utc);
        var context = new EventContext(Locale);
        var queue = new PriorityQueue<Cursor, (long Ticks, int Profile, long Serial)>();
        long serial = 0;
        void Enqueue(Cursor cursor) => queue.Enqueue(cursor, (cursor.At.Ticks, cursor.Profile, cursor.Serial = serial++));

        var weighted = _flows.Where(f => !f.Parallel && f.Weight > 0).Select(f => (f, f.Weight)).ToList();
        var parallel = _flows.Where(f => f.Parallel).ToList();
        for (var p = 0; p < _profiles.Count; p++)
        {
            foreach (var cursor in StartCursors(p, start, weighted, parallel))
            {
                if (Advance(cursor, first: true, end, Enqueue))
                {
                    Enqueue(cursor);
                }
            }
        }

        while (queue.TryDequeue(out var cursor, out _))
        {
            var profile = _profiles[cursor.Profile];
            var step = cursor.Flow.Steps[cursor.Step];
            foreach (var type in step.Events)
            {
                var occurrence = cursor.Occurrences.TryGetValue(type.Name, out var n) ? n : 0;
                cursor.Occurrences[type.Name] = occurrence + 1;
                context.Reset(profile, cursor.State, cursor.Flow.Name, cursor.At, occurrence, cursor.Zone);
                var key = StableHash.Combine(cursor.Key, unchecked((ulong)cursor.Ordinal++));
                yield return new FlowEvent(cursor.At, profile.Id, cursor.Flow.Name, type.Name, type.Build(context, key)) { Id = Id(key), TimeZone = cursor.Zone };
            }

            if (step.Update is { } update)
            {
                context.Reset(profile, cursor.State, cursor.Flow.Name, cursor.At, cursor.Done, cursor.Zone);
                context.Seed(StableHash.Combine(cursor.Key, unchecked((ulong)cursor.Ordinal++)));
                try
                {
                    update(context);
                }
                catch (Exception e) when (e is not OperationCanceledException and not GenerationException)
                {
                    throw new GenerationException($"flow '{cursor.Flow.Name}', step {cursor.Step + 1} ('set') failed for profile {profile.Id} at {cursor.At:O} (occurrence {cursor.Done + 1}): {e.Message}", Model.Name, null, cursor.Profile, e);
                }
            }

            cursor.Done++;
            if (Advance(cursor, first: false, end, Enqueue))
            {
                Enqueue(cursor);
            }
        }
    }

    /// <summary>A profile's first cursors: its weighted flow (seeded as runs without parallel flows always were), then each parallel flow.</summary>
    private IEnumerable<Cursor> StartCursors(int p, DateTime start, List<(EventFlow, double)> weighted, List<EventFlow> parallel)
    {
        var profileKey = StableHash.Combine(_key, unchecked((ulong)p));
        var state = new Dictionary<string, object?>(InitialState, StringComparer.Ordinal);
        TimeZoneInfo? zone = null;
        if (TimeZones.Count > 0)
        {
            // A random of its own: giving profiles zones changes none of their flows, times or fields.
            var zoneRandom = new DeterministicRandom(StableHash.Combine(profileKey, "time zone"));
            zone = Pick(TimeZones, ref zoneRandom);
        }

        if (weighted.Count > 0)
        {
            var main = new Cursor(p, profileKey, state, zone) { At = start };
            main.Enter(Pick(weighted, ref main.Random));
            yield return main;
        }

        foreach (var flow in parallel)
        {
            var side = new Cursor(p, StableHash.Combine(profileKey, "parallel " + flow.Name), state, zone) { At = start };
            side.Enter(flow);
            yield return side;
        }
    }

    /// <summary>Moves the cursor to its next occurrence (repeat, next step, a branch or a fan-out); false when the cursor is done.</summary>
    private static bool Advance(Cursor cursor, bool first, DateTime? end, Action<Cursor> spawn)
    {
        while (true)
        {
            var step = cursor.Flow.Steps[cursor.Step];
            if (!first && (step.Limit != 0 && cursor.Done >= step.Limit))
            {
                if (cursor.Step + 1 >= cursor.Flow.Steps.Count)
                {
                    return false;
                }

                cursor.Step++;
                cursor.Done = 0;
                step = cursor.Flow.Steps[cursor.Step];
            }

            first = false;
            if (step.Branches is { } branches)
            {
                cursor.Enter(Pick(branches, ref cursor.Random));
                first = true;
                continue;
            }

            if (step.Forks is { } forks)
            {
                // Each continuation walks on its own from this moment, seeded by (this cursor, its place in the fan-out).
                for (var i = 0; i < forks.Count; i++)
                {
                    var child = new Cursor(cursor.Profile, StableHash.Combine(StableHash.Combine(cursor.Key, unchecked((ulong)cursor.Ordinal)), $"fork {i} {forks[i].Name}"), cursor.State, cursor.ProfileZone) { At = cursor.At };
                    child.Enter(forks[i]);
                    if (Advance(child, first: true, end, spawn))
                    {
                        spawn(child);
                    }
                }

                return false;
            }

            var span = (step.MaxDelay - step.MinDelay).Ticks;
            var delay = step.MinDelay + TimeSpan.FromTicks(cursor.Random.NextInclusive(0, span));
            if (DateTime.MaxValue - cursor.At < delay)
            {
                // Past the last date there is: the profile is done (no window reaches it).
                return false;
            }

            cursor.At += delay;
            return end is null || cursor.At <= end;
        }
    }

    private static T Pick<T>(IReadOnlyList<(T Item, double Weight)> choices, ref DeterministicRandom random)
    {
        var u = random.NextDouble() * choices.Sum(c => c.Weight);
        foreach (var (item, weight) in choices)
        {
            if ((u -= weight) < 0)
            {
                return item;
            }
        }

        return choices[^1].Item;
    }

    /// <summary>A version-4-layout UUID from an event's key.</summary>
    private static Guid Id(ulong key)
    {
        var random = new DeterministicRandom(StableHash.Combine(key, "event id"));
        return Generators.BasicGenerators.NextUuid(ref random);
    }

    /// <summary>Every flow the run can reach from <paramref name="roots"/> through branches and fan-outs.</summary>
    private static IEnumerable<EventFlow> Reachable(IEnumerable<EventFlow> roots)
    {
        var seen = new HashSet<EventFlow>();
        var pending = new Stack<EventFlow>(roots);
        while (pending.TryPop(out var flow))
        {
            if (seen.Add(flow))
            {
                foreach (var step in flow.Steps)
                {
                    foreach (var next in step.Branches?.Select(b => b.Flow) ?? step.Forks ?? [])
                    {
                        pending.Push(next);
                    }
                }
            }
        }

        return seen;
    }

    /// <summary>Where one walk of a profile is in its flow.</summary>
    private sealed class Cursor(int profile, ulong key, Dictionary<string, object?> state, TimeZoneInfo? profileZone)
    {
        public int Profile { get; } = profile;

        /// <summary>Seeds the walk's events: (seed, profile) for a profile's first flow, as runs always were.</summary>
        public ulong Key { get; } = key;

        /// <summary>Order among cursors due at one time for one profile: the one queued first goes first.</summary>
        public long Serial { get; set; }

        public EventFlow Flow { get; private set; } = null!;

        public int Step { get; set; }

        /// <summary>Occurrences of the current step so far.</summary>
        public int Done { get; set; }

        public DateTime At { get; set; }

        /// <summary>Events emitted so far (each event's fields are seeded by it).</summary>
        public long Ordinal { get; set; }

        public Dictionary<string, long> Occurrences { get; } = new(StringComparer.Ordinal);

        /// <summary>The profile's state, shared by all its walks.</summary>
        public Dictionary<string, object?> State { get; } = state;

        public TimeZoneInfo? ProfileZone { get; } = profileZone;

        /// <summary>The zone of the current flow's events: its own, else the profile's.</summary>
        public TimeZoneInfo? Zone => Flow.TimeZone ?? ProfileZone;

        public DeterministicRandom Random = new(key);

        public void Enter(EventFlow flow)
        {
            Flow = flow;
            Step = 0;
            Done = 0;
        }
    }
}
