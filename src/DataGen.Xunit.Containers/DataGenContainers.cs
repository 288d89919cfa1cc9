using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace DataGen.Xunit;

/// <summary>
/// What the container-backed fixtures share, read once from the environment: a registry prefix for every image
/// (<c>DATAGEN_REGISTRY_PREFIX</c>, e.g. <c>registry.corp/mirror/</c>), the start timeout (<c>DATAGEN_START_TIMEOUT</c>,
/// seconds), container reuse (<c>DATAGEN_REUSE=1</c>) and whether images may be pulled (<c>DATAGEN_PULL_IMAGES=1</c>;
/// otherwise a missing local image skips the tests with the reason instead of waiting on a registry). A fixture
/// changes its own container in its <c>ConfigureContainer</c> hook, not here.
/// </summary>
public static class DataGenContainers
{
    private static readonly ConcurrentDictionary<Type, Lazy<Task<SharedServer>>> Servers = new();

    /// <summary>Prepended to every image name (a mirror or private registry).</summary>
    public static string RegistryPrefix { get; } = Variable("DATAGEN_REGISTRY_PREFIX") ?? string.Empty;

    /// <summary>How long a container may take to start (default 2 minutes).</summary>
    public static TimeSpan StartTimeout { get; } =
        double.TryParse(Variable("DATAGEN_START_TIMEOUT"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? TimeSpan.FromSeconds(s) : TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether containers are reused across test runs (Testcontainers reuse; DATAGEN_REUSE=1). Reused containers are left
    /// running at exit; the kit still creates a database or topic prefix per class inside them.
    /// </summary>
    public static bool Reuse { get; } = Variable("DATAGEN_REUSE") == "1";

    /// <summary>Whether missing images may be pulled (DATAGEN_PULL_IMAGES=1).</summary>
    public static bool PullImages { get; } = Variable("DATAGEN_PULL_IMAGES") == "1";

    /// <summary>An environment variable's value, or null when it is unset or empty.</summary>
    public static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    /// <summary>The image to start: <paramref name="variable"/> (e.g. <c>DATAGEN_POSTGRES_IMAGE</c>) or the default, behind <see cref="RegistryPrefix"/>.</summary>
    public static string Image(string variable, string defaultImage) => RegistryPrefix + (Variable(variable) ?? defaultImage);

    /// <summary>
    /// Null when <paramref name="image"/> can be started here (Docker answers and the image is local, or pulling is
    /// allowed); otherwise what is missing and how to fix it — a skip reason for container tests of your own.
    /// </summary>
    public static string? WhyUnavailable(string image)
    {
        if (Variable("DOCKER_HOST") is null && !File.Exists("/var/run/docker.sock") && !OperatingSystem.IsWindows())
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
            var stderr = inspect.StandardError.ReadToEndAsync();
            if (!inspect.WaitForExit(10_000))
            {
                inspect.Kill();
                return "Docker did not answer within 10 s: check that the daemon is running (docker info), or point DATAGEN_*_CONNECTION at a server";
            }

            return inspect.ExitCode == 0 ? null : Diagnose(image, stderr.GetAwaiter().GetResult());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "the docker command is not installed";
        }
    }

    /// <summary>What a failed <c>docker image inspect</c> means: the daemon is down, it speaks another API, or the image is missing.</summary>
    internal static string Diagnose(string image, string dockerError)
    {
        var first = dockerError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? string.Empty;
        if (dockerError.Contains("Cannot connect to the Docker daemon", StringComparison.OrdinalIgnoreCase)
            || dockerError.Contains("Is the docker daemon running", StringComparison.OrdinalIgnoreCase)
            || dockerError.Contains("error during connect", StringComparison.OrdinalIgnoreCase))
        {
            return $"the Docker daemon is not running ({first}): start it (e.g. sudo systemctl start docker), or point DATAGEN_*_CONNECTION at a server";
        }

        if (dockerError.Contains("client version", StringComparison.OrdinalIgnoreCase) && dockerError.Contains("too new", StringComparison.OrdinalIgnoreCase))
        {
            return $"the Docker daemon speaks an older API than the client asks for ({first}): set DOCKER_API_VERSION to the daemon's (docker version --format '{{{{.Server.APIVersion}}}}'), or point DATAGEN_*_CONNECTION at a server";
        }

        if (dockerError.Contains("permission denied", StringComparison.OrdinalIgnoreCase))
        {
            return $"this user may not use Docker ({first}): add it to the docker group, or point DATAGEN_*_CONNECTION at a server";
        }

        return $"image '{image}' is not present locally; pull it (docker pull {image}), set DATAGEN_PULL_IMAGES=1 where a registry is reachable, or set DATAGEN_REGISTRY_PREFIX / the image variable to a mirror";
    }

    /// <summary>
    /// Builds and starts a container within <see cref="StartTimeout"/> and disposes it at process exit (unless reused);
    /// returns why Docker could not be used (the tests skip), or null. A start that times out or fails otherwise throws.
    /// </summary>
    public static async Task<(T? Container, string? Unavailable)> StartAsync<T>(Func<T> build, string description, CancellationToken cancellationToken = default)
        where T : class, DotNet.Testcontainers.Containers.IContainer
    {
        ArgumentNullException.ThrowIfNull(build);
        RemoveLeftBehind();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        T container;
        try
        {
            container = build();
            await container.StartAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{description} did not start within {StartTimeout} (DATAGEN_START_TIMEOUT)");
        }
        catch (Exception e) when (e is DotNet.Testcontainers.Builders.DockerUnavailableException or HttpRequestException)
        {
            var reason = e.Message.Split('\n')[0].Trim();
            return (null, reason.Contains("API version", StringComparison.OrdinalIgnoreCase) || reason.Contains("too new", StringComparison.OrdinalIgnoreCase)
                ? $"the Docker daemon speaks an older API than Testcontainers asks for ({reason}): set DOCKER_API_VERSION to the daemon's, or point DATAGEN_*_CONNECTION at a server"
                : $"Docker did not answer ({reason}): check that the daemon runs and DOCKER_HOST points at it, or point DATAGEN_*_CONNECTION at a server");
        }

        if (!Reuse)
        {
            // Stopped and removed at the end of the run (awaited under DataGenCleanup); at process exit without it, a
            // detached `docker rm -f` that outlives the process; if the process is killed, the next run removes it.
            var id = container.Id;
            KitCleanup.AtEnd(description, _ => container.DisposeAsync().AsTask(), server: true, atExit: () => Detached("rm", "-f", id));
        }

        return (container, null);
    }

    /// <summary>
    /// The server a store fixture uses: the one named by <paramref name="connectionVariable"/> (e.g.
    /// <c>DATAGEN_POSTGRES_CONNECTION</c>) when set, else a container of the image in <paramref name="imageVariable"/> or
    /// <paramref name="defaultImage"/>. Returns why neither can be had (the tests skip, and the reason names the variable).
    /// </summary>
    /// <param name="product">The store's name for messages ("PostgreSQL").</param>
    /// <param name="connectionVariable">The variable that points at an existing server.</param>
    /// <param name="describeExternal">Describes an external server from its connection string without its password ("PostgreSQL at db.local").</param>
    /// <param name="imageVariable">The variable that names another image.</param>
    /// <param name="defaultImage">The image started otherwise.</param>
    /// <param name="build">Builds the container for an image (the fixture's <c>ConfigureContainer</c> applied).</param>
    /// <param name="connectionString">The started container's administrator connection string.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<SharedServer> StartServerAsync<TContainer>(
        string product,
        string connectionVariable,
        Func<string, string> describeExternal,
        string imageVariable,
        string defaultImage,
        Func<string, TContainer> build,
        Func<TContainer, string> connectionString,
        CancellationToken cancellationToken)
        where TContainer : class, DotNet.Testcontainers.Containers.IContainer
    {
        ArgumentNullException.ThrowIfNull(describeExternal);
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(connectionString);
        if (Variable(connectionVariable) is { } external)
        {
            // The kit only creates, resets and drops databases of its own on an external server.
            return new(external, $"{describeExternal(external)} ({connectionVariable})", null);
        }

        var image = Image(imageVariable, defaultImage);
        var backend = $"{product} container {image}";
        if (WhyUnavailable(image) is { } why)
        {
            return new(null, backend, why.Contains("DATAGEN_*_CONNECTION", StringComparison.Ordinal)
                ? why.Replace("DATAGEN_*_CONNECTION", connectionVariable, StringComparison.Ordinal)
                : $"{why}; or set {connectionVariable} to a server's connection string");
        }

        var (container, unavailable) = await StartAsync(() => build(image), backend, cancellationToken).ConfigureAwait(false);
        return new(container is null ? null : connectionString(container), backend, unavailable);
    }

    /// <summary>The label the kit puts on containers it starts (not on reused ones): the machine and process tag of their owner.</summary>
    internal const string OwnerLabel = "org.datagen.owner";

    /// <summary>
    /// The labels to put on a container a fixture starts: its owner (this machine and process), by which a later run
    /// removes it if this process is killed before removing it. Empty with <see cref="Reuse"/>: a reused container is kept.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Labels { get; } = Reuse ? new Dictionary<string, string>() : new Dictionary<string, string> { [OwnerLabel] = StoreNames.Owner };

    private static int _removed;

    /// <summary>
    /// Once per process, before its first container starts: removes the containers (then the networks) that test
    /// processes on this machine started and did not remove because they were killed (their owner label names a process
    /// that is gone). Reused containers and networks carry no owner label.
    /// </summary>
    internal static void RemoveLeftBehind()
    {
        if (Interlocked.Exchange(ref _removed, 1) != 0)
        {
            return;
        }

        // Containers first: Docker removes a network only once no container is on it.
        Remove("container", LeftBehind("ps", "-a"), ["rm", "-f"]);
        Remove("network", LeftBehind("network", "ls"), ["network", "rm"]);
    }

    /// <summary>Removes the left-behind <paramref name="kind"/>s <paramref name="ids"/> with <paramref name="command"/>, and says what it did or why it could not.</summary>
    internal static void Remove(string kind, List<string> ids, string[] command)
    {
        if (ids.Count == 0)
        {
            return;
        }

        if (Run([.. command, .. ids], out _, out var error))
        {
            KitLog.Fallback("Docker", $"removed {ids.Count} {kind}(s) left behind by test processes that were killed", "nothing else is touched");
        }
        else
        {
            KitLog.Fallback("Docker", $"could not remove {ids.Count} {kind}(s) left behind by test processes that were killed ({error})", $"they stay (docker {string.Join(' ', command)} {string.Join(' ', ids)} removes them) and a later run tries again");
        }
    }

    /// <summary>
    /// The ids of containers (<c>ps -a</c>) or networks (<c>network ls</c>) whose owner label names a process of this
    /// machine that is no longer running.
    /// </summary>
    internal static List<string> LeftBehind(params string[] list)
    {
        if (!Run([.. list, "--filter", $"label={OwnerLabel}", "--format", $"{{{{.ID}}}} {{{{.Label \"{OwnerLabel}\"}}}}"], out var output, out _))
        {
            return [];
        }

        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', 2))
            .Where(p => p.Length == 2 && StoreNames.IsLeftBehind($"dg_container_{p[1]}_0"))
            .Select(p => p[0])
            .ToList();
    }

    /// <summary>Runs the docker command and waits up to 30 s; false when it is missing, fails or hangs (<paramref name="error"/> says which).</summary>
    private static bool Run(string[] arguments, out string output, out string error)
    {
        (output, error) = (string.Empty, string.Empty);
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var read = docker.StandardOutput.ReadToEndAsync();
            var errors = docker.StandardError.ReadToEndAsync();
            if (!docker.WaitForExit(30_000))
            {
                docker.Kill();
                error = "docker did not answer within 30 s";
                return false;
            }

            output = read.GetAwaiter().GetResult();
            error = errors.GetAwaiter().GetResult().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? $"exit code {docker.ExitCode}";
            return docker.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            error = "the docker command is not installed";
            return false;
        }
    }

    /// <summary>Starts a docker command that outlives this process (nothing waits for it).</summary>
    private static void Detached(params string[] arguments)
    {
        using var docker = Process.Start(new ProcessStartInfo("docker", arguments) { UseShellExecute = false, RedirectStandardOutput = false, RedirectStandardError = false });
    }

    /// <summary>
    /// The server shared by every fixture of type <paramref name="fixtureType"/> in this process: started once by
    /// <paramref name="start"/> on first use. A fixture subclass that configures its container differently gets its own.
    /// </summary>
    public static Task<SharedServer> SharedServerAsync(Type fixtureType, Func<Task<SharedServer>> start)
    {
        ArgumentNullException.ThrowIfNull(fixtureType);
        ArgumentNullException.ThrowIfNull(start);
        return Servers.GetOrAdd(fixtureType, _ => new Lazy<Task<SharedServer>>(start)).Value;
    }
}

/// <summary>A server that fixtures share: how to reach it as an administrator, what it is, or why it is unavailable.</summary>
/// <param name="ConnectionString">The administrator connection string; null when unavailable.</param>
/// <param name="Backend">What the server is, for messages ("PostgreSQL container postgres:15.1"); never a password.</param>
/// <param name="Unavailable">Why the server cannot be used (the tests skip), or null.</param>
public sealed record SharedServer(string? ConnectionString, string Backend, string? Unavailable)
{
    /// <summary>Hides the connection string: it may hold a password.</summary>
    public override string ToString() => Unavailable is null ? Backend : $"{Backend}: {Unavailable}";
}
