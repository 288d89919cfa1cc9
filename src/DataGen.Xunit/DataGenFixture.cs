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
public abstract partial class DataGenFixture : IAsyncLifetime, INotifyTestLifecycleAsync
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

    /// <summary>
    /// A new name for a database, file or topic prefix of this fixture's own: lower-case letters, digits and '_', made of
    /// the test class's name, this machine's and process's tag and a counter, so parallel classes and processes never
    /// share one, and a later run can tell (<see cref="IsLeftBehind"/>) what a process that was killed left behind.
    /// </summary>
    protected string NewStoreName() => StoreNames.New(TestClass?.Name ?? "tests");

    /// <summary>
    /// Whether <paramref name="name"/> (a database, file or topic prefix) was made by <see cref="NewStoreName"/> or as a
    /// template by a DataGen test process on this machine that is no longer running: what a fixture may drop when it
    /// finds it on its server. Kept templates (<c>DATAGEN_REUSE</c>) and other machines' names are never left behind.
    /// </summary>
    protected static bool IsLeftBehind(string name) => StoreNames.IsLeftBehind(name);

    /// <summary>
    /// The connection string the application under test should use for this class's data (the store fixture's own
    /// <c>ConnectionString</c>; Kafka's bootstrap servers), or null for a store without one. Read through the base type
    /// it lets one test class run on PostgreSQL, MySQL or SQLite alike.
    /// </summary>
    public virtual string? AppConnectionString => ApplicationConnectionString;

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

    /// <summary>The end-of-run drop of this class's database (<see cref="KitCleanup.AtEnd"/>), unregistered once the class stopped without failing.</summary>
    internal IDisposable? DatabaseDropAtEnd { get; set; }

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

        // Stopped: the class's database is dropped (or handed on under another name); the end of the run has nothing to drop.
        DatabaseDropAtEnd?.Dispose();
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
}
