using System.Diagnostics;

namespace DataGen.Tests.Shared;

/// <summary>
/// Decides at run time whether a container test can run: Docker must answer and the image must be present
/// locally (registries cannot be reached here, so nothing is pulled unless DATAGEN_PULL_IMAGES=1).
/// Without either, tests skip with the reason.
/// </summary>
internal static class ContainerImages
{
    /// <summary>Null when <paramref name="image"/> can be started; otherwise why not.</summary>
    public static string? WhyUnavailable(string image)
    {
        if (Environment.GetEnvironmentVariable("DOCKER_HOST") is not { Length: > 0 } && !File.Exists("/var/run/docker.sock"))
        {
            return "Docker is not available (no DOCKER_HOST, no /var/run/docker.sock); run eval \"$(bash ../shared/containers/local-images.sh)\" or install Docker";
        }

        if (Environment.GetEnvironmentVariable("DATAGEN_PULL_IMAGES") == "1")
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
                : $"image '{image}' is not present locally and no registry is reachable here; it runs in GitHub Actions (set DATAGEN_PULL_IMAGES=1 where images can be pulled)";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "the docker command is not installed";
        }
    }
}
