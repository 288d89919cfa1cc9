using DataGen.Outputs;

namespace DataGen.Simulations;

/// <summary>Builds a <see cref="Simulation"/> in C#; <see cref="Build"/> validates everything at once.</summary>
public sealed class SimulationBuilder
{
    private readonly List<string> _states = [];
    private readonly List<SimulationTransition> _transitions = [];
    private readonly List<string> _emit = [];
    private readonly List<SimulationStream> _streams = [];
    private string? _initial;
    private SubjectSource? _subjects;
    private long _ticks = 1440;
    private TimeSpan _tickLength = TimeSpan.FromMinutes(1);
    private DateTime _start = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private ulong? _seed;

    internal SimulationBuilder(string name) => Name = name;

    /// <summary>The simulation's name.</summary>
    public string Name { get; }

    /// <summary>Adds states; the first state added is the initial state unless <see cref="Initial"/> says otherwise.</summary>
    public SimulationBuilder States(params string[] states)
    {
        ArgumentNullException.ThrowIfNull(states);
        _states.AddRange(states);
        return this;
    }

    /// <summary>Sets the state every subject starts in.</summary>
    public SimulationBuilder Initial(string state)
    {
        _initial = state;
        return this;
    }

    /// <summary>Creates <paramref name="count"/> subjects with a factory returning each one's attributes (an <c>id</c> attribute, if any, becomes its id).</summary>
    public SimulationBuilder Subjects(long count, Func<SubjectContext, IDictionary<string, object?>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _subjects = new SubjectSource.Factory(count, factory);
        return this;
    }

    /// <summary>How many ticks the run lasts (default 1,440).</summary>
    public SimulationBuilder Ticks(long ticks)
    {
        _ticks = ticks;
        return this;
    }

    /// <summary>How long a tick is (default one minute).</summary>
    public SimulationBuilder TickLength(TimeSpan length)
    {
        _tickLength = length;
        return this;
    }

    /// <summary>When tick 0 happens (default 2025-01-01T00:00:00Z).</summary>
    public SimulationBuilder Start(DateTime start)
    {
        _start = DateTime.SpecifyKind(start, DateTimeKind.Utc);
        return this;
    }

    /// <summary>Runs from <paramref name="start"/> to <paramref name="end"/> in ticks of <paramref name="tickLength"/>.</summary>
    public SimulationBuilder Between(DateTime start, DateTime end, TimeSpan tickLength)
    {
        Start(start);
        TickLength(tickLength);
        _ticks = tickLength > TimeSpan.Zero ? (end - start).Ticks / tickLength.Ticks : 0;
        return this;
    }

    /// <summary>The default seed (the caller's options win).</summary>
    public SimulationBuilder Seed(ulong seed)
    {
        _seed = seed;
        return this;
    }

    /// <summary>Adds a transition firing with <paramref name="percent"/> % per tick.</summary>
    public SimulationBuilder Transition(string trigger, string from, string to, double percent, Func<TransitionContext, bool>? action = null) =>
        Transition(new SimulationTransition(trigger, from, to, percent) { Action = action });

    /// <summary>Adds a transition.</summary>
    public SimulationBuilder Transition(SimulationTransition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        _transitions.Add(transition);
        return this;
    }

    /// <summary>Attributes and event values every event carries, as columns after at, subject, trigger, from and to.</summary>
    public SimulationBuilder Emit(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        _emit.AddRange(names);
        return this;
    }

    /// <summary>Declares an event stream (default: one stream named <c>events</c>).</summary>
    public SimulationBuilder Stream(string name, string? store = null, string? target = null)
    {
        _streams.Add(new SimulationStream(name, store, target));
        return this;
    }

    /// <summary>Declares an event stream with its key and value shape.</summary>
    public SimulationBuilder Stream(SimulationStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _streams.Add(stream);
        return this;
    }

    /// <summary>Validates and builds; throws <see cref="SimulationException"/> listing every problem.</summary>
    public Simulation Build()
    {
        var simulation = BuildUnchecked();
        var problems = simulation.Validate();
        if (problems.Any(p => !p.IsWarning))
        {
            throw new SimulationException(problems.Where(p => !p.IsWarning).Select(p => p.Message).ToList());
        }

        simulation.Warnings = problems.Select(p => p.Message).ToList();
        return simulation;
    }

    internal SimulationBuilder SubjectsOf(string model)
    {
        _subjects = new SubjectSource.FromModel(model, null);
        return this;
    }

    internal Simulation BuildUnchecked() =>
        new(
            Name,
            [.. _states],
            _initial ?? _states.FirstOrDefault() ?? string.Empty,
            [.. _transitions],
            [.. _emit],
            _streams.Count > 0 ? [.. _streams] : [new SimulationStream("events")],
            _subjects,
            _ticks,
            _tickLength,
            _start,
            _seed);
}
