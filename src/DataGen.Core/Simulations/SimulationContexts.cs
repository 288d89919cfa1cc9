using DataGen.Randomness;

namespace DataGen.Simulations;

/// <summary>Random values for simulation code, drawn from the subject's own deterministic stream.</summary>
public sealed class SimulationRandom
{
    private DeterministicRandom _random;

    internal SimulationRandom(ulong key) => _random = new DeterministicRandom(key);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => _random.NextDouble();

    /// <summary>Uniform integer in [<paramref name="min"/>, <paramref name="max"/>], both inclusive.</summary>
    public long Next(long min, long max) => _random.NextInclusive(min, max);

    /// <summary>True with probability <paramref name="probability"/> (0–1).</summary>
    public bool Chance(double probability) => _random.Chance(probability);

    /// <summary>A decimal uniform in [<paramref name="min"/>, <paramref name="max"/>] with <paramref name="decimals"/> places.</summary>
    public decimal Decimal(decimal min, decimal max, int decimals = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decimals, 10);
        var unit = Pow10(decimals);
        var low = (long)Math.Ceiling(min * unit);
        var high = (long)Math.Floor(max * unit);

        // Times 10^-decimals (a decimal with that scale) keeps trailing zeros: 80.30, not 80.3.
        return _random.NextInclusive(low, high) * new decimal(1, 0, 0, false, (byte)decimals);
    }

    /// <summary>A normal variate with the given mean and standard deviation.</summary>
    public double Normal(double mean, double standardDeviation) => mean + (standardDeviation * _random.NextGaussian());

    private static decimal Pow10(int n)
    {
        var p = 1m;
        for (var i = 0; i < n; i++)
        {
            p *= 10;
        }

        return p;
    }
}

/// <summary>What a subject factory sees: the subject's index and its random stream.</summary>
public sealed class SubjectContext
{
    internal SubjectContext(long index, SimulationRandom random)
    {
        Index = index;
        Random = random;
    }

    /// <summary>The subject's index (0-based).</summary>
    public long Index { get; }

    /// <summary>Random values from the subject's stream.</summary>
    public SimulationRandom Random { get; }
}

/// <summary>What a transition's action sees. One instance is reused for every firing: do not keep it.</summary>
public sealed class TransitionContext : IExpressionContext
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    internal TransitionContext()
    {
    }

    /// <summary>The subject (its attributes can be changed).</summary>
    public SimulationSubject Subject { get; private set; } = null!;

    /// <summary>The transition firing.</summary>
    public SimulationTransition Transition { get; private set; } = null!;

    /// <summary>When it fires (the tick's time).</summary>
    public DateTime At { get; private set; }

    /// <summary>Random values from the subject's stream.</summary>
    public SimulationRandom Random => Subject.Random;

    /// <summary>Values the event carries besides the subject's attributes (cleared for every firing).</summary>
    public IDictionary<string, object?> Values => _values;

    /// <summary>The subject's attribute <paramref name="name"/>.</summary>
    public object? this[string name]
    {
        get => Subject.Attribute(name);
        set => Subject.Attributes[name] = value;
    }

    internal void Reset(SimulationSubject subject, SimulationTransition transition, DateTime at)
    {
        Subject = subject;
        Transition = transition;
        At = at;
        _values.Clear();
    }

    object? IExpressionContext.ValueOf(string name) => ValueOf(name);

    internal object? ValueOf(string name) =>
        _values.TryGetValue(name, out var value) ? value : Subject.Attribute(name);
}

/// <summary>A simulated subject: its identity, current state and attributes.</summary>
public sealed class SimulationSubject
{
    internal SimulationSubject(long index, object id, Dictionary<string, object?> attributes, int state, ulong key)
    {
        Index = index;
        Id = id;
        Attributes = attributes;
        StateIndex = state;
        Random = new SimulationRandom(StableHash.Combine(key, "action"));
        Schedule = new DeterministicRandom(StableHash.Combine(key, "schedule"));
    }

    /// <summary>The subject's index (0-based).</summary>
    public long Index { get; }

    /// <summary>The subject's id (its model key, or the index).</summary>
    public object Id { get; }

    /// <summary>Its attributes, as changed by actions so far.</summary>
    public IDictionary<string, object?> Attributes { get; }

    /// <summary>The attribute <paramref name="name"/>, or null.</summary>
    public object? Attribute(string name) => Attributes.TryGetValue(name, out var value) ? value : null;

    /// <summary>Its current state.</summary>
    public string State => States[StateIndex];

    internal string[] States { get; set; } = [];

    internal int StateIndex { get; set; }

    internal SimulationRandom Random { get; }

    internal DeterministicRandom Schedule;
}

/// <summary>One fired transition.</summary>
/// <param name="At">When (the tick's time).</param>
/// <param name="Subject">The subject's id.</param>
/// <param name="Trigger">The trigger.</param>
/// <param name="From">The state left.</param>
/// <param name="To">The state entered.</param>
/// <param name="Values">The emitted attributes and event values, by name.</param>
public sealed record SimulationEvent(DateTime At, object Subject, string Trigger, string From, string To, IReadOnlyDictionary<string, object?> Values);
