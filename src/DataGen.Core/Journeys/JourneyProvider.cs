using System.Globalization;
using System.Text.Json.Nodes;
using DataGen.Documents;
using DataGen.Generation;
using DataGen.Generators;
using DataGen.Outputs;
using DataGen.Randomness;

namespace DataGen.Journeys;

/// <summary>
/// Describes a journey: what one simulated user does, step by step. Journey <c>i</c> depends only on
/// (seed, provider name, i). Register one with <see cref="JourneyCatalog.Register"/> to find it by name (the CLI,
/// <c>[Journey("name")]</c>), or name its type directly (<c>[Journey(typeof(MyJourney))]</c>).
/// </summary>
public abstract class JourneyProvider
{
    /// <summary>The name the journey is found by (e.g. starfleet).</summary>
    public abstract string Name { get; }

    /// <summary>Generates journey <paramref name="index"/> starting at <paramref name="start"/>.</summary>
    public Journey Create(ulong seed, long index, DateTime start)
    {
        var key = StableHash.Combine(StableHash.Combine(StableHash.Of("journey:" + Name), seed), unchecked((ulong)index));
        var context = new JourneyContext(Name, seed, index, key, DateTime.SpecifyKind(start, DateTimeKind.Utc));
        try
        {
            Build(context);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A located failure of one journey names the journey and its index (the step, where known, is in the message).
            throw new GenerationException($"journey '{Name}' {index} (seed {seed}): {e.Message}", e);
        }

        return new Journey(Name, index, seed, context.Start, context.UserId, context.Steps);
    }

    /// <summary>Adds the steps of one journey.</summary>
    protected abstract void Build(JourneyContext journey);
}

/// <summary>What a <see cref="JourneyProvider"/> builds a journey with: seeded randomness, documents and steps.</summary>
public sealed class JourneyContext
{
    private readonly List<JourneyStep> _steps = [];
    private readonly string _provider;
    private readonly ulong _seed;
    private readonly long _index;
    private readonly ulong _key;
    private readonly GenerationWorker _worker = GenerationWorker.ForCurrentThread;
    private DeterministicRandom _random;
    private int _documents;

    internal JourneyContext(string provider, ulong seed, long index, ulong key, DateTime start)
    {
        _provider = provider;
        _seed = seed;
        _index = index;
        _key = key;
        _random = new DeterministicRandom(key);
        Start = start;
        UserId = BasicGenerators.NextUuid(ref _random).ToString("D");
    }

    /// <summary>When the journey starts.</summary>
    public DateTime Start { get; }

    /// <summary>The user id correlating the journey's documents.</summary>
    public string UserId { get; }

    /// <summary>The steps so far.</summary>
    public IReadOnlyList<JourneyStep> Steps => _steps;

    /// <summary>The index of the step that happens last so far (for a final step "after the latest").</summary>
    public int AfterLatest => _steps.Count == 0 ? -1 : _steps.Select((s, i) => (s.At, i)).Max().i;

    /// <summary>A Bogus faker for this journey, reseeded on every call so values depend only on the journey and the call order.</summary>
    public Bogus.Faker Faker() => Session().Faker;

    /// <summary>A Bogus session for one step's values, reseeded like <see cref="Faker"/>.</summary>
    internal BogusSession Session()
    {
        var session = _worker.Bogus("en");
        session.Source.Reset(new DeterministicRandom(_random.NextUInt64()));
        return session;
    }

    /// <summary>A new document of a registered type (as a mutable JSON object), deterministic for this journey.</summary>
    public JsonObject NewDocument(string documentType)
    {
        var type = DocumentCatalog.Find(documentType) ?? throw new ArgumentException($"unknown document type '{documentType}'", nameof(documentType));
        var document = type.Generate(StableHash.Combine(_key, (ulong)_documents++), _index);
        return (JsonObject)JsonNode.Parse(ValueText.ToJson(document))!;
    }

    /// <summary>
    /// Adds a step whose delay is drawn uniformly from [<paramref name="minDelay"/>, <paramref name="maxDelay"/>] after step
    /// <paramref name="after"/> (default: the previous step; the journey start for the first). <paramref name="document"/>
    /// receives the step's time and returns the document as it is at that step (it is snapshotted).
    /// </summary>
    public JourneyStep Step(string documentType, TimeSpan minDelay, TimeSpan maxDelay, Func<DateTime, JsonObject> document, int? after = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (minDelay < TimeSpan.Zero || maxDelay < minDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDelay), $"delay range [{minDelay}, {maxDelay}] is invalid");
        }

        var from = after ?? _steps.Count - 1;
        if (from < -1 || from >= _steps.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(after), $"step {from} does not exist yet");
        }

        var delay = TimeSpan.FromSeconds(_random.NextInclusive((long)minDelay.TotalSeconds, (long)maxDelay.TotalSeconds));
        var at = (from < 0 ? Start : _steps[from].At) + delay;
        // The step keeps its own snapshot (serialized): the document may change in later steps.
        var current = document(at);
        var id = current["id"]?.ToString() ?? _steps.Count.ToString(CultureInfo.InvariantCulture);
        var step = new JourneyStep(_steps.Count, documentType, id, $"{_steps.Count:D2}-{documentType}-{id}.json", delay, from, at, current);
        _steps.Add(step);
        return step;
    }
}
