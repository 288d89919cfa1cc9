using System.Diagnostics;
using DotNet.Testcontainers.Builders;

namespace DataGen.Xunit.Tests;

/// <summary>
/// Docker networks the kit makes (AvroKafkaFixture's broker and registry share one) are removed: at the end of the run
/// once their containers are gone, and, when a killed process left one, by the next run's sweep (owner label).
/// </summary>
public sealed class NetworkCleanupTests
{
    [Fact]
    public async Task A_network_is_removed_once_the_container_on_it_is_gone()
    {
        if (DataGenContainers.WhyUnavailable("redis:7.0") is { } why)
        {
            Assert.Skip($"needs Docker and redis:7.0: {why}");
        }

        var network = new NetworkBuilder().WithLabel(DataGenContainers.Labels).Build();
        await network.CreateAsync(TestContext.Current.CancellationToken);
        var container = new ContainerBuilder("redis:7.0").WithNetwork(network).WithLabel(DataGenContainers.Labels).Build();
        try
        {
            await container.StartAsync(TestContext.Current.CancellationToken);

            // As at the end of the run: the container's removal and the network's start together.
            var removing = KafkaNetwork.RemoveAsync(network, TestContext.Current.CancellationToken);
            await Task.Delay(300, TestContext.Current.CancellationToken);
            removing.IsCompleted.Should().BeFalse("Docker refuses while the container is on the network, so the removal waits");
            await container.DisposeAsync();
            await removing;

            Docker("network", "ls", "-q", "--filter", $"name={network.Name}").Should().BeEmpty();
        }
        finally
        {
            await container.DisposeAsync();
            Docker("network", "rm", network.Name);
        }
    }

    [Fact]
    public void A_network_a_killed_process_left_is_found_and_removed_and_a_live_one_is_not()
    {
        if (DataGenContainers.WhyUnavailable("redis:7.0") is { } why)
        {
            Assert.Skip($"needs Docker: {why}");
        }

        using var ended = Process.Start(new ProcessStartInfo("sh", ["-c", "exit 0"]))!;
        ended.WaitForExit();
        var left = Docker("network", "create", "--label", $"org.datagen.owner={StoreNames.Machine}_{ended.Id}", $"dg-left-{Guid.NewGuid():N}")[..12];
        var live = Docker("network", "create", "--label", $"org.datagen.owner={StoreNames.Owner}", $"dg-live-{Guid.NewGuid():N}")[..12];
        try
        {
            var found = DataGenContainers.LeftBehind("network", "ls");
            found.Should().Contain(left).And.NotContain(live);

            DataGenContainers.Remove("network", [left], ["network", "rm"]);

            Docker("network", "ls", "-q", "--filter", $"id={left}").Should().BeEmpty("the sweep removed it");
        }
        finally
        {
            Docker("network", "rm", live);
        }
    }

    private static string Docker(params string[] arguments)
    {
        using var docker = Process.Start(new ProcessStartInfo("docker", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = docker.StandardOutput.ReadToEnd();
        docker.WaitForExit();
        return output.Trim();
    }
}
