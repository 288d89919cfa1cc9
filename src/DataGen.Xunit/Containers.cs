using System.Diagnostics;
using System.Globalization;

namespace DataGen.Xunit;

/// <summary>
/// Container settings shared by the fixtures, from code or the environment: the image of each store
/// (<c>DATAGEN_POSTGRES_IMAGE</c>, <c>DATAGEN_MSSQL_IMAGE</c>, <c>DATAGEN_MONGO_IMAGE</c>, <c>DATAGEN_KAFKA_IMAGE</c>), a registry prefix
/// for all of them (<c>DATAGEN_REGISTRY_PREFIX</c>, e.g. <c>registry.corp/mirror/</c>), the start timeout
/// (<c>DATAGEN_START_TIMEOUT</c>, seconds) and whether images may be pulled (<c>DATAGEN_PULL_IMAGES=1</c>; otherwise a
/// missing local image skips the tests with the reason instead of waiting on a registry).
/// </summary>
public static class DataGenContainers
{
    /// <summary>The PostgreSQL image (default <c>postgres:15.1</c>).</summary>
    public static string PostgresImage { get; set; } = Env("DATAGEN_POSTGRES_IMAGE") ?? "postgres:15.1";

    /// <summary>The SQL Server image.</summary>
    public static string SqlServerImage { get; set; } = Env("DATAGEN_MSSQL_IMAGE") ?? "mcr.microsoft.com/mssql/server:2022-latest";

    /// <summary>The MongoDB image.</summary>
    public static string MongoImage { get; set; } = Env("DATAGEN_MONGO_IMAGE") ?? "mongo:7.0";

    /// <summary>The Kafka image.</summary>
    public static string KafkaImage { get; set; } = Env("DATAGEN_KAFKA_IMAGE") ?? "confluentinc/cp-kafka:7.5.12";

    /// <summary>Prepended to every image name (a mirror or private registry).</summary>
    public static string RegistryPrefix { get; set; } = Env("DATAGEN_REGISTRY_PREFIX") ?? string.Empty;

    /// <summary>How long a container may take to start (default 2 minutes).</summary>
    public static TimeSpan StartTimeout { get; set; } =
        double.TryParse(Env("DATAGEN_START_TIMEOUT"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? TimeSpan.FromSeconds(s) : TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether containers are reused across test runs (Testcontainers reuse; default: DATAGEN_REUSE=1). Reused containers
    /// are left running at exit; the kit still creates a database or topic prefix per class inside them.
    /// </summary>
    public static bool Reuse { get; set; } = Env("DATAGEN_REUSE") == "1";

    /// <summary>Whether missing images may be pulled (default: DATAGEN_PULL_IMAGES=1).</summary>
    public static bool PullImages { get; set; } = Env("DATAGEN_PULL_IMAGES") == "1";

    internal static string Image(string image) => RegistryPrefix + image;

    internal static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    /// <summary>
    /// Null when <paramref name="image"/> can be started here (Docker answers and the image is local, or pulling is
    /// allowed); otherwise what is missing and how to fix it — a skip reason for container tests of your own.
    /// </summary>
    public static string? WhyUnavailable(string image)
    {
        if (Env("DOCKER_HOST") is null && !File.Exists("/var/run/docker.sock") && !OperatingSystem.IsWindows())
        {
            return "Docker is not available (no DOCKER_HOST, no /var/run/docker.sock): install or start Docker, or point DATAGEN_*_CONNECTION at a server";
        }

        if (PullImages)
        {
            return null;
        }

        try
        {
            using var inspect = Process.Start(new ProcessStartInfo("docker", ["image", "inspect", "--format", "{{.Id}}", image])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            if (!inspect.WaitForExit(10_000))
            {
                inspect.Kill();
                return "Docker did not answer within 10 s";
            }

            return inspect.ExitCode == 0
                ? null
                : $"image '{image}' is not present locally; pull it (docker pull {image}), set DATAGEN_PULL_IMAGES=1 where a registry is reachable, or set DATAGEN_REGISTRY_PREFIX / the image variable to a mirror";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "the docker command is not installed";
        }
    }

    /// <summary>
    /// Builds and starts a container within <see cref="StartTimeout"/> and disposes it at process exit; returns why
    /// Docker could not be used (the tests skip), or null. A start that times out or fails otherwise throws.
    /// </summary>
    internal static async Task<(T? Container, string? Unavailable)> StartAsync<T>(Func<T> build, string description)
        where T : class, DotNet.Testcontainers.Containers.IContainer
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        T container;
        try
        {
            container = build();
            await container.StartAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"{description} did not start within {StartTimeout} (DATAGEN_START_TIMEOUT)");
        }
        catch (Exception e) when (e is DotNet.Testcontainers.Builders.DockerUnavailableException or HttpRequestException)
        {
            return (null, $"Docker did not answer ({e.Message.Split('\n')[0].Trim()}); check DOCKER_HOST and DOCKER_API_VERSION (Testcontainers settings)");
        }

        if (!Reuse)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return (container, null);
    }

    /// <summary>A unique, valid database or topic name part for a test class.</summary>
    internal static string NameFor(Type? testClass, int serial)
    {
        var name = new string((testClass?.Name ?? "tests").ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
        return $"dg_{name[..Math.Min(name.Length, 40)]}_{Environment.ProcessId}_{serial}";
    }
}
