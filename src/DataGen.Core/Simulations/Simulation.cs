using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using DataGen.Generators;
using DataGen.Manifests;
using DataGen.Outputs;
using DataGen.Randomness;

namespace DataGen.Simulations;

/// <summary>Overrides for one run of a simulation.</summary>
public sealed record SimulationOptions
{
    /// <summary>How many subjects (default: the definition's, or the subject model's count).</summary>
    public long? Subjects { get; init; }

    /// <summary>How many ticks.</summary>
    public long? Ticks { get; init; }

    /// <summary>How long a tick is.</summary>
    public TimeSpan? TickLength { get; init; }

    /// <summary>When tick 0 happens.</summary>
    public DateTime? Start { get; init; }

    /// <summary>The seed (default: the definition's, the manifest's, then 1).</summary>
    public ulong? Seed { get; init; }

    /// <summary>Events per batch handed to the output (default 4096). Output is identical for any value.</summary>
    public int BatchSize { get; init; } = 4096;

    /// <summary>
    /// Threads simulating disjoint ranges of subjects (default: the processor count); their events are merged in
    /// (time, subject) order, so the output is identical for any value. Actions run concurrently for different
    /// subjects: they must only touch the subject and the context they are given.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Evaluates every subject at every tick (the reference the fast engine is tested against).</summary>
    internal bool TickByTick { get; init; }
}

/// <summary>What a run produced.</summary>
/// <param name="Seed">The seed used.</param>
/// <param name="SubjectTicks">Subjects × ticks the run covered.</param>
/// <param name="Events">Events emitted (over all streams, each event counted once).</param>
/// <param name="EventsByTrigger">Events by trigger.</param>
/// <param name="Subjects">Every subject's final state and attributes.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record SimulationResult(ulong Seed, long SubjectTicks, long Events, IReadOnlyDictionary<string, long> EventsByTrigger, IReadOnlyList<SimulationSubject> Subjects, TimeSpan Elapsed);

/// <summary>
/// A probabilistic state machine over many subjects. Every tick, a subject in state s fires transition i with
/// probability pᵢ (the rest up to 100 % is staying). The engine draws, per subject, the geometric number of
/// ticks until something happens and keeps subjects in a priority queue, so a run costs time in proportion to
/// the events, not to subjects × ticks, while the events have exactly the distribution of the tick-by-tick
/// process. Events come out in (time, subject) order; everything is deterministic by seed.
/// </summary>
public sealed class Simulation
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

    /// <summary>The state machine as a Mermaid state diagram (probabilities in % per tick).</summary>
    public string ToMermaid()
    {
        var text = new StringBuilder();
        text.Append("stateDiagram-v2\n");
        text.Append("    [*] --> ").Append(Initial).Append('\n');
        foreach (var t in Transitions)
        {
            text.Append("    ").Append(t.From).Append(" --> ").Append(t.To).Append(" : ").Append(t.Trigger)
                .Append(" (").Append(t.Percent.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)).Append("%")
                .Append(t.Hourly is null ? string.Empty : ", hourly").Append(t.Action is null ? string.Empty : ", action").Append(")\n");
        }

        return text.ToString();
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

    internal List<SimulationProblem> Validate()
    {
        var problems = new List<SimulationProblem>();
        var states = new HashSet<string>(StringComparer.Ordinal);
        if (States.Count == 0)
        {
            problems.Add(new("a simulation needs at least one state", Part: "states"));
        }

        foreach (var s in States)
        {
            if (string.IsNullOrWhiteSpace(s))
            {
                problems.Add(new("a state name must not be empty", State: s));
            }
            else if (!states.Add(s))
            {
                problems.Add(new($"state '{s}' is declared twice", State: s));
            }
        }

        if (States.Count > 0 && !states.Contains(Initial))
        {
            problems.Add(new($"the initial state '{Initial}' is not a state{Suggest.Hint(Initial, states)}", Part: "initial"));
        }

        if (SubjectSource is null)
        {
            problems.Add(new("the simulation has no subjects (give a count and factory, or a manifest model)", Part: "subjects"));
        }
        else if (SubjectSource is SubjectSource.Factory { Count: < 0 })
        {
            problems.Add(new("the number of subjects must not be negative", Part: "subjects"));
        }

        if (Ticks <= 0)
        {
            problems.Add(new($"ticks must be positive, found {Ticks}", Part: "ticks"));
        }

        if (TickLength <= TimeSpan.Zero)
        {
            problems.Add(new($"the tick length must be positive, found {TickLength}", Part: "tick"));
        }

        var streams = Streams.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        if (streams.Count != Streams.Count)
        {
            problems.Add(new("stream names must be unique", Part: "streams"));
        }

        var emit = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in Emit)
        {
            if (!emit.Add(e) || e is "at" or "subject" or "trigger" or "from" or "to")
            {
                problems.Add(new($"emitted value '{e}' is repeated or clashes with a built-in event column (at, subject, trigger, from, to)", Part: "emit"));
            }
        }

        var triggers = new HashSet<(string From, string Trigger)>();
        for (var i = 0; i < Transitions.Count; i++)
        {
            var t = Transitions[i];
            var name = $"transition '{t.Trigger}' ({t.From} → {t.To})";
            if (string.IsNullOrWhiteSpace(t.Trigger))
            {
                problems.Add(new("a transition needs a trigger name", Transition: i, Part: "trigger"));
            }

            if (!states.Contains(t.From))
            {
                problems.Add(new($"{name}: unknown state '{t.From}'{Suggest.Hint(t.From, states)}", Transition: i, Part: "from"));
            }

            if (!states.Contains(t.To))
            {
                problems.Add(new($"{name}: unknown state '{t.To}'{Suggest.Hint(t.To, states)}", Transition: i, Part: "to"));
            }

            if (!double.IsFinite(t.Percent) || t.Percent < 0 || t.Percent > 100)
            {
                problems.Add(new($"{name}: probability must be between 0 and 100 (% per tick), found {t.Percent}", Transition: i, Part: "probability"));
            }

            if (t.Hourly is { } hourly && (hourly.Count != 24 || hourly.Any(h => !double.IsFinite(h) || h < 0)))
            {
                problems.Add(new($"{name}: an hourly profile needs 24 factors ≥ 0 (one per UTC hour), found {hourly.Count}", Transition: i, Part: "hourly"));
            }

            if (!triggers.Add((t.From, t.Trigger)))
            {
                problems.Add(new($"{name}: trigger '{t.Trigger}' is defined twice from state '{t.From}'", Transition: i, Part: "trigger"));
            }

            foreach (var o in t.Outputs ?? [])
            {
                if (!streams.Contains(o))
                {
                    problems.Add(new($"{name}: unknown output stream '{o}'{Suggest.Hint(o, streams)}; streams: {string.Join(", ", streams)}", Transition: i, Part: "outputs"));
                }
            }
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        foreach (var s in States)
        {
            for (var hour = 0; hour < 24; hour++)
            {
                var sum = Transitions.Where(t => t.From == s).Sum(t => t.Probability(hour)) * 100;
                if (sum > 100 + 1e-9)
                {
                    var at = Transitions.Any(t => t.Hourly is not null) ? $" at hour {hour}" : string.Empty;
                    problems.Add(new($"the probabilities leaving state '{s}' sum to {sum:0.####}% per tick{at}; they must not exceed 100% (the rest is staying)", State: s));
                    break;
                }
            }
        }

        var reachable = new HashSet<string>(StringComparer.Ordinal) { Initial };
        var frontier = new Queue<string>([Initial]);
        while (frontier.TryDequeue(out var s))
        {
            foreach (var t in Transitions.Where(t => t.From == s && t.Percent > 0 && reachable.Add(t.To)))
            {
                frontier.Enqueue(t.To);
            }
        }

        foreach (var s in States.Where(s => !reachable.Contains(s)))
        {
            problems.Add(new($"state '{s}' is unreachable from the initial state '{Initial}'", State: s));
        }

        foreach (var s in States.Where(s => !Transitions.Any(t => t.From == s && t.To != s && t.Percent > 0)))
        {
            problems.Add(new($"state '{s}' has no way out: subjects that enter it stay there", IsWarning: true, State: s));
        }

        return problems;
    }


    private RunSettings Resolve(SimulationOptions options)
    {
        var rowsSeed = (SubjectSource as SubjectSource.FromModel)?.Rows?.Seed;
        var seed = options.Seed ?? Seed ?? rowsSeed ?? Seeding.Default;
        var subjects = options.Subjects ?? (SubjectSource as SubjectSource.Factory)?.Count;
        var ticks = options.Ticks ?? Ticks;
        var length = options.TickLength ?? TickLength;
        if (ticks <= 0 || length <= TimeSpan.Zero || subjects < 0 || options.BatchSize <= 0 || options.MaxDegreeOfParallelism <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ticks, tick length, batch size and parallelism must be positive and subjects not negative");
        }

        return new RunSettings(seed, subjects ?? -1, ticks, length, DateTime.SpecifyKind(options.Start ?? Start, DateTimeKind.Utc), StableHash.Combine(StableHash.Mix(seed ^ 0x51D3A7105UL), Name));
    }

    /// <summary>For manifest subjects: generates the manifest (its models go to <paramref name="output"/>) and returns the subject model's rows.</summary>
    private async Task<SubjectRows?> CreateSubjectRowsAsync(RunSettings run, IDataOutput output, CancellationToken cancellationToken)
    {
        if (SubjectSource is not SubjectSource.FromModel source)
        {
            return null;
        }

        var rows = source.Rows ?? throw new InvalidOperationException($"the simulation's subjects are rows of '{source.Model}', but no rows were bound to it");
        var subjects = await rows.GenerateAsync(source.Model, run.Seed, run.Subjects >= 0 ? run.Subjects : null, output, cancellationToken).ConfigureAwait(false);
        run.Subjects = subjects.Values.Count;
        return subjects;
    }

    private SimulationSubject[] CreateSubjects(RunSettings run, SubjectRows? rows)
    {
        var initial = Math.Max(0, States.ToList().IndexOf(Initial));
        var states = States.ToArray();
        var subjects = new SimulationSubject[run.Subjects];
        for (var i = 0; i < subjects.Length; i++)
        {
            var key = StableHash.Combine(run.Key, unchecked((ulong)i));
            Dictionary<string, object?> attributes;
            object id = (long)i;
            if (rows is not null)
            {
                var row = rows.Values[i];
                attributes = new Dictionary<string, object?>(row.Length, StringComparer.Ordinal);
                for (var f = 0; f < row.Length; f++)
                {
                    attributes[rows.Model.Fields[f].Name] = row[f];
                }

                if (rows.Model.Key is { } k && attributes[k] is { } keyValue)
                {
                    id = keyValue;
                }
            }
            else
            {
                var factory = (SubjectSource.Factory)SubjectSource!;
                attributes = new Dictionary<string, object?>(factory.Create(new SubjectContext(i, new SimulationRandom(StableHash.Combine(key, "factory")))), StringComparer.Ordinal);
                if (attributes.TryGetValue("id", out var given) && given is not null)
                {
                    id = given;
                }
            }

            subjects[i] = new SimulationSubject(i, id, attributes, initial, key) { States = states };
        }

        return subjects;
    }

    private async Task<long> WriteStreamAsync(RunSettings run, SimulationSubject[] subjects, int stream, IDataOutput output, SimulationOptions options, IDictionary<string, long>? byTrigger, CancellationToken cancellationToken)
    {
        var info = Streams[stream];
        var inStream = Transitions.Select(t => t.Outputs is null ? stream == 0 : t.Outputs.Contains(info.Name, StringComparer.Ordinal)).ToArray();
        if (subjects.Length > 0 && run.Ticks > long.MaxValue / subjects.Length)
        {
            throw new SimulationException($"{subjects.Length} subjects × {run.Ticks} ticks is too large a run");
        }

        // Disjoint ranges of subjects simulate on their own threads; their event rows come back in (tick, subject)
        // order and are merged into one ordered stream here.
        var partitions = (int)Math.Clamp(subjects.Length / 1_000, 1, options.MaxDegreeOfParallelism);
        var counts = new long[partitions][];
        var channels = new Channel<EventChunk>[partitions];
        var producers = new Task[partitions];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        for (var p = 0; p < partitions; p++)
        {
            var from = (int)((long)subjects.Length * p / partitions);
            var to = (int)((long)subjects.Length * (p + 1) / partitions);
            var channel = Channel.CreateBounded<EventChunk>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
            var partitionCounts = counts[p] = new long[Transitions.Count];
            channels[p] = channel;
            producers[p] = Task.Run(() => ProduceAsync(run, new ArraySegment<SimulationSubject>(subjects, from, to - from), inStream, partitionCounts, options.TickByTick, channel.Writer, stop.Token), stop.Token);
        }

        var batch = new List<object?[]>(options.BatchSize);
        IModelWriter? writer = null;
        ModelDescriptor? descriptor = null;
        long written = 0;
        try
        {
            var heads = new EventChunk?[partitions];
            var positions = new int[partitions];
            for (var p = 0; p < partitions; p++)
            {
                heads[p] = await ReadChunkAsync(channels[p].Reader, stop.Token).ConfigureAwait(false);
            }

            while (true)
            {
                var best = -1;
                for (var p = 0; p < partitions; p++)
                {
                    if (heads[p] is { } chunk && (best < 0 || chunk.Keys[positions[p]] < heads[best]!.Keys[positions[best]]))
                    {
                        best = p;
                    }
                }

                if (best < 0)
                {
                    break;
                }

                var head = heads[best]!;
                batch.Add(head.Rows[positions[best]++]);
                if (positions[best] == head.Count)
                {
                    heads[best] = await ReadChunkAsync(channels[best].Reader, stop.Token).ConfigureAwait(false);
                    positions[best] = 0;
                }

                if (batch.Count == options.BatchSize)
                {
                    await FlushAsync().ConfigureAwait(false);
                }
            }

            await Task.WhenAll(producers).ConfigureAwait(false);
            await FlushAsync().ConfigureAwait(false);
            var acknowledged = await writer!.CompleteAsync(cancellationToken).ConfigureAwait(false);
            if (acknowledged != written)
            {
                throw new GenerationException($"emitted {written} events but the output acknowledged {acknowledged} (difference {written - acknowledged})", info.Name);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(producers.Select(t => t.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default))).ConfigureAwait(false);
            if (writer is not null)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (byTrigger is not null)
        {
            for (var i = 0; i < Transitions.Count; i++)
            {
                var total = counts.Sum(c => c[i]);
                byTrigger[Transitions[i].Trigger] = (byTrigger.TryGetValue(Transitions[i].Trigger, out var c) ? c : 0) + total;
            }
        }

        return written;

        async Task FlushAsync()
        {
            if (writer is null)
            {
                // The first batch decides the column kinds of emitted values (first non-null value, else the subjects' attribute).
                descriptor = Describe(info, batch, subjects);
                writer = await output.OpenModelAsync(descriptor, cancellationToken).ConfigureAwait(false);
            }

            if (batch.Count > 0)
            {
                await writer.WriteAsync(new RowBatch(descriptor!, written, batch.ToArray()), cancellationToken).ConfigureAwait(false);
                written += batch.Count;
                batch.Clear();
            }
        }
    }

    /// <summary>The next chunk of a partition, or null when it is done (its failure, if any, is rethrown here).</summary>
    private static async ValueTask<EventChunk?> ReadChunkAsync(ChannelReader<EventChunk> reader, CancellationToken cancellationToken)
    {
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.TryRead(out var chunk))
                {
                    return chunk;
                }
            }

            return null;
        }
        catch (ChannelClosedException e) when (e.InnerException is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }

    /// <summary>Simulates one range of subjects and sends its events' rows, keyed by (tick, subject), in order.</summary>
    private async Task ProduceAsync(RunSettings run, ArraySegment<SimulationSubject> subjects, bool[] inStream, long[] counts, bool tickByTick, ChannelWriter<EventChunk> channel, CancellationToken cancellationToken)
    {
        try
        {
            var context = new TransitionContext();
            var engine = new SimulationEngine(this, run);
            var chunk = new EventChunk();
            foreach (var fired in tickByTick ? engine.RunTickByTick(subjects, context) : engine.Run(subjects, context))
            {
                counts[fired.Transition]++;
                if (!inStream[fired.Transition])
                {
                    continue;
                }

                var t = Transitions[fired.Transition];
                var row = new object?[5 + Emit.Count];
                row[0] = run.At(fired.Tick);
                row[1] = context.Subject.Id;
                row[2] = t.Trigger;
                row[3] = States[fired.From];
                row[4] = t.To;
                for (var e = 0; e < Emit.Count; e++)
                {
                    row[5 + e] = ScalarValues.Normalize(context.ValueOf(Emit[e]));
                }

                chunk.Add((fired.Tick * run.Subjects) + fired.Subject, row);
                if (chunk.Count == EventChunk.Capacity)
                {
                    await channel.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                    chunk = new EventChunk();
                }
            }

            if (chunk.Count > 0)
            {
                await channel.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            channel.Complete();
        }
        catch (Exception e)
        {
            channel.Complete(e);
        }
    }

    /// <summary>Consecutive event rows of one partition with their merge keys.</summary>
    private sealed class EventChunk
    {
        public const int Capacity = 1024;

        public long[] Keys { get; } = new long[Capacity];

        public object?[][] Rows { get; } = new object?[Capacity][];

        public int Count { get; private set; }

        public void Add(long key, object?[] row)
        {
            Keys[Count] = key;
            Rows[Count++] = row;
        }
    }

    private ModelDescriptor Describe(SimulationStream stream, List<object?[]> firstRows, SimulationSubject[] subjects)
    {
        ValueKind KindOf(int column, Func<object?> fallback)
        {
            foreach (var row in firstRows)
            {
                if (row[column] is { } value)
                {
                    return ScalarValues.KindOf(value);
                }
            }

            var v = fallback();
            return v is null ? ValueKind.String : ScalarValues.KindOf(ScalarValues.Normalize(v));
        }

        var fields = new List<FieldDescriptor>
        {
            new("at", ValueKind.DateTime, false),
            new("subject", subjects.Length > 0 ? ScalarValues.KindOf(ScalarValues.Normalize(subjects[0].Id)) : ValueKind.Integer, false),
            new("trigger", ValueKind.String, false),
            new("from", ValueKind.String, false),
            new("to", ValueKind.String, false),
        };
        for (var e = 0; e < Emit.Count; e++)
        {
            var name = Emit[e];
            fields.Add(new(name, KindOf(5 + e, () => subjects.Length > 0 ? subjects[0].Attribute(name) : null), true));
        }

        return new ModelDescriptor(stream.Name, null, fields, 0) { Store = stream.Store, Target = stream.Target ?? stream.Name };
    }

    private IEnumerable<Fired> Fire(RunSettings run, SimulationSubject[] subjects, TransitionContext context, bool tickByTick)
    {
        var engine = new SimulationEngine(this, run);
        return tickByTick ? engine.RunTickByTick(new ArraySegment<SimulationSubject>(subjects), context) : engine.Run(new ArraySegment<SimulationSubject>(subjects), context);
    }


    /// <summary>Resolved settings of one run.</summary>
    internal sealed class RunSettings(ulong seed, long subjects, long ticks, TimeSpan tickLength, DateTime start, ulong key)
    {
        public ulong Seed { get; } = seed;

        public long Subjects { get; set; } = subjects;

        public long Ticks { get; } = ticks;

        public TimeSpan TickLength { get; } = tickLength;

        public DateTime Start { get; } = start;

        public ulong Key { get; } = key;

        public DateTime At(long tick) => Start + (TickLength * tick);
    }
}

/// <summary>A simulation defined in C#, by type: what <c>[Simulate(typeof(T))]</c> and <c>Simulation.FromModel</c> build.</summary>
public interface ISimulationModel
{
    /// <summary>Builds the simulation.</summary>
    Simulation Create();
}
