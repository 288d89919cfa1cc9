using System.Data.Common;
using System.Runtime.ExceptionServices;
using DotNet.Testcontainers.Containers;

namespace DataGen.Tests.Shared;

/// <summary>
/// One database server for the test assembly — the one in <c>DATAGEN_&lt;STORE&gt;_CONNECTION</c> when set, else a
/// container — and a database of its own for each test. Without either the tests skip with the reason (or fail, when
/// DATAGEN_REQUIRE_DOCKER=1 as in CI); a container that fails to start for another reason fails every test loudly.
/// </summary>
public abstract class TestServer : IAsyncLifetime
{
    private IContainer? _container;
    private string? _admin;
    private readonly System.Collections.Concurrent.ConcurrentBag<string> _created = [];
    private ExceptionDispatchInfo? _startFailure;
    private int _databases;

    public string? Unavailable { get; private set; }

    /// <summary>The server's name for messages and its variables' infix: PostgreSQL/POSTGRES, MySQL/MYSQL.</summary>
    protected abstract (string Name, string Variable) Kind { get; }

    /// <summary>The image when no variable names one.</summary>
    protected abstract string DefaultImage { get; }

    /// <summary>The <c>LOCAL_IMAGE_*</c> variable the local images script sets.</summary>
    protected abstract string LocalImageVariable { get; }

    protected abstract (IContainer Container, Func<string> ConnectionString) Build(string image);

    protected abstract DbConnection Connect(string connectionString);

    protected abstract string CreateDatabase(string name);

    protected abstract string DropDatabase(string name);

    protected abstract string ConnectionStringFor(string admin, string database);

    protected virtual void ClearPools()
    {
    }

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable($"DATAGEN_{Kind.Variable}_CONNECTION") is { Length: > 0 } external)
        {
            _admin = external;
            return;
        }

        var image = Environment.GetEnvironmentVariable($"DATAGEN_{Kind.Variable}_IMAGE") ?? Environment.GetEnvironmentVariable(LocalImageVariable) ?? DefaultImage;
        Unavailable = DataGen.Xunit.DataGenContainers.WhyUnavailable(image);
        if (Unavailable is not null)
        {
            return;
        }

        try
        {
            var (container, connectionString) = Build(image);
            _container = container;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await _container.StartAsync(timeout.Token);
            _admin = connectionString();
        }
        catch (Exception e) when (e.GetType().Name.Contains("DockerUnavailable", StringComparison.Ordinal) || e is HttpRequestException)
        {
            Unavailable = $"Docker did not answer ({e.Message.Split('\n')[0]}); start Docker, or set DATAGEN_{Kind.Variable}_CONNECTION to a {Kind.Name} server's connection string";
        }
        catch (Exception e)
        {
            _startFailure = ExceptionDispatchInfo.Capture(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is null && _admin is not null && !_created.IsEmpty)
        {
            // An external server keeps nothing of ours.
            ClearPools();
            await using var admin = Connect(_admin);
            await admin.OpenAsync();
            foreach (var name in _created)
            {
                await using var drop = admin.CreateCommand();
                drop.CommandText = DropDatabase(name);
                await drop.ExecuteNonQueryAsync();
            }
        }

        if (_container is not null)
        {
            await _container.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Creates a fresh database and returns its connection string; skips or fails when there is no server.</summary>
    public async Task<string> NewDatabaseAsync()
    {
        if (Unavailable is not null)
        {
            if (Environment.GetEnvironmentVariable("DATAGEN_REQUIRE_DOCKER") == "1")
            {
                throw new InvalidOperationException($"DATAGEN_REQUIRE_DOCKER=1 but {Unavailable}");
            }

            Assert.Skip(Unavailable);
        }

        _startFailure?.Throw();
        var name = $"test_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await using (var admin = Connect(_admin!))
        {
            await admin.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = admin.CreateCommand();
            create.CommandText = CreateDatabase(name);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            _created.Add(name);
        }

        return ConnectionStringFor(_admin!, name);
    }
}
