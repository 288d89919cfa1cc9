using System.Threading.Channels;
using DataGen.Generators;
using DataGen.Outputs;
using DataGen.Randomness;

namespace DataGen.Simulations;

// The run time: subjects, parallel ranges of subjects merged by (tick, subject), event streams.
public sealed partial class Simulation
{
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

        var start = DateTime.SpecifyKind(options.Start ?? Start, DateTimeKind.Utc);
        if (!EndsInRange(start, length, ticks))
        {
            throw new SimulationException($"{ticks} ticks of {length} from {start:O} end past the year 9999 (dates end there)");
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
        Func<object?[], object?[]>? shape = null;
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
                (descriptor, shape) = info.Shape(Describe(info, batch, subjects));
                writer = await output.OpenModelAsync(descriptor, cancellationToken).ConfigureAwait(false);
            }

            if (batch.Count > 0)
            {
                await writer.WriteAsync(new RowBatch(descriptor!, written, shape is null ? batch.ToArray() : [.. batch.Select(shape)]), cancellationToken).ConfigureAwait(false);
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

        return new ModelDescriptor(stream.Name, null, fields, 0) { Store = stream.Store, Target = stream.Target ?? stream.Name, OrderKey = "subject", TimeField = "at" };
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
