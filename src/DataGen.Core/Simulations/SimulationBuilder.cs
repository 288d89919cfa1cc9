using DataGen.Outputs;

namespace DataGen.Simulations;

/// <summary>A named stream of events: a model written to the run's output (or to a manifest datastore).</summary>
/// <param name="Name">The stream (and event model) name.</param>
/// <param name="Store">The datastore it goes to, when the simulation comes from a manifest with datastores.</param>
/// <param name="Target">Table, collection or topic (default: the name).</param>
public sealed record SimulationStream(string Name, string? Store = null, string? Target = null);

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

/// <summary>Where subjects come from.</summary>
internal abstract record SubjectSource
{
    public sealed record Factory(long Count, Func<SubjectContext, IDictionary<string, object?>> Create) : SubjectSource;

    /// <summary>Rows of a model; <see cref="Rows"/> is null until the manifest that holds the model is built.</summary>
    public sealed record FromModel(string Model, ISubjectRows? Rows) : SubjectSource;
}

/// <summary>The rows of a model as a simulation's subjects: generated at run time with the run's seed.</summary>
internal interface ISubjectRows
{
    /// <summary>The seed the rows use when neither the caller nor the simulation gives one.</summary>
    ulong Seed { get; }

    /// <summary>Generates the rows (every model of their source goes to <paramref name="output"/>, which is not completed) and returns <paramref name="model"/>'s.</summary>
    Task<SubjectRows> GenerateAsync(string model, ulong seed, long? count, IDataOutput output, CancellationToken cancellationToken);
}

/// <summary>A subject model's descriptor and rows.</summary>
internal sealed record SubjectRows(ModelDescriptor Model, List<object?[]> Values);

/// <summary>A problem found when validating a simulation.</summary>
internal sealed record SimulationProblem(string Message, bool IsWarning = false, int Transition = -1, string? State = null, string? Part = null);

/// <summary>Thrown when a simulation definition is invalid; lists every problem.</summary>
public sealed class SimulationException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public SimulationException(IReadOnlyList<string> problems)
        : base(problems.Count == 1 ? problems[0] : $"{problems.Count} problems in the simulation:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}") =>
        Problems = problems;

    /// <summary>Creates the exception with one problem.</summary>
    public SimulationException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception with no detail.</summary>
    public SimulationException()
        : this("invalid simulation")
    {
    }

    /// <summary>Wraps another exception.</summary>
    public SimulationException(string message, Exception innerException)
        : base(message, innerException) => Problems = [message];

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<string> Problems { get; } = [];
}
