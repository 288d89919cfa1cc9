using System.Diagnostics;
using System.Runtime.CompilerServices;
using DataGen.Outputs;

namespace DataGen.Simulations;

/// <summary>
/// A probabilistic state machine over many subjects. Every tick, a subject in state s fires transition i with
/// probability pᵢ (the rest up to 100 % is staying). The engine draws, per subject, the geometric number of
/// ticks until something happens and keeps subjects in a priority queue, so a run costs time in proportion to
/// the events, not to subjects × ticks, while the events have exactly the distribution of the tick-by-tick
/// process. Events come out in (time, subject) order; everything is deterministic by seed.
/// </summary>
public sealed partial class Simulation
{
    internal Simulation(
        string name,
        IReadOnlyList<string> states,
        string initial,
        IReadOnlyList<SimulationTransition> transitions,
        IReadOnlyList<string> emit,
        IReadOnlyList<SimulationStream> streams,
        SubjectSource? subjects,
        long ticks,
        TimeSpan tickLength,
        DateTime start,
        ulong? seed)
    {
        Name = name;
        States = states;
        Initial = initial;
        Transitions = transitions;
        Emit = emit;
        Streams = streams;
        SubjectSource = subjects;
        Ticks = ticks;
        TickLength = tickLength;
        Start = start;
        Seed = seed;
    }

    /// <summary>The simulation's name.</summary>
    public string Name { get; }

    /// <summary>The states.</summary>
    public IReadOnlyList<string> States { get; }

    /// <summary>The state subjects start in.</summary>
    public string Initial { get; }

    /// <summary>The transitions.</summary>
    public IReadOnlyList<SimulationTransition> Transitions { get; }

    /// <summary>The attributes and values every event carries.</summary>
    public IReadOnlyList<string> Emit { get; }

    /// <summary>The event streams.</summary>
    public IReadOnlyList<SimulationStream> Streams { get; }

    /// <summary>Default number of ticks.</summary>
    public long Ticks { get; }

    /// <summary>Default tick length.</summary>
    public TimeSpan TickLength { get; }

    /// <summary>Default start.</summary>
    public DateTime Start { get; }

    /// <summary>The definition's seed, if any.</summary>
    public ulong? Seed { get; }

    /// <summary>Warnings found when building (states with no way out).</summary>
    public IReadOnlyList<string> Warnings { get; internal set; } = [];

    internal SubjectSource? SubjectSource { get; }

    /// <summary>This simulation with its model's rows coming from <paramref name="rows"/> (a manifest, bound once it is built).</summary>
    internal Simulation WithSubjectRows(ISubjectRows rows) =>
        SubjectSource is SubjectSource.FromModel fromModel
            ? new(Name, States, Initial, Transitions, Emit, Streams, fromModel with { Rows = rows }, Ticks, TickLength, Start, Seed) { Warnings = Warnings }
            : this;

    /// <summary>Starts a C# definition.</summary>
    public static SimulationBuilder Create(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new SimulationBuilder(name);
    }

    /// <summary>Builds the simulation from an <see cref="ISimulationModel"/> type (what <c>[Simulate(typeof(T))]</c> uses).</summary>
    public static Simulation FromModel(Type modelType)
    {
        ArgumentNullException.ThrowIfNull(modelType);
        if (!typeof(ISimulationModel).IsAssignableFrom(modelType) || modelType.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new SimulationException($"{modelType.FullName} must implement {nameof(ISimulationModel)} and have a public parameterless constructor");
        }

        return ((ISimulationModel)Activator.CreateInstance(modelType)!).Create();
    }

    /// <summary>
    /// Runs the simulation into <paramref name="output"/>: when the subjects come from a manifest, its models first,
    /// then one model per event stream (at, subject, trigger, from, to, then <see cref="Emit"/>), then completes the output.
    /// </summary>
    /// <exception cref="GenerationException">An action failed or the output did not acknowledge every event.</exception>
    public async Task<SimulationResult> RunAsync(IDataOutput output, SimulationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        options ??= new SimulationOptions();
        var run = Resolve(options);
        var started = Stopwatch.StartNew();
        var template = await CreateSubjectRowsAsync(run, output, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<SimulationSubject> finalSubjects = [];
        var byTrigger = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var stream = 0; stream < Streams.Count; stream++)
        {
            var subjects = CreateSubjects(run, template);
            await WriteStreamAsync(run, subjects, stream, output, options, stream == 0 ? byTrigger : null, cancellationToken).ConfigureAwait(false);
            finalSubjects = subjects;
        }

        var events = byTrigger.Values.Sum();

        await output.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return new SimulationResult(run.Seed, checked(run.Subjects * run.Ticks), events, byTrigger, finalSubjects, started.Elapsed);
    }

    /// <summary>The events of a run, in order, without an output (subjects from a manifest are generated in memory).</summary>
    public async IAsyncEnumerable<SimulationEvent> EventsAsync(SimulationOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new SimulationOptions();
        var run = Resolve(options);
        var memory = new MemoryOutput();
        var template = await CreateSubjectRowsAsync(run, memory, cancellationToken).ConfigureAwait(false);
        var subjects = CreateSubjects(run, template);
        var context = new TransitionContext();
        foreach (var fired in Fire(run, subjects, context, options.TickByTick))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var t = Transitions[fired.Transition];
            yield return new SimulationEvent(
                run.At(fired.Tick),
                subjects[fired.Subject].Id,
                t.Trigger,
                States[fired.From],
                t.To,
                Emit.ToDictionary(e => e, context.ValueOf, StringComparer.Ordinal));
        }
    }
}
