using System.Diagnostics;
using DataGen.Xunit.Aspire;

namespace DataGen.Aspire.Tests;

/// <summary>
/// The container-runtime probe of <see cref="AspireFixture{TEntryPoint}"/>: parsing of captured <c>info</c> answers of both
/// CLIs, and the probe itself against stand-in runtimes (shell scripts) that answer, fail, or never answer.
/// </summary>
public sealed class ContainerRuntimeTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Captured(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Captured", name));

    [Fact]
    public void Docker_info_gives_the_engine_version()
    {
        var probe = ContainerRuntime.Parse("docker", 0, Captured("docker-info.json"), string.Empty);

        probe.Problem.Should().BeNull();
        probe.Version.Should().Be("Docker 20.10.24+dfsg1");
    }

    [Fact]
    public void Podman_info_gives_the_engine_version()
    {
        var probe = ContainerRuntime.Parse("podman", 0, Captured("podman-info.json"), string.Empty);

        probe.Problem.Should().BeNull();
        probe.Version.Should().Be("Podman 4.3.1");
    }

    [Fact]
    public void Docker_only_template_fields_are_what_podman_refused()
    {
        // What the earlier probe (`info --format {{.ServerVersion}}`) got from podman 4.3.1 here: exit code 125.
        var probe = ContainerRuntime.Parse("podman", 125, string.Empty, Captured("podman-info-serverversion.stderr.txt"));

        probe.Problem.Should().Contain("exit code 125").And.Contain("can't evaluate field ServerVersion");
        ContainerRuntime.InfoArguments.Should().NotContain(a => a.Contains(".ServerVersion", StringComparison.Ordinal));
    }

    [Fact]
    public void Docker_without_its_engine_is_reported_with_the_clients_words()
    {
        var probe = ContainerRuntime.Parse("docker", 1, Captured("docker-info-no-engine.json"), Captured("docker-info-no-engine.stderr.txt"));

        probe.Version.Should().BeNull();
        probe.Problem.Should().Contain("exit code 1").And.Contain("Cannot connect to the Docker daemon");
    }

    [Fact]
    public void Server_errors_count_even_when_the_exit_code_is_zero()
    {
        var probe = ContainerRuntime.Parse("docker", 0, """{"ServerVersion":"","ServerErrors":["error during connect: open //./pipe/docker_engine"]}""", string.Empty);

        probe.Version.Should().BeNull();
        probe.Problem.Should().Contain("reached no engine").And.Contain("pipe/docker_engine");
    }

    [Theory]
    [InlineData("20.10.24", "printed no JSON")]
    [InlineData("[]", "not an object")]
    [InlineData("""{"ServerVersion":""}""", "no engine version")]
    [InlineData("""{"version":{"APIVersion":"4.9.3"}}""", "no engine version")]
    public void An_answer_without_an_engine_version_is_a_problem(string output, string expected)
    {
        var probe = ContainerRuntime.Parse("podman", 0, output, string.Empty);

        probe.Version.Should().BeNull();
        probe.Problem.Should().Contain(expected).And.Contain("'podman info'");
    }

    [Fact]
    public async Task A_runtime_that_answers_is_asked_with_a_format_both_clis_accept()
    {
        var runtime = FakeRuntime("""
            [ "$1 $2 $3" = 'info --format {{json .}}' ] || { echo "unexpected arguments: $*" >&2; exit 2; }
            cat "$PODMAN_INFO"
            """);

        var probe = await ContainerRuntime.ProbeAsync(runtime, new Dictionary<string, string?> { ["PODMAN_INFO"] = Path.Combine(AppContext.BaseDirectory, "Captured", "podman-info.json") }, TimeSpan.FromSeconds(20), Cancel);

        probe.Problem.Should().BeNull();
        probe.Version.Should().StartWith("Podman ");
    }

    [Fact]
    public async Task A_runtime_that_never_answers_is_given_up_on_and_killed()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"datagen-probe-{Environment.ProcessId}-{Guid.NewGuid():N}.pid");
        // Writes to stdout without ever closing it, then hangs: a blocking read of the whole output would never return.
        var runtime = FakeRuntime($$"""
            echo $$ > '{{pidFile}}'
            echo '{"partial":'
            exec sleep 120
            """);
        var watch = Stopwatch.StartNew();

        var probe = await ContainerRuntime.ProbeAsync(runtime, null, TimeSpan.FromSeconds(1), Cancel);

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "the probe gives up after its timeout");
        probe.Version.Should().BeNull();
        probe.Problem.Should().Be($"'{runtime} info' did not answer within 1 s");
        await ShouldBeGoneAsync(int.Parse(await File.ReadAllTextAsync(pidFile, Cancel), System.Globalization.CultureInfo.InvariantCulture));
        File.Delete(pidFile);
    }

    [Fact]
    public async Task Cancelling_the_probe_stops_the_runtime_and_throws()
    {
        var runtime = FakeRuntime("exec sleep 120");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));

        var probing = () => ContainerRuntime.ProbeAsync(runtime, null, TimeSpan.FromMinutes(5), cancel.Token);

        await probing.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task A_missing_command_is_named()
    {
        var probe = await ContainerRuntime.ProbeAsync("datagen-no-such-runtime", null, TimeSpan.FromSeconds(5), Cancel);

        probe.Problem.Should().StartWith("no 'datagen-no-such-runtime' command on PATH");
    }

    [Fact]
    public async Task Docker_here_answers_and_does_not_when_its_engine_is_unreachable()
    {
        var here = await ContainerRuntime.ProbeAsync("docker", null, ContainerRuntime.ProbeTimeout, Cancel);
        if (here.Problem is not null)
        {
            Assert.Skip($"no Docker engine here to probe for real: {here.Problem}");
        }

        var unreachable = await ContainerRuntime.ProbeAsync("docker", new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix:///nonexistent/datagen.sock" }, ContainerRuntime.ProbeTimeout, Cancel);

        here.Version.Should().StartWith("Docker ");
        unreachable.Version.Should().BeNull();
        unreachable.Problem.Should().Contain("'docker info'");
    }

    [Fact]
    public async Task Podman_here_answers()
    {
        var probe = await ContainerRuntime.ProbeAsync("podman", null, ContainerRuntime.ProbeTimeout, Cancel);
        if (probe.Problem is { } problem && problem.StartsWith("no 'podman' command", StringComparison.Ordinal))
        {
            Assert.Skip($"no podman here to probe for real: {problem}");
        }

        probe.Problem.Should().BeNull();
        probe.Version.Should().StartWith("Podman ");
    }

    /// <summary>A shell script standing in for a container CLI (Unix only: the CI and this machine run Linux).</summary>
    private static string FakeRuntime(string body)
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("the stand-in runtimes are shell scripts; this test runs on Linux and macOS");
        }

        var path = Path.Combine(Path.GetTempPath(), $"datagen-fake-runtime-{Environment.ProcessId}-{Guid.NewGuid():N}");
        File.WriteAllText(path, "#!/bin/sh\n" + body.ReplaceLineEndings("\n") + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    private static async Task ShouldBeGoneAsync(int pid)
    {
        for (var i = 0; i < 50 && IsRunning(pid); i++)
        {
            await Task.Delay(100, Cancel);
        }

        IsRunning(pid).Should().BeFalse($"the runtime process {pid} is killed when the probe gives up");
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
