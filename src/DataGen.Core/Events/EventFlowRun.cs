using DataGen.Outputs;
using DataGen.Randomness;

namespace DataGen.Events;

/// <summary>One event of a run.</summary>
/// <param name="At">When.</param>
/// <param name="Profile">The profile's id.</param>
/// <param name="Flow">The flow the profile follows (after branches: the branch).</param>
/// <param name="Event">The event type.</param>
/// <param name="Data">The event's fields.</param>
public sealed record FlowEvent(DateTime At, object Profile, string Flow, string Event, IReadOnlyDictionary<string, object?> Data);

/// <summary>
/// Runs event flows over a profile pool. Every profile starts one flow (by weight) and walks its steps; its events,
/// their times and fields depend only on (seed, profile), so a run is the same whatever reads it. Events come out
/// in (time, profile) order: in batch between two times, or live, paced to a rate, until cancelled or a count.
/// </summary>
public sealed class EventFlowRun
{
    /// <summary>The model events are written as: at, profile, flow, event, data (the fields as a nested object).</summary>
    public static readonly ModelDescriptor Model = new(
        "events",
        null,
        [
            new("at", ValueKind.DateTime, false),
            new("profile", ValueKind.Integer, false),
            new("flow", ValueKind.String, false),
            new("event", ValueKind.String, false),
            new("data", ValueKind.Object, false),
        ],
        0)
    {
        OrderKey = "profile",
        TimeField = "at",
    };

    private readonly ProfilePool _profiles;
    private readonly IReadOnlyList<EventFlow> _flows;
    private readonly ulong _key;

    /// <summary>Creates a run.</summary>
    public EventFlowRun(ProfilePool profiles, IReadOnlyList<EventFlow> flows, ulong seed = 1, string locale = "en")
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentOutOfRangeException.ThrowIfZero(flows.Count);
        _profiles = profiles;
        _flows = flows;
        Seed = seed;
        Locale = locale;
        _key = StableHash.Combine(StableHash.Mix(seed ^ 0xE7E47F10UL), "events");
    }

    /// <summary>The seed.</summary>
    public ulong Seed { get; }

    /// <summary>The Bogus locale of event fields.</summary>
    public string Locale { get; }

    /// <summary>Every profile's state before its first event (default empty).</summary>
    public IReadOnlyDictionary<string, object?> InitialState { get; init; } = new Dictionary<string, object?>();

    /// <summary>The events from <paramref name="start"/> until <paramref name="end"/> (null: for as long as they are read), in order.</summary>
    public IEnumerable<FlowEvent> Events(DateTime start, DateTime? end)
    {
        start = DateTime.SpecifyKind(start, DateTimeKind.Utc);
        var context = new EventContext(Locale);
        var queue = new PriorityQueue<Cursor, (long, int)>();
        for (var p = 0; p < _profiles.Count; p++)
        {
            var cursor = new Cursor(p, new DeterministicRandom(StableHash.Combine(_key, unchecked((ulong)p))));
            foreach (var (name, value) in InitialState)
            {
                cursor.State[name] = value;
            }

            cursor.Flow = Pick(_flows.Select(f => (f, f.Weight)).ToList(), ref cursor.Random);
            cursor.At = start;
            if (Advance(cursor, first: true, end))
            {
                queue.Enqueue(cursor, (cursor.At.Ticks, p));
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
                context.Reset(profile, cursor.State, cursor.Flow.Name, cursor.At, occurrence);
                var key = StableHash.Combine(StableHash.Combine(_key, unchecked((ulong)cursor.Profile)), unchecked((ulong)cursor.Ordinal++));
                yield return new FlowEvent(cursor.At, profile.Id, cursor.Flow.Name, type.Name, type.Build(context, key));
            }

            if (step.Update is { } update)
            {
                context.Reset(profile, cursor.State, cursor.Flow.Name, cursor.At, cursor.Done);
                context.Seed(StableHash.Combine(StableHash.Combine(_key, unchecked((ulong)cursor.Profile)), unchecked((ulong)cursor.Ordinal++)));
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
            if (Advance(cursor, first: false, end))
            {
                queue.Enqueue(cursor, (cursor.At.Ticks, cursor.Profile));
            }
        }
    }

    /// <summary>Writes the events between <paramref name="start"/> and <paramref name="end"/> to <paramref name="output"/> and completes it.</summary>
    public async Task<long> WriteAsync(IDataOutput output, DateTime start, DateTime end, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (end < start)
        {
            throw new ArgumentException("the end must not be before the start", nameof(end));
        }

        var written = await WriteEventsAsync(output, Events(start, end), e => e.At, null, cancellationToken).ConfigureAwait(false);
        await output.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>
    /// Sends events as they happen: paced to <paramref name="eventsPerMinute"/>, each stamped with the time it is sent,
    /// until <paramref name="maxEvents"/> (null: until cancelled). Each event is written as soon as it is due.
    /// Cancelling ends the stream, not the output: what was sent is completed (flushed and acknowledged) and counted.
    /// </summary>
    public async Task<long> LiveAsync(IDataOutput output, double eventsPerMinute, long? maxEvents = null, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!(eventsPerMinute > 0) || double.IsInfinity(eventsPerMinute))
        {
            throw new ArgumentOutOfRangeException(nameof(eventsPerMinute), "the rate must be a positive number of events per minute");
        }

        clock ??= TimeProvider.System;
        var events = Events(clock.GetUtcNow().UtcDateTime, null);
        if (maxEvents is { } max)
        {
            events = events.Take((int)Math.Min(max, int.MaxValue));
        }

        long sent = 0;
        long? began = null;
        async Task<DateTime?> Pace(FlowEvent _)
        {
            // The pace counts from the first event (the profiles' set-up before it takes no share of the rate).
            began ??= clock.GetTimestamp();
            var due = TimeSpan.FromMinutes(sent++ / eventsPerMinute);
            var wait = due - clock.GetElapsedTime(began.Value);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return null;
                }
            }

            return cancellationToken.IsCancellationRequested ? null : clock.GetUtcNow().UtcDateTime;
        }

        // The stream stops on cancellation; completing what was sent is not cancelled with it.
        var written = await WriteEventsAsync(output, events, null, Pace, CancellationToken.None, batch: 1).ConfigureAwait(false);
        await output.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        return written;
    }

    /// <summary>Writes events in batches; <paramref name="pace"/> (live) stamps each and returns null to stop the stream.</summary>
    private static async Task<long> WriteEventsAsync(IDataOutput output, IEnumerable<FlowEvent> events, Func<FlowEvent, DateTime>? at, Func<FlowEvent, Task<DateTime?>>? pace, CancellationToken cancellationToken, int batch = 4096)
    {
        var writer = await output.OpenModelAsync(Model, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            var rows = new List<object?[]>(batch);
            long written = 0;
            foreach (var e in events)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if ((pace is null ? at!(e) : await pace(e).ConfigureAwait(false)) is not { } time)
                {
                    break;
                }

                rows.Add([time, e.Profile, e.Flow, e.Event, e.Data]);
                if (rows.Count == batch)
                {
                    await writer.WriteAsync(new RowBatch(Model, written, rows.ToArray()), cancellationToken).ConfigureAwait(false);
                    written += rows.Count;
                    rows.Clear();
                }
            }

            if (rows.Count > 0)
            {
                await writer.WriteAsync(new RowBatch(Model, written, rows.ToArray()), cancellationToken).ConfigureAwait(false);
                written += rows.Count;
            }

            var acknowledged = await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return acknowledged == written
                ? written
                : throw new GenerationException($"sent {written} events but the output acknowledged {acknowledged} (difference {written - acknowledged})", Model.Name);
        }
    }

    /// <summary>Moves the cursor to its next occurrence (repeat, next step, or a branch); false when the profile is done.</summary>
    private static bool Advance(Cursor cursor, bool first, DateTime? end)
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
                cursor.Flow = Pick(branches, ref cursor.Random);
                cursor.Step = 0;
                cursor.Done = 0;
                first = true;
                continue;
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

    private static EventFlow Pick(IReadOnlyList<(EventFlow Flow, double Weight)> choices, ref DeterministicRandom random)
    {
        var u = random.NextDouble() * choices.Sum(c => c.Weight);
        foreach (var (flow, weight) in choices)
        {
            if ((u -= weight) < 0)
            {
                return flow;
            }
        }

        return choices[^1].Flow;
    }

    /// <summary>Where one profile is in its flow.</summary>
    private sealed class Cursor(int profile, DeterministicRandom random)
    {
        public int Profile { get; } = profile;

        public EventFlow Flow { get; set; } = null!;

        public int Step { get; set; }

        /// <summary>Occurrences of the current step so far.</summary>
        public int Done { get; set; }

        public DateTime At { get; set; }

        /// <summary>Events emitted so far (each event's fields are seeded by it).</summary>
        public long Ordinal { get; set; }

        public Dictionary<string, long> Occurrences { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, object?> State { get; } = new(StringComparer.Ordinal);

        public DeterministicRandom Random = random;
    }
}
