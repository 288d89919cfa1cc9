using DataGen.Outputs;
using DataGen.Randomness;

namespace DataGen.Events;

/// <summary>One event of a run.</summary>
/// <param name="At">When.</param>
/// <param name="Profile">The profile's id.</param>
/// <param name="Flow">The flow the profile follows (after branches: the branch).</param>
/// <param name="Event">The event type.</param>
/// <param name="Data">The event's fields.</param>
public sealed record FlowEvent(DateTime At, object Profile, string Flow, string Event, IReadOnlyDictionary<string, object?> Data)
{
    /// <summary>The event's id: a UUID that depends only on (seed, profile, the event's place in its flows).</summary>
    public Guid Id { get; init; }

    /// <summary>The event's time zone (its flow's, else its profile's), or null when the run has none.</summary>
    public TimeZoneInfo? TimeZone { get; init; }
}

/// <summary>
/// Runs event flows over a profile pool. Every profile starts one flow (by weight), and every parallel flow beside
/// it, and walks their steps (a fan-out step starts several flows at once); its events, their times and fields depend
/// only on (seed, profile), so a run is the same whatever reads it. Events come out in (time, profile) order: in batch
/// between two times, or live, paced to a rate, until cancelled or a count.
/// </summary>
public sealed partial class EventFlowRun
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

    /// <summary>
    /// The time zones profiles live in, by weight (each profile gets one, from the seed); empty (default): none, unless
    /// a flow has its own. With zones, events carry <c>local_at</c> (wall-clock time with its UTC offset) and <c>time_zone</c>.
    /// </summary>
    public IReadOnlyList<(TimeZoneInfo Zone, double Weight)> TimeZones { get; init; } = [];

    /// <summary>The name of a field holding each event's <see cref="FlowEvent.Id"/> (null, default: no id field).</summary>
    public string? EventIdField { get; init; }

    /// <summary>The model events are written as: <see cref="Model"/>, then the id field and the local time fields when the run has them.</summary>
    public ModelDescriptor Descriptor => _descriptor ??= Describe();

    private ModelDescriptor? _descriptor;

    private bool Zoned => TimeZones.Count > 0 || Reachable(_flows).Any(f => f.TimeZone is not null);

    private ModelDescriptor Describe()
    {
        var fields = Model.Fields.ToList();
        if (EventIdField is { } id)
        {
            fields.Add(new FieldDescriptor(id, ValueKind.Uuid, false));
        }

        if (Zoned)
        {
            fields.Add(new FieldDescriptor("local_at", ValueKind.String, false));
            fields.Add(new FieldDescriptor("time_zone", ValueKind.String, false));
        }

        return Model with { Fields = fields };
    }

    /// <summary>The row of one event written at <paramref name="time"/>.</summary>
    private object?[] Row(FlowEvent e, DateTime time, bool id, bool zoned)
    {
        var row = new object?[5 + (id ? 1 : 0) + (zoned ? 2 : 0)];
        (row[0], row[1], row[2], row[3], row[4]) = (time, e.Profile, e.Flow, e.Event, e.Data);
        var i = 5;
        if (id)
        {
            row[i++] = e.Id;
        }

        if (zoned)
        {
            row[i++] = LocalText(time, e.TimeZone);
            row[i] = (e.TimeZone ?? TimeZoneInfo.Utc).Id;
        }

        return row;
    }

    /// <summary>An instant as wall-clock time in <paramref name="zone"/> (null: UTC) with its offset: <c>2025-01-01T10:00:00.000+01:00</c>.</summary>
    internal static string LocalText(DateTime utc, TimeZoneInfo? zone)
    {
        zone ??= TimeZoneInfo.Utc;
        var local = new DateTimeOffset(DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeFromUtc(utc, zone), DateTimeKind.Unspecified), zone.GetUtcOffset(utc));
        return local.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture);
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
    private async Task<long> WriteEventsAsync(IDataOutput output, IEnumerable<FlowEvent> events, Func<FlowEvent, DateTime>? at, Func<FlowEvent, Task<DateTime?>>? pace, CancellationToken cancellationToken, int batch = 4096)
    {
        var model = Descriptor;
        var (id, zoned) = (EventIdField is not null, Zoned);
        var writer = await output.OpenModelAsync(model, cancellationToken).ConfigureAwait(false);
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

                rows.Add(Row(e, time, id, zoned));
                if (rows.Count == batch)
                {
                    await writer.WriteAsync(new RowBatch(model, written, rows.ToArray()), cancellationToken).ConfigureAwait(false);
                    written += rows.Count;
                    rows.Clear();
                }
            }

            if (rows.Count > 0)
            {
                await writer.WriteAsync(new RowBatch(model, written, rows.ToArray()), cancellationToken).ConfigureAwait(false);
                written += rows.Count;
            }

            var acknowledged = await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return acknowledged == written
                ? written
                : throw new GenerationException($"sent {written} events but the output acknowledged {acknowledged} (difference {written - acknowledged})", Model.Name);
        }
    }
}
