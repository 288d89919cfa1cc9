using System.Runtime.ExceptionServices;
using Npgsql;
using Testcontainers.PostgreSql;

namespace DataGen.Tests.Shared;

/// <summary>
/// One PostgreSQL server for the test assembly — the one in DATAGEN_POSTGRES_CONNECTION when set, else a container —
/// and a database of its own for each test. Without either the tests skip with the reason (or fail, when
/// DATAGEN_REQUIRE_DOCKER=1 as in CI); a container that fails to start for another reason fails every test loudly.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private PostgreSqlContainer? _container;
    private string? _admin;
    private readonly System.Collections.Concurrent.ConcurrentBag<string> _created = [];
    private ExceptionDispatchInfo? _startFailure;
    private int _databases;

    public string? Unavailable { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("DATAGEN_POSTGRES_CONNECTION") is { Length: > 0 } external)
        {
            _admin = external;
            return;
        }

        var image = Environment.GetEnvironmentVariable("DATAGEN_POSTGRES_IMAGE") ?? Environment.GetEnvironmentVariable("LOCAL_IMAGE_POSTGRES") ?? "postgres:15.1";
        Unavailable = DataGen.Xunit.DataGenContainers.WhyUnavailable(image);
        if (Unavailable is not null)
        {
            return;
        }

        try
        {
            _container = new PostgreSqlBuilder(image).Build();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await _container.StartAsync(timeout.Token);
            _admin = _container.GetConnectionString();
        }
        catch (Exception e) when (e.GetType().Name.Contains("DockerUnavailable", StringComparison.Ordinal) || e is HttpRequestException)
        {
            Unavailable = $"Docker did not answer ({e.Message.Split('\n')[0]}); start Docker, or set DATAGEN_POSTGRES_CONNECTION to a PostgreSQL server's connection string";
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
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(_admin);
            await admin.OpenAsync();
            foreach (var name in _created)
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
        }

        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
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
        await using (var admin = new NpgsqlConnection(_admin!))
        {
            await admin.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            _created.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(_admin!) { Database = name }.ConnectionString;
    }
}
