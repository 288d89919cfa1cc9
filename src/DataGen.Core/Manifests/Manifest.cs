using DataGen.Generation;
using DataGen.Generators;
using DataGen.Manifests;
using YamlDotNet.RepresentationModel;

namespace DataGen;

/// <summary>Overrides applied when a manifest is loaded.</summary>
public sealed record ManifestOptions
{
    /// <summary>Overrides the manifest's seed.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Overrides the manifest's scale (multiplies every root count).</summary>
    public double? Scale { get; init; }

    /// <summary>Variable values; these win over <c>DATAGEN_VAR_*</c> environment variables and manifest defaults.</summary>
    public IReadOnlyDictionary<string, string>? Variables { get; init; }

    /// <summary>Reads environment variables (default: the process environment). Tests pass their own.</summary>
    public Func<string, string?>? Environment { get; init; }

    /// <summary>How deeply mappings and sequences may nest (default 64; a manifest needs a handful of levels).</summary>
    public int MaxNesting { get; init; } = 64;

    /// <summary>How many YAML nodes a manifest may expand to once anchors and aliases are followed (default 1,000,000).</summary>
    public long MaxNodes { get; init; } = 1_000_000;

    /// <summary>
    /// How many values a run may generate at most, estimated before it starts from the models' largest counts times
    /// the values a row can hold (default 10¹²: hours of work; a runaway count or per-parent product is refused, not attempted).
    /// </summary>
    public double MaxValues { get; init; } = 1e12;

    /// <summary>
    /// The store kinds the application registered: datastore kinds and settings are checked against them when the
    /// manifest loads, each problem located. Null (default): any kind is accepted and checked when an output is opened.
    /// </summary>
    public Stores.StoreCatalog? Stores { get; init; }

    /// <summary>
    /// The schema of the database that the manifest's models without a <c>store:</c> go to — one an application made
    /// (EF Core migrations, <c>EnsureCreated</c>, SQL scripts). Every table becomes a model, a model the manifest declares
    /// for a table keeps everything it says and the columns it does not name are filled in (the rule of <c>infer: true</c>);
    /// tables and fields match by name exactly, else ignoring case and underscores (<c>order_lines</c> finds <c>OrderLines</c>).
    /// The models are then checked against it, each problem located. Null (default): no such schema.
    /// </summary>
    public Schemas.DatabaseSchema? Schema { get; init; }

    /// <summary>
    /// The application's own value generators, used by name from fields (<c>type: sku</c>) like the built-in ones; each
    /// field's parameters are checked when the manifest loads. Null (default): none.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.Experimental(Diagnostics.ExperimentalGenerators)]
    public IReadOnlyList<ValueGenerator>? Generators { get; init; }

    /// <summary>What the target tables held before a run that appends (by model): keys continue, unique values avoid, existing refs draw from them.</summary>
    internal IReadOnlyDictionary<string, Outputs.StartingRead>? Starting { get; init; }
}

/// <summary>
/// A validated manifest: models, fields, references, counts, seed, scale and variables. Loading
/// checks everything (generators, arguments, references, cycles, variables) and throws a
/// <see cref="ManifestException"/> listing every error with file, line and column.
/// </summary>
public sealed class Manifest
{
    /// <summary>The seed used when neither the caller nor the manifest gives one.</summary>
    public const ulong DefaultSeed = Randomness.Seeding.Default;

    private readonly YamlMappingNode _root;
    private readonly ManifestOptions _options;

    private Manifest(string source, YamlMappingNode root, ManifestOptions options, GenerationPlan plan, Simulations.Simulation? simulation, Events.EventScenario? events, IReadOnlyDictionary<string, Journeys.JourneyProvider> journeys)
    {
        Plan = plan;
        Events = events;
        Journeys = journeys;
        Simulation = simulation?.WithSubjectRows(new ManifestSubjectRows(this));
        Source = source;
        _root = root;
        _options = options;
        Seed = plan.Seed;
        Scale = plan.Scale;
        Locale = plan.Locale;
        ReferenceDate = plan.ReferenceDate;
        Models = plan.Models.Select(m => m.Name).ToList();
        Datastores = plan.Datastores;
    }

    /// <summary>The <c>simulation:</c> section, ready to run (its subjects are rows of one of this manifest's models); null when there is none.</summary>
    public Simulations.Simulation? Simulation { get; }

    /// <summary>The journeys of the <c>journeys:</c> section, by name (empty when there is none).</summary>
    public IReadOnlyDictionary<string, Journeys.JourneyProvider> Journeys { get; }

    /// <summary>The <c>events:</c> section (profiles, event types, flows), ready to run; null when there is none.</summary>
    public Events.EventScenario? Events { get; }

    /// <summary>The stores declared under <c>datastores:</c>, with variables substituted.</summary>
    public IReadOnlyList<Datastore> Datastores { get; }

    /// <summary>The file path or source name the manifest came from.</summary>
    public string Source { get; }

    /// <summary>The effective seed.</summary>
    public ulong Seed { get; }

    /// <summary>The effective scale.</summary>
    public double Scale { get; }

    /// <summary>The Bogus locale.</summary>
    public string Locale { get; }

    /// <summary>The fixed "now" that relative dates count from.</summary>
    public DateTime ReferenceDate { get; }

    /// <summary>Model names in generation (dependency) order.</summary>
    public IReadOnlyList<string> Models { get; }

    /// <summary>Loads and validates a manifest file (YAML or JSON).</summary>
    public static async Task<Manifest> LoadAsync(string path, ManifestOptions? options = null, CancellationToken cancellationToken = default)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException([new ManifestError(path, 0, 0, $"cannot read the manifest: {e.Message}")]);
        }

        return await ParseAsync(text, path, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Parses and validates manifest text; a datastore with <c>infer: true</c> has its live schema read (through
    /// <see cref="ManifestOptions.Stores"/>) and every table becomes a model, the manifest's own models and fields winning.
    /// </summary>
    /// <param name="text">YAML or JSON.</param>
    /// <param name="sourceName">The name errors refer to (usually the file path).</param>
    /// <param name="options">Overrides.</param>
    /// <param name="cancellationToken">Cancels reading schemas.</param>
    public static async Task<Manifest> ParseAsync(string text, string sourceName = "manifest.yaml", ManifestOptions? options = null, CancellationToken cancellationToken = default)
    {
        var errors = new ErrorSink(sourceName);
        options ??= new ManifestOptions();
        var root = ManifestReader.Parse(text, errors, options.MaxNesting, options.MaxNodes);
        errors.ThrowIfAny();
        await Schemas.SchemaInference.ApplyAsync(root!, sourceName, options, cancellationToken).ConfigureAwait(false);
        return FromDocument(root!, sourceName, options);
    }

    /// <summary>Parses and validates manifest text.</summary>
    /// <param name="text">YAML or JSON.</param>
    /// <param name="sourceName">The name errors refer to (usually the file path).</param>
    /// <param name="options">Overrides.</param>
    public static Manifest Parse(string text, string sourceName = "manifest.yaml", ManifestOptions? options = null)
    {
        var errors = new ErrorSink(sourceName);
        options ??= new ManifestOptions();
        var root = ManifestReader.Parse(text, errors, options.MaxNesting, options.MaxNodes);
        errors.ThrowIfAny();
        if (Schemas.SchemaInference.InferringStores(root!) is [var first, ..])
        {
            errors.Add(root, $"datastore '{first}' says infer: true, which reads its live schema when the manifest loads: use Manifest.LoadAsync or Manifest.ParseAsync");
            errors.ThrowIfAny();
        }

        return FromDocument(root!, sourceName, options);
    }

    /// <summary>Validates a manifest document (parsed YAML or built by <see cref="ManifestBuilder"/>).</summary>
    internal static Manifest FromDocument(YamlMappingNode root, string sourceName, ManifestOptions? options)
    {
        options ??= new ManifestOptions();
        var errors = new ErrorSink(sourceName);
        var (plan, simulation, events, journeys) = Compile(sourceName, root, options, errors);
        errors.ThrowIfAny();
        if (options.Schema is not null)
        {
            Schemas.SchemaCheck.Check(plan, null, "the application's schema", options.Schema, errors);
            errors.ThrowIfAny();
        }

        return new Manifest(sourceName, root, options, plan, simulation, events, journeys);
    }

    /// <summary>
    /// Checks the manifest against the live schema of each of its datastores that can describe one (the SQL stores):
    /// every table exists (or the model's mode says <c>create</c> explicitly), every field is a writable column, no NOT
    /// NULL column without a default is left unfilled, and values fit the column's type, length, enum and checks. Every
    /// problem is reported at once, located in the manifest. When those checks pass, a trial load sends a few rows of every
    /// model into each of those datastores inside a transaction it rolls back, so what only the database can judge (a
    /// value's format, a check, a partition, a key, a trigger) is reported too, at the model that failed. A datastore where
    /// that trial could not be undone (<see cref="Stores.StoreProvider.GuardTrialLoadAsync"/>: on MySQL, a table missing or
    /// not InnoDB) gets none; the notes returned say so, naming what kept it from being made.
    /// </summary>
    /// <param name="stores">The registered store kinds (to find each datastore's provider).</param>
    /// <param name="cancellationToken">Cancels the schema queries.</param>
    /// <returns>One note per datastore into which no trial load was made, saying why (empty when every one was tried).</returns>
    /// <exception cref="ManifestException">The manifest does not fit the schema.</exception>
    /// <exception cref="GenerationException">A datastore could not be reached or described, or what a trial changed could not be put back.</exception>
    public async Task<IReadOnlyList<string>> ValidateAgainstAsync(Stores.StoreCatalog stores, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stores);
        var errors = new ErrorSink(Source);
        var described = new List<(Datastore, Stores.StoreProvider)>();
        foreach (var store in Datastores.Where(d => Plan.Models.Any(m => m.Source.Store == d.Name)))
        {
            if (stores.Find(store.Kind) is { CanReadSchema: true } provider)
            {
                var schema = await provider.ReadSchemaAsync(store, null, cancellationToken).ConfigureAwait(false);
                Schemas.SchemaCheck.Check(Plan, store.Name, $"{store.Kind} '{store.Name}'", schema, errors);
                described.Add((store, provider));
            }
        }

        errors.ThrowIfAny();
        var notes = await Schemas.TrialLoad.RunAsync(this, Plan, stores, described, errors, cancellationToken).ConfigureAwait(false);
        errors.ThrowIfAny();
        return notes;
    }

    /// <summary>The same manifest with another seed (the caller's other overrides kept); this instance when the seed is unchanged.</summary>
    public Manifest WithSeed(ulong seed) => seed == Seed ? this : FromDocument(_root, Source, _options with { Seed = seed });

    /// <summary>The same manifest compiled against what its tables already hold (an append run's starting data).</summary>
    internal Manifest WithStartingData(IReadOnlyDictionary<string, Outputs.StartingRead> starting) => FromDocument(_root, Source, _options with { Starting = starting });

    /// <summary>
    /// The compiled plan, made once when the manifest loads and shared by every run (it holds no per-run state).
    /// The YAML tree is kept only for <see cref="WithSeed"/>: the seed is part of every compiled stream key.
    /// </summary>
    internal GenerationPlan Plan { get; }

    /// <summary>Reports the model at which the run's estimated values (largest counts × values a row) cross the limit.</summary>
    private static void CheckWork(GenerationPlan plan, double limit, ErrorSink errors)
    {
        var rows = new Dictionary<string, double>(StringComparer.Ordinal);
        double total = 0;
        foreach (var model in plan.Models)
        {
            var source = model.Source;
            var scale = source.Scales ? plan.Scale : 1;
            var count = source.Count switch
            {
                CountSpec.Fixed f => (f.Count * scale) + model.Tracers.Count,
                CountSpec.Range r => (r.Max * scale) + model.Tracers.Count,
                CountSpec.PerParent p => rows.GetValueOrDefault(p.Parent) * p.Max,
                _ => 0,
            };
            rows[model.Name] = count;
            var values = count * model.Root.MaxValues;
            total += values;
            if (total > limit)
            {
                errors.Add(
                    source.Count.Node,
                    $"the run could generate up to {total:G3} values (this model up to {count:G3} rows of up to {model.Root.MaxValues:G3} values each), more than the limit of {limit:G3} (ManifestOptions.MaxValues, datagen --max-values): lower the counts or the scale, or raise the limit",
                    model.Name);
                return;
            }
        }
    }

    private static (GenerationPlan Plan, Simulations.Simulation? Simulation, Events.EventScenario? Events, IReadOnlyDictionary<string, Journeys.JourneyProvider> Journeys) Compile(string source, YamlMappingNode root, ManifestOptions options, ErrorSink errors)
    {
        var variables = new Variables(options.Variables, options.Environment ?? System.Environment.GetEnvironmentVariable);
        var reader = new ManifestReader(errors, variables, options.Stores);
        reader.Read(root);
        var seed = options.Seed ?? reader.Seed ?? DefaultSeed;
        var scale = options.Scale ?? reader.Scale;
#pragma warning disable DGEN001 // the seam's own implementation
        var compiler = new ManifestCompiler(errors, variables, reader.Models, seed, reader.Locale, reader.ReferenceDate) { Custom = CustomGenerators.From(options.Generators), Starting = options.Starting };
#pragma warning restore DGEN001
        var models = compiler.Compile();
        var simulation = reader.SimulationNode is { } node && !errors.HasErrors
            ? new Simulations.SimulationReader(errors, reader, models, reader.ReferenceDate).Read(node)
            : null;
        var events = reader.EventsNode is { } eventsNode && !errors.HasErrors
            ? new Events.EventsReader(errors, reader, seed, reader.Locale, reader.ReferenceDate).Read(eventsNode)
            : null;
        var journeys = reader.JourneysNode is { } journeysNode
            ? new Journeys.JourneyReader(errors, reader).Read(journeysNode)
            : new Dictionary<string, Journeys.JourneyProvider>();
        var plan = new GenerationPlan(source, seed, scale, reader.Locale, reader.ReferenceDate, models, reader.Datastores);
        if (!errors.HasErrors)
        {
            CheckWork(plan, options.MaxValues, errors);
        }

        return (plan, simulation, events, journeys);
    }
}
