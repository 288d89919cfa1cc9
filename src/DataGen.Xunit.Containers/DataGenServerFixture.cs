using System.Collections.Concurrent;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;

namespace DataGen.Xunit;

/// <summary>
/// The base of the server stores' fixtures (PostgreSQL, MySQL, SQL Server, MongoDB): what is the same everywhere. It
/// starts one container per test assembly and fixture type — or adopts the server named by the store's
/// <c>DATAGEN_&lt;STORE&gt;_CONNECTION</c> — lets a subclass change the container (<see cref="ConfigureContainer"/>) and
/// the connection (<see cref="ConfigureConnection"/>), creates a database of the class's own and drops it when the class
/// ends, retries connecting while a server comes up, drops what killed test processes on this machine left on the
/// server, and hands what differs per store to an <see cref="IStoreStrategy"/> (baseline, restore, templates).
/// </summary>
/// <typeparam name="TBuilder">The store's Testcontainers builder.</typeparam>
/// <typeparam name="TContainer">The container it builds.</typeparam>
public abstract class DataGenServerFixture<TBuilder, TContainer> : DataGenFixture
    where TBuilder : IAbstractBuilder<TBuilder, TContainer, CreateContainerParameters>
    where TContainer : class, IContainer
{
    private static readonly ConcurrentDictionary<string, Lazy<Task>> Swept = new(StringComparer.Ordinal);
    private static readonly TimeSpan[] Delays = [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)];
    private readonly StoreServer _server;
    private string? _backend;
    private string? _connectionString;
    private IStoreStrategy? _strategy;

    /// <summary>A fixture for the store <paramref name="server"/> describes.</summary>
    protected DataGenServerFixture(StoreServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
    }

    /// <summary>The connection string of this class's database, as the application under test should use it (after <see cref="ConfigureConnection"/>).</summary>
    public string ConnectionString => DatabaseName is { } name ? _connectionString ??= ConfigureConnection(ConnectionStringFor(name)) : string.Empty;

    /// <inheritdoc />
    public override string Backend => _backend ?? _server.Product;

    /// <summary>The server's administrator connection string (empty until the server is up).</summary>
    protected string AdminConnectionString { get; private set; } = string.Empty;

    /// <summary>This class's database (null until it is created).</summary>
    protected string? DatabaseName { get; private set; }

    /// <summary>What differs per store: made once the database exists.</summary>
    protected IStoreStrategy Strategy => _strategy ??= CreateStrategy();

    /// <summary>Changes the container before it is built (image, environment, command, wait strategy). Default: unchanged.</summary>
    /// <param name="builder">A builder for the image in the store's image variable or its default image, with reuse as <c>DATAGEN_REUSE</c> says.</param>
    protected virtual TBuilder ConfigureContainer(TBuilder builder) => builder;

    /// <summary>Changes the connection string of this class's database (pool size, timeouts, search path). Default: unchanged.</summary>
    protected virtual string ConfigureConnection(string connectionString) => connectionString;

    /// <summary>A builder for <paramref name="image"/> with the store's own settings.</summary>
    protected abstract TBuilder CreateBuilder(string image);

    /// <summary>The started container's administrator connection string.</summary>
    protected abstract string ContainerConnectionString(TContainer container);

    /// <summary>An external server for messages, from its connection string, without the password ("PostgreSQL at db.local").</summary>
    protected abstract string Describe(string adminConnectionString);

    /// <summary>The administrator connection string pointed at database <paramref name="name"/>.</summary>
    protected abstract string ConnectionStringFor(string name);

    /// <summary>Creates the empty database <paramref name="name"/> on the server (<see cref="AdminConnectionString"/>).</summary>
    protected abstract Task CreateDatabaseAsync(string name, CancellationToken cancellationToken);

    /// <summary>Drops database <paramref name="name"/> (and what belongs to it), closing other sessions; nothing if it is gone.</summary>
    protected abstract Task DropDatabaseAsync(string name, CancellationToken cancellationToken);

    /// <summary>The names of the databases on the server (to find what killed test processes left behind).</summary>
    protected abstract Task<IReadOnlyList<string>> ListDatabasesAsync(CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="exception"/> is worth another attempt: the server is starting or the network hiccupped.</summary>
    protected abstract bool IsTransient(Exception exception);

    /// <summary>The store's strategy for this class's database.</summary>
    protected abstract IStoreStrategy CreateStrategy();

    /// <summary>
    /// Runs <paramref name="action"/>, again after 0.25, 1 and 2 s while it fails with an error <see cref="IsTransient"/>
    /// calls transient: the one connect-and-retry policy of every server store.
    /// </summary>
    protected async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await action(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < Delays.Length && !cancellationToken.IsCancellationRequested && IsTransient(e))
            {
                await Task.Delay(Delays[attempt], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> under the retry policy (<see cref="RetryAsync{T}"/>).</summary>
    protected Task RetryAsync(Func<CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        return RetryAsync(async ct =>
        {
            await action(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task<string?> StartAsync(CancellationToken cancellationToken)
    {
        var server = await DataGenContainers.SharedServerAsync(GetType(), () => StartServerAsync(cancellationToken)).ConfigureAwait(false);
        _backend = server.Backend;
        if (server.Unavailable is not null)
        {
            return server.Unavailable;
        }

        AdminConnectionString = server.ConnectionString!;
        SweepOnce();
        var name = NewStoreName();
        await RetryAsync(ct => StartDatabaseAsync(name, ct), cancellationToken).ConfigureAwait(false);

        // Only a database that exists is dropped again: a start that failed (wrong password) fails once, not twice. The
        // class drops it when it ends; the end-of-run clean-up makes sure (a collection or assembly fixture may end later).
        DatabaseName = name;
        DatabaseDropAtEnd = KitCleanup.AtEnd($"database {name} on {Backend}", ct => DropDatabaseAsync(name, ct));
        return null;
    }

    /// <summary>Makes this class's database <paramref name="name"/> when the class starts. Default: <see cref="CreateDatabaseAsync"/>.</summary>
    protected virtual Task StartDatabaseAsync(string name, CancellationToken cancellationToken) => CreateDatabaseAsync(name, cancellationToken);

    /// <inheritdoc />
    protected override async Task StopAsync()
    {
        if (DatabaseName is { } name && !KitCleanup.HasRun)
        {
            await RetryAsync(ct => DropDatabaseAsync(name, ct), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async Task RecreateAsync(CancellationToken cancellationToken)
    {
        if (DatabaseName is { } name)
        {
            await DropDatabaseAsync(name, cancellationToken).ConfigureAwait(false);
            await CreateDatabaseAsync(name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override string? ApplicationConnectionString => ConnectionString;

    /// <inheritdoc />
    protected override Task CaptureBaselineAsync(CancellationToken cancellationToken) =>
        Strategy.CaptureBaselineAsync(Loaded.Select(m => m.Target).Distinct(StringComparer.Ordinal).ToList(), cancellationToken);

    /// <inheritdoc />
    protected override Task RestoreBaselineAsync(CancellationToken cancellationToken) => Strategy.RestoreBaselineAsync(cancellationToken);

    /// <inheritdoc />
    protected override bool SupportsTemplates => true;

    /// <summary>With container reuse (<c>DATAGEN_REUSE=1</c>) templates stay on the server for the next run.</summary>
    protected override bool KeepsTemplates => DataGenContainers.Reuse;

    /// <inheritdoc />
    protected override Task<bool> SaveTemplateAsync(string name, string info, CancellationToken cancellationToken) => Strategy.SaveTemplateAsync(name, info, cancellationToken);

    /// <inheritdoc />
    protected override Task<bool> CloneTemplateAsync(string name, CancellationToken cancellationToken) => Strategy.CloneTemplateAsync(name, cancellationToken);

    /// <inheritdoc />
    protected override Task<string?> FindTemplateAsync(string name, CancellationToken cancellationToken) => Strategy.FindTemplateAsync(name, cancellationToken);

    /// <summary>Drops, once per server and process and in the background, the databases killed test processes on this machine left on it.</summary>
    private void SweepOnce()
    {
        var sweep = Swept.GetOrAdd(AdminConnectionString, _ => new Lazy<Task>(() => Task.Run(SweepAsync))).Value;
        KitCleanup.Track(sweep);
    }

    private async Task SweepAsync()
    {
        try
        {
            var left = (await ListDatabasesAsync(CancellationToken.None).ConfigureAwait(false)).Where(IsLeftBehind).ToList();
            await Task.WhenAll(left.Select(name => DropDatabaseAsync(name, CancellationToken.None))).ConfigureAwait(false);

            if (left.Count > 0)
            {
                KitLog.Fallback(Backend, $"dropped {left.Count} database(s) left behind by test processes that were killed ({string.Join(", ", left.Take(5))}{(left.Count > 5 ? ", …" : string.Empty)})", "nothing else is touched");
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            KitLog.Fallback(Backend, $"could not look for databases killed test processes left behind ({KitLog.Why(e)})", "they stay until a later run drops them");
        }
    }

    /// <summary>Reuse as <c>DATAGEN_REUSE</c> says; otherwise the owner label, by which a later run removes the container if this process is killed.</summary>
    private static TBuilder Prepare(TBuilder builder) =>
        DataGenContainers.Reuse ? builder.WithReuse(true) : builder.WithLabel(DataGenContainers.Labels);

    /// <summary>The server for every fixture of this type: started once, on first use.</summary>
    private Task<SharedServer> StartServerAsync(CancellationToken cancellationToken) =>
        DataGenContainers.StartServerAsync(
            _server.Product,
            _server.ConnectionVariable,
            Describe,
            _server.ImageVariable,
            _server.DefaultImage,
            image => ConfigureContainer(Prepare(CreateBuilder(image))).Build(),
            ContainerConnectionString,
            cancellationToken);
}
