using System.Diagnostics;
using System.Text.Json;

namespace DataGen.Xunit.Aspire;

/// <summary>
/// Whether Aspire's orchestrator can run containers here: it drives the docker or podman command line. The runtime named
/// by <c>ASPIRE_CONTAINER_RUNTIME</c> (or <c>DOTNET_ASPIRE_CONTAINER_RUNTIME</c>) is probed; without one, docker and podman
/// both are, as the orchestrator then takes whichever answers.
/// </summary>
internal static class ContainerRuntime
{
    /// <summary>How long <c>info</c> may take before the runtime counts as not answering.</summary>
    internal static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The arguments of the probe. <c>{{json .}}</c> is a Go template both CLIs accept (Docker's <c>--format json</c> is
    /// not understood by Docker 20.10, and Docker's fields such as <c>.ServerVersion</c> do not exist in Podman's output).
    /// </summary>
    internal static readonly string[] InfoArguments = ["info", "--format", "{{json .}}"];

    /// <summary>Why containers cannot run (no docker or podman command, or its engine does not answer), or null.</summary>
    public static async Task<string?> MissingAsync(CancellationToken cancellationToken)
    {
        var configured = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") is { Length: > 0 } named
            ? named
            : Environment.GetEnvironmentVariable("DOTNET_ASPIRE_CONTAINER_RUNTIME") is { Length: > 0 } legacy ? legacy : null;
        string[] runtimes = configured is null ? ["docker", "podman"] : [configured];
        var probes = await Task.WhenAll(runtimes.Select(r => ProbeAsync(r, null, ProbeTimeout, cancellationToken))).ConfigureAwait(false);
        if (probes.Any(p => p.Problem is null))
        {
            return null;
        }

        var problems = string.Join("; ", probes.Select(p => p.Problem));
        return configured is null
            ? $"neither docker nor podman answers (Aspire's orchestrator runs containers through one of them; ASPIRE_CONTAINER_RUNTIME picks one): {problems}"
            : $"{problems} (ASPIRE_CONTAINER_RUNTIME names {configured})";
    }

    /// <summary>
    /// Runs <c><paramref name="runtime"/> info</c> and reads its answer, giving up (and killing it) after
    /// <paramref name="timeout"/>. <paramref name="environment"/> adds or replaces variables of the child process.
    /// </summary>
    internal static async Task<RuntimeProbe> ProbeAsync(string runtime, IReadOnlyDictionary<string, string?>? environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(runtime) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in InfoArguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new(runtime, null, $"no '{runtime}' command on PATH ({e.Message})");
        }

        if (process is null)
        {
            return new(runtime, null, $"'{runtime}' could not be started");
        }

        using (process)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            var output = process.StandardOutput.ReadToEndAsync(limit.Token);
            var error = process.StandardError.ReadToEndAsync(limit.Token);
            try
            {
                await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
                return Parse(runtime, process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
            }
            catch (OperationCanceledException)
            {
                Stop(process);
                // The reads end with the process (or were cancelled with it): observe them, whatever their outcome.
                await Task.WhenAll(output, error).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                return new(runtime, null, $"'{runtime} info' did not answer within {timeout.TotalSeconds:0.#} s");
            }
        }
    }

    /// <summary>
    /// Reads the answer of <c>info --format "{{json .}}"</c>: Docker's (<c>ServerVersion</c>, <c>ServerErrors</c>) or
    /// Podman's (<c>version.Version</c>). A runtime answers when its exit code is 0 and its engine's version is given.
    /// </summary>
    internal static RuntimeProbe Parse(string runtime, int exitCode, string output, string error)
    {
        if (exitCode != 0)
        {
            return new(runtime, null, $"'{runtime} info' failed (exit code {exitCode}): {FirstLines(error.Length > 0 ? error : output)}");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(output);
        }
        catch (JsonException e)
        {
            return new(runtime, null, $"'{runtime} info' printed no JSON ({e.Message}): {FirstLines(output)}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new(runtime, null, $"'{runtime} info' printed JSON that is not an object: {FirstLines(output)}");
            }

            // Docker: a client that cannot reach its engine lists why (exit code 0 on some versions, 1 on others).
            if (root.TryGetProperty("ServerErrors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            {
                return new(runtime, null, $"'{runtime} info' reached no engine: {string.Join("; ", errors.EnumerateArray().Select(e => e.ToString()))}");
            }

            if (Text(root, "ServerVersion") is { } docker)
            {
                return new(runtime, $"Docker {docker}", null);
            }

            if (root.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.Object && Text(version, "Version") is { } podman)
            {
                return new(runtime, $"Podman {podman}", null);
            }

            return new(runtime, null, $"'{runtime} info' gave no engine version (neither Docker's ServerVersion nor Podman's version.Version){(error.Length > 0 ? ": " + FirstLines(error) : string.Empty)}");
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static string FirstLines(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= 300 ? trimmed : string.Concat(trimmed.AsSpan(0, 300), "…");
    }

    private static void Stop(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the timeout and the kill: nothing left to stop.
        }
    }
}

/// <summary>What probing one container runtime found: the engine's version when it answers, else why not.</summary>
internal sealed record RuntimeProbe(string Runtime, string? Version, string? Problem);
