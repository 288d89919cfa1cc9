namespace DataGen.Events;

/// <summary>
/// One step of a flow: its events (several = a group sent together with the same timestamp), how many times the
/// profile repeats it (0: for as long as the run lasts), the delay before each occurrence, and a state update.
/// A step may instead branch: the profile continues with one of several flows, chosen by weight.
/// </summary>
public sealed record FlowStep
{
    private FlowStep(IReadOnlyList<EventType> events, IReadOnlyList<(EventFlow Flow, double Weight)>? branches, IReadOnlyList<EventFlow>? forks = null)
    {
        Events = events;
        Branches = branches;
        Forks = forks;
    }

    /// <summary>The events sent together at each occurrence.</summary>
    public IReadOnlyList<EventType> Events { get; }

    /// <summary>How many times a profile does this step (default 1; 0 = until the run ends).</summary>
    public int Limit { get; init; } = 1;

    /// <summary>The shortest delay before an occurrence, after the profile's previous event (default one minute).</summary>
    public TimeSpan MinDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest delay before an occurrence (default one hour).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Runs after the step's events: changes the profile's <see cref="EventContext.State"/>.</summary>
    public Action<EventContext>? Update { get; init; }

    /// <summary>For a branch step: the flows to continue with and their weights.</summary>
    public IReadOnlyList<(EventFlow Flow, double Weight)>? Branches { get; }

    /// <summary>For a fan-out step (<c>&gt;&gt; [a, b]</c>): the flows that all continue from here, each on its own, sharing the profile's state.</summary>
    public IReadOnlyList<EventFlow>? Forks { get; }

    /// <summary>Whether the step ends its flow: a branch or a fan-out.</summary>
    internal bool Continues => Branches is not null || Forks is not null;

    /// <summary>A step sending <paramref name="events"/> together.</summary>
    public static FlowStep Of(params EventType[] events)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfZero(events.Length);
        return new FlowStep(events, null);
    }

    /// <summary>A step continuing with one of several flows, chosen by weight.</summary>
    public static FlowStep Branch(params (EventFlow Flow, double Weight)[] branches)
    {
        ArgumentNullException.ThrowIfNull(branches);
        ArgumentOutOfRangeException.ThrowIfZero(branches.Length);
        if (branches.Any(b => !(b.Weight > 0) || double.IsInfinity(b.Weight)))
        {
            throw new ArgumentException("branch weights must be positive", nameof(branches));
        }

        return new FlowStep([], branches);
    }

    /// <summary>A fan-out: the profile continues with every one of <paramref name="flows"/> at once (<c>&gt;&gt; [a, b]</c>).</summary>
    public static FlowStep Fork(params EventFlow[] flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentOutOfRangeException.ThrowIfZero(flows.Length);
        return new FlowStep([], null, flows);
    }
}

/// <summary>What a profile does, in order: <c>signup</c>, then <c>login</c>, then <c>browse</c> ×3, then a branch…</summary>
public sealed class EventFlow
{
    internal EventFlow(string name, double weight, IReadOnlyList<FlowStep> steps)
    {
        Name = name;
        Weight = weight;
        Steps = steps;
    }

    /// <summary>The flow's name (events carry it).</summary>
    public string Name { get; }

    /// <summary>How often profiles start with this flow relative to the others.</summary>
    public double Weight { get; }

    /// <summary>The steps.</summary>
    public IReadOnlyList<FlowStep> Steps { get; }

    /// <summary>Whether every profile runs this flow alongside the one it starts with by weight (<c>parallel: true</c>).</summary>
    public bool Parallel { get; internal init; }

    /// <summary>The time zone of this flow's events (<c>timeZone:</c>), instead of the profile's; null: the profile's.</summary>
    public TimeZoneInfo? TimeZone { get; internal init; }

    /// <summary>Starts a flow.</summary>
    public static EventFlowBuilder Create(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new EventFlowBuilder(name);
    }
}

/// <summary>Builds an <see cref="EventFlow"/>: <c>.Then(a).Then(b, limit: 0).Together(c, d).Branch(…)</c>.</summary>
public sealed class EventFlowBuilder
{
    private readonly string _name;
    private readonly List<FlowStep> _steps = [];
    private double _weight = 1;
    private bool _parallel;
    private TimeZoneInfo? _zone;

    internal EventFlowBuilder(string name) => _name = name;

    /// <summary>How often profiles start with this flow relative to the others (default 1).</summary>
    public EventFlowBuilder Weight(double weight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(weight);
        _weight = weight;
        return this;
    }

    /// <summary>Every profile runs this flow alongside the one it starts with by weight.</summary>
    public EventFlowBuilder Parallel()
    {
        _parallel = true;
        return this;
    }

    /// <summary>This flow's events happen in <paramref name="zone"/> (their local time fields), whatever the profile's zone.</summary>
    public EventFlowBuilder InTimeZone(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        _zone = zone;
        return this;
    }

    /// <summary>Then <paramref name="type"/>, <paramref name="limit"/> times (0: until the run ends), each after a delay in [min, max].</summary>
    public EventFlowBuilder Then(EventType type, int limit = 1, TimeSpan? minDelay = null, TimeSpan? maxDelay = null, Action<EventContext>? update = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Then(FlowStep.Of(type) with { Limit = limit, MinDelay = minDelay ?? TimeSpan.FromMinutes(1), MaxDelay = maxDelay ?? minDelay ?? TimeSpan.FromHours(1), Update = update });
    }

    /// <summary>Then several events sent together (the same timestamp).</summary>
    public EventFlowBuilder Together(params EventType[] types) => Then(FlowStep.Of(types));

    /// <summary>Then a step.</summary>
    public EventFlowBuilder Then(FlowStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentOutOfRangeException.ThrowIfNegative(step.Limit);
        if (step.MinDelay < TimeSpan.Zero || step.MaxDelay < step.MinDelay)
        {
            throw new ArgumentException($"flow '{_name}': a step's delay must satisfy 0 ≤ min ≤ max", nameof(step));
        }

        if (_steps.Count > 0 && (_steps[^1] is { Limit: 0 } || _steps[^1].Continues))
        {
            throw new ArgumentException($"flow '{_name}': nothing can follow a step that repeats until the run ends, a branch or a fan-out", nameof(step));
        }

        _steps.Add(step);
        return this;
    }

    /// <summary>Then continue with one of <paramref name="branches"/>, chosen by weight.</summary>
    public EventFlowBuilder Branch(params (EventFlow Flow, double Weight)[] branches) => Then(FlowStep.Branch(branches));

    /// <summary>Then continue with every one of <paramref name="flows"/> at once (a fan-out).</summary>
    public EventFlowBuilder Fork(params EventFlow[] flows) => Then(FlowStep.Fork(flows));

    /// <summary>Builds the flow.</summary>
    public EventFlow Build()
    {
        if (_steps.Count == 0)
        {
            throw new ArgumentException($"flow '{_name}' has no steps");
        }

        return new EventFlow(_name, _weight, [.. _steps]) { Parallel = _parallel, TimeZone = _zone };
    }
}
