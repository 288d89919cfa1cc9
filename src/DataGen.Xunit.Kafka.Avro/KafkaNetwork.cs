using System.Diagnostics;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Networks;

namespace DataGen.Xunit;

/// <summary>
/// The Docker network a broker container and its registry container share. Like the kit's containers it carries the
/// owner label (a later run removes it if this process is killed) and is removed when the run ends, after its
/// containers; under <c>DATAGEN_REUSE=1</c> it is kept with them.
/// </summary>
internal static class KafkaNetwork
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>A new network (created by Docker when the first container on it starts), registered for removal at the end of the run.</summary>
    public static INetwork Create()
    {
        var network = new NetworkBuilder().WithLabel(DataGenContainers.Labels).Build();
        if (!DataGenContainers.Reuse)
        {
            KitCleanup.AtEnd("Docker network of the Kafka and schema registry containers", ct => RemoveAsync(network, ct), server: true);
        }

        return network;
    }

    /// <summary>
    /// Removes <paramref name="network"/> with <c>docker network rm</c> (Testcontainers' delete returns without removing a
    /// network that still has a container). Its containers are being removed at the same moment and Docker refuses while
    /// one is on it, so this tries again every half second for up to 30 s, then fails with Docker's answer.
    /// </summary>
    public static async Task RemoveAsync(INetwork network, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var (removed, error) = await RemoveOnceAsync(network.Name, cancellationToken).ConfigureAwait(false);
            if (removed)
            {
                return;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new InvalidOperationException($"docker network rm {network.Name}: {error}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One <c>docker network rm</c>: whether the network is gone (removed now, or never made), else Docker's first line.</summary>
    private static async Task<(bool Removed, string Error)> RemoveOnceAsync(string name, CancellationToken cancellationToken)
    {
        using var docker = Process.Start(new ProcessStartInfo("docker", ["network", "rm", name]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var errors = docker.StandardError.ReadToEndAsync(cancellationToken);
        _ = docker.StandardOutput.ReadToEndAsync(cancellationToken);
        await docker.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var error = (await errors.ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? $"exit code {docker.ExitCode}";
        return (docker.ExitCode == 0 || error.Contains("No such network", StringComparison.OrdinalIgnoreCase) || error.Contains("not found", StringComparison.OrdinalIgnoreCase), error);
    }
}
