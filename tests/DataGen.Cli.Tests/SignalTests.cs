using System.Diagnostics;

namespace DataGen.Cli.Tests;

/// <summary>The real tool in its own process, stopped by a signal part-way through a long load.</summary>
public sealed class SignalTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-signal-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Theory(Timeout = 180_000)]
    [InlineData("TERM", ExitCodes.Terminated)]
    [InlineData("INT", ExitCodes.Cancelled)]
    public async Task A_signal_cancels_cleanly_with_a_message_and_no_temporary_files(string signal, int expectedExit)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "POSIX signals");
        var ct = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "datagen.dll"), "generate", Path.Combine(AppContext.BaseDirectory, "samples", "retail.yaml"), "--scale", "200", "--out", _directory.FullName, "-q" })
        {
            start.ArgumentList.Add(arg);
        }

        using var tool = Process.Start(start)!;
        var stderr = tool.StandardError.ReadToEndAsync(ct);
        // Wait until the load is under way: the default SQLite target is being built in a temporary file.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!_directory.EnumerateFiles("*.tmp*").Any() && !tool.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, ct);
        }

        tool.HasExited.Should().BeFalse("the load of 200× retail takes long enough to be interrupted");
        using (var kill = Process.Start("kill", ["-" + signal, tool.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(ct);
        }

        await tool.WaitForExitAsync(ct);

        tool.ExitCode.Should().Be(expectedExit);
        (await stderr).Should().Contain("cancelled; nothing was written");
        _directory.EnumerateFiles().Select(f => f.Name).Should().BeEmpty("neither the temporary database nor a partial result is left");
    }
}
