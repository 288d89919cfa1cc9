using System.Reflection;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using DataGen.Aspire;
using Xunit;
using Xunit.v3;

namespace DataGen.Xunit.Aspire;

/// <summary>
/// Starts the app host <typeparamref name="TEntryPoint"/> (<c>Projects.MyAppHost</c>) through Aspire.Hosting.Testing
/// once per test class (a class fixture) or collection (a collection fixture) and waits for its DataGen load: the
/// app host's own <c>WithDataGen</c>, so tests get the data development gets. <c>[SeededWith("shop.yaml")]</c> on the
/// class or collection definition picks which <c>WithDataGen</c> manifest (by file name) and may set its seed
/// (<c>DATAGEN_SEED</c> wins). After every test the stores are restored to the seeded baseline with the kit's restore
/// (PostgreSQL today; other kinds are reloaded); a failed test gets the seed and a reproduction line in its output.
/// </summary>
/// <typeparam name="TEntryPoint">The app host's entry point type (the <c>Projects.*</c> type of the app host project).</typeparam>
public class AspireFixture<TEntryPoint> : IAsyncLifetime, INotifyTestLifecycleAsync
    where TEntryPoint : class
{
    private readonly SemaphoreSlim _exclusive = new(1, 1);
    private readonly List<(IStoreStrategy Strategy, IReadOnlyList<string> Targets)> _baselines = [];
    private DistributedApplication? _app;
    private DataGenResource? _data;
    private bool _reloads;

    /// <summary>The running app model.</summary>
    public DistributedApplication App => _app ?? throw new InvalidOperationException("the app host has not started");

    /// <summary>The DataGen load the tests use (the app host's <c>WithDataGen</c> for the manifest <c>[SeededWith]</c> names).</summary>
    public DataGenResource Data => _data ?? throw new InvalidOperationException("the app host has not started");

    /// <summary>The seed of the data loaded now.</summary>
    public ulong Seed => Data.LastLoad?.Seed ?? 0;

    /// <summary>Where <see cref="Seed"/> came from (DATAGEN_SEED, the attribute, the app host, the manifest).</summary>
    public string SeedSource { get; private set; } = "the manifest";

    /// <summary>Rows, documents or messages loaded, by model.</summary>
    public IReadOnlyDictionary<string, long> Counts => Data.LastLoad?.Counts ?? new Dictionary<string, long>();

    /// <summary>How long starting the app model took (to every resource the DataGen load waits for being ready).</summary>
    public TimeSpan StartElapsed { get; private set; }

    /// <summary>An HTTP client for a project resource's endpoint.</summary>
    public HttpClient CreateHttpClient(string resource, string? endpoint = null) => App.CreateHttpClient(resource, endpoint);

    /// <summary>A resource's connection string.</summary>
    public ValueTask<string?> GetConnectionStringAsync(string resource, CancellationToken cancellationToken = default) => App.GetConnectionStringAsync(resource, cancellationToken);

    /// <summary>Changes the app host before it is built (environment, parameters, resources). Default: unchanged.</summary>
    /// <param name="builder">The testing builder.</param>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    /// <inheritdoc />
    public ValueTask InitializeAsync()
    {
        var context = TestContext.Current;
        var owner = (context.TestClass as IXunitTestClass)?.Class ?? (context.TestCollection as IXunitTestCollection)?.CollectionDefinition;
        return new(StartAsync(owner?.GetCustomAttribute<SeededWithAttribute>(inherit: true), context.CancellationToken));
    }

    /// <summary>Why the app model cannot start here (the tests skip with it unless <c>DATAGEN_REQUIRE</c> names <c>aspire</c>), or null.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>How long the app model may take to start and load (<c>DATAGEN_ASPIRE_TIMEOUT</c> in seconds; default 300).</summary>
    private static TimeSpan StartTimeout =>
        int.TryParse(Environment.GetEnvironmentVariable("DATAGEN_ASPIRE_TIMEOUT"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(5);

    /// <summary>Starts the app host, waits for the load of <paramref name="seeded"/>'s manifest and captures the baseline.</summary>
    internal async Task StartAsync(SeededWithAttribute? seeded, CancellationToken cancellationToken)
    {
        Unavailable = await ContainerRuntime.MissingAsync(cancellationToken).ConfigureAwait(false);
        if (Unavailable is not null)
        {
            if ((Environment.GetEnvironmentVariable("DATAGEN_REQUIRE") ?? string.Empty).Split(',', StringSplitOptions.TrimEntries).Contains("aspire", StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"DATAGEN_REQUIRE names aspire, but the app model cannot start: {Unavailable}");
            }

            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        try
        {
            await StartCoreAsync(seeded, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the app host {typeof(TEntryPoint).Name} did not start and load its data within {StartTimeout.TotalSeconds:0} s (DATAGEN_ASPIRE_TIMEOUT); '{_data?.Name}' was waiting for its resources");
        }
    }

    private async Task StartCoreAsync(SeededWithAttribute? seeded, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<TEntryPoint>(cancellationToken).ConfigureAwait(false);
        // Health checks fail as the app model stops (the database goes first): noise, not news.
        builder.Services.AddLogging(logging => logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical));
        Configure(builder);
        _data = Pick(builder.Resources.OfType<DataGenResource>().ToList(), seeded);
        var (seed, source) = DataGenSeeds.Resolve(seeded is { HasSeed: true } ? seeded.Seed : null, _data.Seed);
        if (source != "the default")
        {
            _data.Seed = seed;
        }

        SeedSource = source == "the manifest" ? "the app host (WithDataGen seed:)" : source == "the default" ? "the manifest" : source;
        _app = await builder.BuildAsync(cancellationToken).ConfigureAwait(false);
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        await WaitForLoadAsync(cancellationToken).ConfigureAwait(false);
        StartElapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        await CaptureAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DataGenResource Pick(List<DataGenResource> loads, SeededWithAttribute? seeded)
    {
        if (seeded is null)
        {
            return loads.Count == 1 ? loads[0]
                : throw new InvalidOperationException($"the app host has {loads.Count} WithDataGen manifests ({string.Join(", ", loads.Select(l => Path.GetFileName(l.Manifest)))}): say which with [SeededWith(\"file.yaml\")]");
        }

        var name = Path.GetFileName(seeded.Manifest);
        return loads.FirstOrDefault(l => string.Equals(Path.GetFileName(l.Manifest), name, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"[SeededWith(\"{seeded.Manifest}\")]: the app host loads no manifest of that name with WithDataGen; it loads: {(loads.Count == 0 ? "none" : string.Join(", ", loads.Select(l => Path.GetFileName(l.Manifest))))}");
    }

    private async Task WaitForLoadAsync(CancellationToken cancellationToken)
    {
        var data = Data;
        var state = await App.ResourceNotifications.WaitForResourceAsync(data.Name, [KnownResourceStates.Running, KnownResourceStates.FailedToStart], cancellationToken).ConfigureAwait(false);
        if (state == KnownResourceStates.FailedToStart || data.LastLoad is null)
        {
            throw new InvalidOperationException($"the app host's DataGen load '{data.Name}' ({data.Manifest}) failed; its log says why (dashboard, or the resource logs)");
        }
    }

    /// <summary>Takes the kit's baseline of every store it can restore in place; the others are reloaded after each test.</summary>
    private async Task CaptureAsync(CancellationToken cancellationToken)
    {
        _baselines.Clear();
        _reloads = false;
        foreach (var store in Data.LastLoad!.Stores.Where(s => s.Models.Count > 0))
        {
            if (KitBaselines.For(store.Store, store.Models) is { } baseline)
            {
                _baselines.Add(baseline);
                await baseline.Strategy.CaptureBaselineAsync(baseline.Targets, cancellationToken).ConfigureAwait(false);
            }
            else if (store.Store.Kind != "kafka")
            {
                _reloads = true;
            }
        }
    }

    /// <summary>Puts every store back to the seeded baseline now (what happens after every test).</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (strategy, _) in _baselines)
        {
            await strategy.RestoreBaselineAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_reloads)
        {
            await ExecuteAsync(DataGenLifecycle.ResetCommand, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the DataGen resource's "Reset data" command (as the dashboard does): the tables are refilled with the seed.</summary>
    public Task ResetAsync(CancellationToken cancellationToken = default) => ExecuteAsync(DataGenLifecycle.ResetCommand, null, cancellationToken);

    /// <summary>Runs "Reseed with…" with <paramref name="seed"/> and makes its data the baseline restored after each test.</summary>
    public async Task ReseedAsync(ulong seed, CancellationToken cancellationToken = default)
    {
        await ExecuteAsync(DataGenLifecycle.ReseedCommand, seed, cancellationToken).ConfigureAwait(false);
        SeedSource = "ReseedAsync";
        await CaptureAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ExecuteAsync(string command, ulong? seed, CancellationToken cancellationToken)
    {
        var arguments = seed is { } s
            ? new InteractionInputCollection([new InteractionInput { Name = "seed", InputType = InputType.Number, Value = s.ToString(System.Globalization.CultureInfo.InvariantCulture) }])
            : null;
        var result = arguments is null
            ? await App.ResourceCommands.ExecuteCommandAsync(Data.Name, command, cancellationToken).ConfigureAwait(false)
            : await App.ResourceCommands.ExecuteCommandAsync(Data.Name, command, arguments, cancellationToken).ConfigureAwait(false);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{Data.Name}: {command} failed: {result.Message}");
        }
    }

    /// <inheritdoc />
    public async ValueTask OnTestStartingAsync(IXunitTest test)
    {
        if (Unavailable is not null)
        {
            Assert.Skip($"the Aspire app model cannot start here: {Unavailable}");
        }

        await _exclusive.WaitAsync(TestContext.Current.CancellationToken).ConfigureAwait(false);
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
            if (_data?.LastLoad is not null)
            {
                DataGenSeeds.ReportIfFailed(test, $"Aspire app host {typeof(TEntryPoint).Name}; data: {Path.GetFileName(_data.Manifest)} ({_data.Name})", Seed, SeedSource);
                await RestoreAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _exclusive.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _baselines.Clear();
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _exclusive.Dispose();
        GC.SuppressFinalize(this);
    }
}
