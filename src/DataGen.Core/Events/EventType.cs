using DataGen.Generators;
using DataGen.Randomness;
using DataGen.Simulations;

namespace DataGen.Events;

/// <summary>What an event field sees: the profile, its persistent state, the event's earlier fields, Bogus and randomness.</summary>
public sealed class EventContext : IExpressionContext
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);
    private BogusSession? _bogus;

    internal EventContext(string locale) => Locale = locale;

    /// <summary>The profile the event is about.</summary>
    public Profile Profile { get; private set; } = null!;

    /// <summary>The profile's state: persists between the profile's events (counters, a session id, a cart).</summary>
    public IDictionary<string, object?> State { get; private set; } = null!;

    /// <summary>The event's fields computed so far.</summary>
    public IReadOnlyDictionary<string, object?> Values => _values;

    /// <summary>When the event happens.</summary>
    public DateTime At { get; private set; }

    /// <summary>The time zone of the event (the flow's, else the profile's), or null when the run has none (UTC only).</summary>
    public TimeZoneInfo? TimeZone { get; private set; }

    /// <summary>When the event happens in <see cref="TimeZone"/> (wall-clock time; <see cref="At"/> when there is none).</summary>
    public DateTime LocalAt => TimeZone is { } zone ? TimeZoneInfo.ConvertTimeFromUtc(At, zone) : At;

    /// <summary>The flow the profile follows.</summary>
    public string Flow { get; private set; } = string.Empty;

    /// <summary>How many events of this type the profile had before this one.</summary>
    public long Occurrence { get; private set; }

    /// <summary>Bogus, seeded for this (profile, event, field).</summary>
    public Bogus.Faker Faker => _bogus!.Faker;

    internal BogusSession Bogus => _bogus!;

    /// <summary>Random values seeded for this (profile, event, field).</summary>
    public SimulationRandom Random { get; private set; } = null!;

    internal string Locale { get; }

    object? IExpressionContext.ValueOf(string name) =>
        _values.TryGetValue(name, out var v) ? v : State.TryGetValue(name, out var s) ? s : Profile[name];

    internal void Reset(Profile profile, IDictionary<string, object?> state, string flow, DateTime at, long occurrence, TimeZoneInfo? zone = null)
    {
        TimeZone = zone;
        Profile = profile;
        State = state;
        Flow = flow;
        At = at;
        Occurrence = occurrence;
        _values.Clear();
    }

    internal void Seed(ulong key)
    {
        _bogus ??= new BogusSession(Locale);
        var random = new DeterministicRandom(key);
        _bogus.Source.Reset(random);
        Random = new SimulationRandom(StableHash.Combine(key, "random"));
    }

    internal void Set(string name, object? value) => _values[name] = value;
}

/// <summary>Adds an event type's fields, in order (later fields may read earlier ones through <see cref="EventContext.Values"/>).</summary>
public sealed class EventFieldsBuilder
{
    internal List<(string Name, Func<EventContext, object?> Value)> Fields { get; } = [];

    /// <summary>A field computed from the context.</summary>
    public EventFieldsBuilder Field(string name, Func<EventContext, object?> value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        if (Fields.Any(f => f.Name == name))
        {
            throw new ArgumentException($"field '{name}' is added twice", nameof(name));
        }

        Fields.Add((name, value));
        return this;
    }
}

/// <summary>A kind of event (login, purchase…): a name and fields computed from the profile, its state and the event.</summary>
public sealed class EventType
{
    private EventType(string name, IReadOnlyList<(string Name, Func<EventContext, object?> Value)> fields)
    {
        Name = name;
        Fields = fields;
    }

    /// <summary>The event's name.</summary>
    public string Name { get; }

    internal IReadOnlyList<(string Name, Func<EventContext, object?> Value)> Fields { get; }

    /// <summary>Describes an event type.</summary>
    public static EventType Create(string name, Action<EventFieldsBuilder> fields)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(fields);
        var builder = new EventFieldsBuilder();
        fields(builder);
        return new EventType(name, builder.Fields);
    }

    /// <summary>Computes the event's fields into a new ordered dictionary.</summary>
    internal Dictionary<string, object?> Build(EventContext context, ulong key)
    {
        var values = new Dictionary<string, object?>(Fields.Count, StringComparer.Ordinal);
        foreach (var (name, value) in Fields)
        {
            context.Seed(StableHash.Combine(key, name));
            object? v;
            try
            {
                v = ScalarValues.Normalize(value(context));
            }
            catch (Exception e) when (e is not OperationCanceledException and not GenerationException)
            {
                throw new GenerationException($"event '{Name}', field '{name}' failed for profile {context.Profile.Id} at {context.At:O}: {e.Message}", "events", name, context.Profile.Index, e);
            }

            values[name] = v;
            context.Set(name, v);
        }

        return values;
    }
}
