using System.Reflection;
using DataGen.Journeys;
using DataGen.Outputs;
using DataGen.Simulations;
using Xunit;
using Xunit.v3;

namespace DataGen.Xunit;

/// <summary>
/// The base of the store fixtures. When xunit creates it for a test class it starts (or joins) the store, reads the
/// class's <see cref="DataGenAttribute"/>, loads that data and keeps it as the baseline. Before a test with its own
/// attribute it loads that test's data instead; after every test it restores the baseline, and when the test
/// failed it writes the seed and a one-line reproduction to the test's output. Without the store (no Docker, an
/// image that cannot be had) every test of the class is skipped with the reason.
/// </summary>
public abstract class DataGenFixture : IAsyncLifetime, INotifyTestLifecycleAsync
{
    private readonly SemaphoreSlim _exclusive = new(1, 1);
    private DataGenAttribute? _classData;
    private DataGenAttribute? _assemblyData;
    private bool _testHasOwnData;
    private bool _announced;

    /// <summary>The seed of the data loaded now.</summary>
    public ulong Seed { get; private set; }

    /// <summary>Where <see cref="Seed"/> came from (DATAGEN_SEED, the attribute, the manifest, the default).</summary>
    public string SeedSource { get; private set; } = "the default";

    /// <summary>Rows, documents or messages loaded, by model.</summary>
    public IReadOnlyDictionary<string, long> Counts { get; private set; } = new Dictionary<string, long>();

    /// <summary>The journeys loaded by <see cref="JourneyAttribute"/> (with their step metadata).</summary>
    public IReadOnlyList<Journey> Journeys { get; private set; } = [];

    /// <summary>The result of <see cref="SimulateAttribute"/>: events by trigger and every subject's final state.</summary>
    public SimulationResult? Simulation { get; private set; }

    /// <summary>What the loaded data is (the manifest, the journey, the simulation), or null when nothing is loaded.</summary>
    public string? Data { get; private set; }

    /// <summary>Why the store is unavailable (tests skip with it), or null.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>The store, for messages: "PostgreSQL container postgres:15.1", "embedded Kafka"…</summary>
    public abstract string Backend { get; }

    /// <summary>The store's kind (postgres, sqlserver, mongodb, kafka, sqlite): <c>DATAGEN_REQUIRE=postgres,kafka</c> makes an unavailable store fail instead of skip.</summary>
    public abstract string Store { get; }

    /// <summary>The test class this fixture serves.</summary>
    protected Type? TestClass { get; private set; }

    private static int _names;

    /// <summary>
    /// A new name for a database, file or topic prefix of this fixture's own: lower-case letters, digits and '_', made of
    /// the test class's name, the process id and a counter, so parallel classes and processes never share one.
    /// </summary>
    protected string NewStoreName()
    {
        var name = new string((TestClass?.Name ?? "tests").ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
        return $"dg_{name[..Math.Min(name.Length, 40)]}_{Environment.ProcessId}_{Interlocked.Increment(ref _names)}";
    }

    /// <summary>
    /// Reads the data attribute from the test class (a class fixture), the collection definition class (a collection
    /// fixture) or the assembly (an assembly fixture), starts the store and loads the data.
    /// </summary>
    public ValueTask InitializeAsync()
    {
        var context = TestContext.Current;
        var owner = (context.TestClass as IXunitTestClass)?.Class ?? (context.TestCollection as IXunitTestCollection)?.CollectionDefinition;
        _assemblyData = owner is null ? (context.TestAssembly as IXunitTestAssembly)?.Assembly.GetCustomAttribute<DataGenAttribute>() : null;
        return new(InitializeForAsync(owner, context.CancellationToken));
    }

    /// <summary>Restores the baseline now (what happens after every test), for benchmarks.</summary>
    internal Task RestoreNowAsync(CancellationToken cancellationToken) => RestoreBaselineAsync(cancellationToken);

    /// <summary>Starts the store and loads the data of <paramref name="testClass"/>'s attribute.</summary>
    internal async Task InitializeForAsync(Type? testClass, CancellationToken cancellationToken)
    {
        TestClass = testClass;
        _classData = TestClass?.GetCustomAttribute<DataGenAttribute>(inherit: true) ?? _assemblyData;

        // Known before the store starts, so it can start straight from a copy made ahead of the template.
        _templateKey = SupportsTemplates && _classData is SeededWithAttribute seeded ? TemplateKey(seeded) : null;
        TemplateToClone = _templateKey is not null && Templates.TryGetValue(_templateKey, out var made) && made.Task.IsCompletedSuccessfully ? made.Task.Result?.Name : null;
        Unavailable = await StartAsync(cancellationToken).ConfigureAwait(false);
        if (Unavailable is not null)
        {
            if ((Environment.GetEnvironmentVariable("DATAGEN_REQUIRE") ?? string.Empty).Split(',', StringSplitOptions.TrimEntries).Contains(Store, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"DATAGEN_REQUIRE names {Store}, but {Backend} is unavailable: {Unavailable}");
            }

            return;
        }

        if (_classData is not null)
        {
            await LoadBaselineAsync(_classData, cancellationToken).ConfigureAwait(false);
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<Template?>> Templates = new(StringComparer.Ordinal);

    /// <summary>Forgets this process's templates, as a new test run starts without them (for tests of kept templates).</summary>
    internal static void ForgetTemplates() => Templates.Clear();

    /// <summary>What a class that loaded a manifest leaves for the next class with the same data: the store's copy and what the fixture knew.</summary>
    private sealed record Template(string Name, ulong Seed, string SeedSource, string Data, IReadOnlyDictionary<string, long> Counts, IReadOnlyList<ModelDescriptor> Loaded, MemoryOutput? Rows);

    private string? _templateKey;

    /// <summary>
    /// The template this class's data will be cloned from — known when <see cref="StartAsync"/> runs, so a store can
    /// start from a copy it made ahead — or null (the class loads, or is the first with its data).
    /// </summary>
    protected string? TemplateToClone { get; private set; }

    /// <summary>True when this class's data came from a template another class loaded (not generated again).</summary>
    internal bool Cloned { get; private set; }

    /// <summary>
    /// Whether the store can keep what a class loaded as a template and give later classes a copy of it
    /// (<see cref="SaveTemplateAsync"/>, <see cref="CloneTemplateAsync"/>). Default false: every class loads.
    /// </summary>
    protected virtual bool SupportsTemplates => false;

    /// <summary>
    /// Keeps what this fixture loaded (its baseline captured) as the template <paramref name="name"/>, with
    /// <paramref name="info"/> (what the fixture knew: seed, counts, tables) stored where <see cref="FindTemplateAsync"/>
    /// reads it back; false when it cannot now.
    /// </summary>
    protected virtual Task<bool> SaveTemplateAsync(string name, string info, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>
    /// Whether templates outlive the test process: kept on a server that is reused (<c>DATAGEN_REUSE=1</c>) under a name
    /// made of the hash of their inputs, and cloned by the next run with exactly those inputs. Default false.
    /// </summary>
    protected virtual bool KeepsTemplates => false;

    /// <summary>The info a template kept from an earlier run was saved with, or null when the store has no template <paramref name="name"/>.</summary>
    protected virtual Task<string?> FindTemplateAsync(string name, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>Makes this fixture's store a copy of template <paramref name="name"/>, baseline included; false when it cannot.</summary>
    protected virtual Task<bool> CloneTemplateAsync(string name, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>
    /// Loads the class's data and captures the baseline — or, when a class with the same data (manifest content, seed,
    /// scale, variables, schema, store) loaded it already in this process, clones that class's template instead of
    /// generating and loading again.
    /// </summary>
    private async Task LoadBaselineAsync(DataGenAttribute data, CancellationToken cancellationToken)
    {
        Cloned = false;
        var key = SupportsTemplates && data is SeededWithAttribute seeded ? (ReferenceEquals(data, _classData) ? _templateKey : null) ?? TemplateKey(seeded) : null;
        if (key is null)
        {
            await LoadAsync(data, cancellationToken).ConfigureAwait(false);
            await CaptureBaselineAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var mine = new TaskCompletionSource<Template?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var entry = Templates.GetOrAdd(key, mine);
        if (entry == mine)
        {
            try
            {
                // Kept templates are named by their inputs' hash (and checked against it): a changed input is a new name.
                var keep = KeepsTemplates && !KeepsRows;
                var name = keep ? $"dg_tmpl_{key[..40]}" : $"dg_tmpl_{Environment.ProcessId}_{key[..16]}";
                if (keep && TemplateInfo.Read(await FindTemplateAsync(name, cancellationToken).ConfigureAwait(false), key, name) is { } kept)
                {
                    mine.SetResult(kept);
                    if (await CloneFromAsync(kept, data, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }
                }

                await LoadAsync(data, cancellationToken).ConfigureAwait(false);
                await CaptureBaselineAsync(cancellationToken).ConfigureAwait(false);
                var made = new Template(name, Seed, SeedSource, Data!, Counts, _loaded.ToList(), BaselineRows);
                var saved = await SaveTemplateAsync(name, TemplateInfo.Write(key, made), cancellationToken).ConfigureAwait(false);
                mine.TrySetResult(saved ? made : null);
            }
            catch
            {
                // The next class with this data loads it itself (and may make the template).
                Templates.TryRemove(new KeyValuePair<string, TaskCompletionSource<Template?>>(key, mine));
                mine.TrySetResult(null);
                throw;
            }

            return;
        }

        var template = await entry.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (template is not null && await CloneFromAsync(template, data, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await LoadAsync(data, cancellationToken).ConfigureAwait(false);
        await CaptureBaselineAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes over what the template's class knew, then has the store copy the template; false when it could not.</summary>
    private async Task<bool> CloneFromAsync(Template template, DataGenAttribute data, CancellationToken cancellationToken)
    {
        // What the template's class knew, first: the store's clone plans its restore from the loaded tables.
        _loaded.Clear();
        _loaded.AddRange(template.Loaded);
        (Seed, SeedSource, Data, Counts, BaselineRows) = (template.Seed, template.SeedSource, template.Data, template.Counts, template.Rows);
        (Journeys, Simulation) = ([], null);
        if (!await CloneTemplateAsync(template.Name, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        Cloned = true;
        _schemaApplied = data is SeededWithAttribute { Schema: not null };
        return true;
    }

    /// <summary>A template's info as a kept template stores it: its key (checked on reading), seed, data, counts and tables.</summary>
    private static class TemplateInfo
    {
        private static readonly System.Text.Json.JsonSerializerOptions Options = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

        public static string Write(string key, Template template) =>
            System.Text.Json.JsonSerializer.Serialize(new Stored(key, template.Seed, template.SeedSource, template.Data, template.Counts.ToDictionary(), template.Loaded.ToList()), Options);

        /// <summary>The template, or null when there is no info or it was made from other inputs.</summary>
        public static Template? Read(string? info, string key, string name)
        {
            if (info is null)
            {
                return null;
            }

            try
            {
                var stored = System.Text.Json.JsonSerializer.Deserialize<Stored>(info, Options);
                return stored is not null && stored.Key == key
                    ? new Template(name, stored.Seed, stored.SeedSource, stored.Data, stored.Counts, stored.Loaded, null)
                    : null;
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }

        private sealed record Stored(string Key, ulong Seed, string SeedSource, string Data, Dictionary<string, long> Counts, List<ModelDescriptor> Loaded);
    }

    /// <summary>
    /// A hash of everything that shapes a manifest's data in this store: the fixture type, the manifest's bytes, the
    /// seed (attribute and DATAGEN_SEED), scale, variables (attribute and DATAGEN_VAR_*), the application schema (type and
    /// build) and DataGen's version. Null when the manifest cannot be read (the load then reports why).
    /// </summary>
    private string? TemplateKey(SeededWithAttribute data)
    {
        string path;
        byte[] content;
        try
        {
            path = DataLoader.Locate(data.Manifest);
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var text = new System.Text.StringBuilder()
            .Append(GetType().AssemblyQualifiedName).Append('|').Append(Store).Append('|').Append(path).Append('|')
            .Append(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content))).Append('|')
            .Append(data.ExplicitSeed?.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('|')
            .Append(Environment.GetEnvironmentVariable(DataGenSeeds.Variable)).Append('|')
            .Append(data.Scale.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('|')
            .AppendJoin(',', data.Variables.Order(StringComparer.Ordinal)).Append('|')
            .AppendJoin(',', Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("DATAGEN_VAR_", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}")).Append('|')
            .Append(data.Schema?.AssemblyQualifiedName).Append(data.Schema?.Assembly.ManifestModule.ModuleVersionId).Append('|')
            .Append(typeof(DataGenFixture).Assembly.ManifestModule.ModuleVersionId);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Lazy<object>> _shared = new();

    /// <summary>
    /// One <typeparamref name="T"/> for this fixture — so for its test class, whose tests are separate instances — made
    /// on first use and disposed with the fixture, before its database goes: typically a <c>WebApplicationFactory</c>
    /// pointed at this class's database (<c>db.Shared(() =&gt; new WebApplicationFactory&lt;Program&gt;().WithWebHostBuilder(…))</c>).
    /// </summary>
    /// <param name="create">Makes the object; called once per fixture and type.</param>
    public T Shared<T>(Func<T> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        return (T)_shared.GetOrAdd(typeof(T), _ => new Lazy<object>(() => create())).Value;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var shared in _shared.Values.Where(v => v.IsValueCreated).Select(v => v.Value))
        {
            if (shared is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else if (shared is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }

        await StopAsync().ConfigureAwait(false);
        _exclusive.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public async ValueTask OnTestStartingAsync(IXunitTest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (Unavailable is not null)
        {
            Assert.Skip($"{Backend} is unavailable: {Unavailable}");
        }

        // One test at a time per fixture: a collection or assembly fixture is shared by classes that run in parallel.
        await _exclusive.WaitAsync(TestContext.Current.CancellationToken).ConfigureAwait(false);
        try
        {
            if (!_announced)
            {
                _announced = true;
                TestContext.Current.SendDiagnosticMessage($"[DataGen] {TestClass?.Name}: {Backend}");
            }

            var own = test.TestMethod.Method.GetCustomAttribute<DataGenAttribute>(inherit: true);
            _testHasOwnData = own is not null;
            if (own is not null)
            {
                await ClearForAsync(own, TestContext.Current.CancellationToken).ConfigureAwait(false);
                await LoadAsync(own, TestContext.Current.CancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            _exclusive.Release();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask OnTestFinishedAsync(IXunitTest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (Unavailable is not null)
        {
            return;
        }

        try
        {
            await FinishAsync(test).ConfigureAwait(false);
        }
        finally
        {
            _exclusive.Release();
        }
    }

    private async Task FinishAsync(IXunitTest test)
    {
        if (Data is not null)
        {
            DataGenSeeds.ReportIfFailed(test, $"{Backend}; data: {Data}", Seed, SeedSource);
        }

        var cancellationToken = CancellationToken.None;
        if (_testHasOwnData)
        {
            _testHasOwnData = false;
            await ClearForAsync(_classData, cancellationToken).ConfigureAwait(false);
            if (_classData is not null)
            {
                await LoadBaselineAsync(_classData, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Data = null;
            }
        }
        else if (_classData is not null)
        {
            await RestoreBaselineAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Loads the class's data again and makes it the baseline (for stores that cannot undo a change in place).</summary>
    protected async Task ReloadBaselineAsync(CancellationToken cancellationToken)
    {
        if (_classData is not null)
        {
            await LoadBaselineAsync(_classData, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts or joins the store; returns why it is unavailable (the tests skip), or null. Misconfiguration throws.</summary>
    protected abstract Task<string?> StartAsync(CancellationToken cancellationToken);

    /// <summary>Drops what this fixture created (its database, topics…).</summary>
    protected abstract Task StopAsync();

    /// <summary>A fresh output into this fixture's database, collection set or topics.</summary>
    protected abstract IDataOutput CreateOutput();

    /// <summary>Remembers the loaded data as the baseline to restore.</summary>
    protected abstract Task CaptureBaselineAsync(CancellationToken cancellationToken);

    /// <summary>Puts the store back to the baseline (only what changed, where the store can tell).</summary>
    protected abstract Task RestoreBaselineAsync(CancellationToken cancellationToken);

    /// <summary>Removes every loaded table, collection or topic (before a test loads its own data).</summary>
    protected abstract Task ClearAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The connection string an application's schema (<see cref="SeededWithAttribute.Schema"/>) is made with, or null for
    /// a store without tables (the default).
    /// </summary>
    protected virtual string? ApplicationConnectionString => null;

    /// <summary>Reads the tables of the database back (for an application schema that cannot describe them itself). Default: null.</summary>
    protected virtual Task<DataGen.Schemas.DatabaseSchema?> ReadSchemaAsync(CancellationToken cancellationToken) => Task.FromResult<DataGen.Schemas.DatabaseSchema?>(null);

    /// <summary>Empties the database completely, so an application's schema can be made again. Default: <see cref="ClearAsync"/>.</summary>
    protected virtual Task RecreateAsync(CancellationToken cancellationToken) => ClearAsync(cancellationToken);

    private bool _schemaApplied;

    /// <summary>Clears what the last load made before <paramref name="next"/> loads: the whole database when an application schema is involved.</summary>
    private Task ClearForAsync(DataGenAttribute? next, CancellationToken cancellationToken)
    {
        if (_schemaApplied || next is SeededWithAttribute { Schema: not null })
        {
            _schemaApplied = false;
            return RecreateAsync(cancellationToken);
        }

        return ClearAsync(cancellationToken);
    }

    /// <summary>Makes the application's schema named by the attribute, if any, and returns its tables for the manifest.</summary>
    private async Task<ApplicationTables?> ApplySchemaAsync(DataGenAttribute data, CancellationToken cancellationToken)
    {
        if (data is not SeededWithAttribute { Schema: { } type } seeded)
        {
            return null;
        }

        var attribute = $"[SeededWith(\"{seeded.Manifest}\", Schema = typeof({type.Name}))]";
        var schema = ApplicationSchemas.Create(type, attribute);
        var connectionString = ApplicationConnectionString
            ?? throw new InvalidOperationException($"{attribute}: an application schema is made in a SQL database; {Backend} has no tables");
        try
        {
            _schemaApplied = true;
            await schema.CreateAsync(Store, connectionString, cancellationToken).ConfigureAwait(false);
            var tables = schema.Describe(Store, connectionString) ?? await ReadSchemaAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"{GetType().Name} cannot read tables back; {type.Name} must describe them");
            return new ApplicationTables(tables, $"{type.AssemblyQualifiedName}|{Store}");
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            throw new InvalidOperationException($"{attribute}: making {type.Name}'s schema in {Backend} failed: {e.GetBaseException().Message}", e);
        }
    }

    /// <summary>Whether the fixture needs the loaded rows in memory to restore from (<see cref="BaselineRows"/>).</summary>
    protected virtual bool KeepsRows => false;

    /// <summary>The rows of the last load, by model, when <see cref="KeepsRows"/>.</summary>
    protected MemoryOutput? BaselineRows { get; private set; }

    /// <summary>Writes kept rows of one model to <paramref name="output"/> again (restoring a table or collection).</summary>
    protected static Task<long> WriteRowsAsync(IDataOutput output, ModelDescriptor model, List<object?[]> rows, CancellationToken cancellationToken) =>
        DataGenerator.WriteAllAsync(output, model, rows, cancellationToken);

    /// <summary>
    /// Writes every loaded model's kept rows (<see cref="BaselineRows"/>) to <paramref name="output"/> again, parents before
    /// children, the way the load did: deferred refs (a reference cycle) NULL in the rows, then set by updates once every
    /// model is in. The caller completes the output.
    /// </summary>
    /// <exception cref="InvalidOperationException">The fixture keeps no rows (<see cref="KeepsRows"/> is false).</exception>
    protected async Task WriteBaselineAsync(IDataOutput output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var kept = BaselineRows ?? throw new InvalidOperationException("the fixture keeps no rows (KeepsRows)");
        var updates = Loaded.Where(m => kept.Updates.ContainsKey(m.Name)).Select(m => (Model: m, Updates: kept.Updates[m.Name] with { Target = m.Target })).ToList();
        foreach (var model in Loaded)
        {
            var rows = kept.Rows[model.Name];
            if (kept.Updates.TryGetValue(model.Name, out var deferred))
            {
                var nulled = deferred.Fields.Skip(1).Select(f => IndexOf(model, f.Name)).ToArray();
                rows = rows.Select(r =>
                {
                    var copy = (object?[])r.Clone();
                    foreach (var i in nulled)
                    {
                        copy[i] = null;
                    }

                    return copy;
                }).ToList();
            }

            await WriteRowsAsync(output, model, rows, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (model, shape) in updates)
        {
            var columns = shape.Fields.Select(f => IndexOf(model, f.Name)).ToArray();
            var rows = kept.Rows[model.Name].Select(r => columns.Select(i => r[i]).ToArray()).ToList();
            await DataGenerator.WriteUpdatesAsync(output, shape with { Count = rows.Count }, rows, cancellationToken).ConfigureAwait(false);
        }

        static int IndexOf(ModelDescriptor model, string field) => model.Fields.Select((f, i) => (f, i)).First(x => x.f.Name == field).i;
    }

    /// <summary>
    /// The <c>datastores:</c> of the manifest being loaded (empty for other data): a fixture honours the settings of its
    /// store's kind (a Kafka datastore's <c>partitions</c>, <c>keyField</c>, <c>timestampField</c>) or refuses them with
    /// an error in <see cref="CreateOutput"/>, never ignores them. Connection settings give way to the fixture's store.
    /// </summary>
    protected IReadOnlyList<Datastore> Datastores { get; private set; } = [];

    /// <summary>The tables, collections or topics loaded so far (their names in the store).</summary>
    protected IReadOnlyList<ModelDescriptor> Loaded => _loaded;

    private readonly List<ModelDescriptor> _loaded = [];

    private async Task LoadAsync(DataGenAttribute data, CancellationToken cancellationToken)
    {
        var tables = await ApplySchemaAsync(data, cancellationToken).ConfigureAwait(false);
        var (seed, source) = DataGenSeeds.Resolve(data.ExplicitSeed, await DataLoader.DefaultSeedAsync(data, tables, cancellationToken).ConfigureAwait(false));
        _loaded.Clear();
        Datastores = await DataLoader.DatastoresAsync(data, tables, cancellationToken).ConfigureAwait(false);
        Data = DataLoader.Describe(data);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        BaselineRows = KeepsRows ? new MemoryOutput() : null;
        var output = new RecordingOutput(CreateOutput(), _loaded, counts, BaselineRows);
        LoadedData loaded;
        await using (output.ConfigureAwait(false))
        {
            loaded = await DataLoader.LoadAsync(data, output, seed, tables, cancellationToken).ConfigureAwait(false);
        }

        (Seed, SeedSource, Data) = (seed, source, DataLoader.Describe(data) + (data is SeededWithAttribute { Schema: { } schema } ? $" into {schema.Name}'s schema" : string.Empty));
        Counts = counts;
        Journeys = loaded.Journeys;
        Simulation = loaded.Simulation;
    }

    /// <summary>Remembers which models an output was given and how many rows the store acknowledged for each.</summary>
    private sealed class RecordingOutput(IDataOutput inner, List<ModelDescriptor> models, Dictionary<string, long> counts, MemoryOutput? rows) : IDataOutput
    {
        public async ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
        {
            models.Add(model);
            var kept = rows is null ? null : await rows.OpenModelAsync(model, cancellationToken).ConfigureAwait(false);
            return new Writer(await inner.OpenModelAsync(model, cancellationToken).ConfigureAwait(false), model.Name, counts, kept);
        }

        public ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> models, CancellationToken cancellationToken = default) => inner.PrepareAsync(models, cancellationToken);

        public async ValueTask<IModelWriter> OpenUpdatesAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
        {
            var kept = rows is null ? null : await rows.OpenUpdatesAsync(model, cancellationToken).ConfigureAwait(false);
            return new Writer(await inner.OpenUpdatesAsync(model, cancellationToken).ConfigureAwait(false), null, counts, kept);
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private sealed class Writer(IModelWriter inner, string? model, Dictionary<string, long> counts, IModelWriter? kept) : IModelWriter
        {
            public async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
            {
                if (kept is not null)
                {
                    await kept.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                }

                await inner.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            }

            public async ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default)
            {
                var acknowledged = await inner.CompleteAsync(cancellationToken).ConfigureAwait(false);
                if (model is not null)
                {
                    counts[model] = acknowledged;
                }

                return acknowledged;
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
