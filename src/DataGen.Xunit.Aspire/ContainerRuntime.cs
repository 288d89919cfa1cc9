namespace DataGen.Xunit.Aspire;

/// <summary>Whether Aspire's orchestrator can run containers here: it drives the docker (or podman) command line.</summary>
internal static class ContainerRuntime
{
    /// <summary>Why containers cannot run (no docker or podman command, or its engine does not answer), or null.</summary>
    public static string? Missing()
    {
        var runtime = Environment.GetEnvironmentVariable("DOTNET_ASPIRE_CONTAINER_RUNTIME") ?? Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") ?? "docker";
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(runtime, "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return $"'{runtime}' could not be started";
            }

            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                process.Kill(entireProcessTree: true);
                return $"'{runtime} info' did not answer within 20 s";
            }

            return process.ExitCode == 0 ? null : $"'{runtime} info' failed: {error.Result.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"no '{runtime}' command on PATH ({e.Message}); Aspire's orchestrator runs containers through it";
        }
    }
}
