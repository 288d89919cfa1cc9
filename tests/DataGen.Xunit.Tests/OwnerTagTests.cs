using System.Diagnostics;

namespace DataGen.Xunit.Tests;

/// <summary>Copies of a template kept across runs (DATAGEN_REUSE) carry the owner tag, so the next run drops a killed run's copies and keeps the template.</summary>
public sealed class OwnerTagTests
{
    [Fact]
    public void A_copy_of_a_kept_template_is_tagged_and_left_behind_once_its_process_ended_while_the_template_never_is()
    {
        var kept = $"dg_tmpl_{new string('b', 40)}";
        var copy = StoreNames.Copy(kept, 3);

        copy.Should().MatchRegex($"^dg_copy_{StoreNames.Owner}_b{{16}}_s3$");
        copy.Length.Should().BeLessThanOrEqualTo(63, "PostgreSQL's identifier limit");
        StoreNames.IsLeftBehind(copy).Should().BeFalse("this process is running");

        using var ended = Process.Start(new ProcessStartInfo("sh", ["-c", "exit 0"]))!;
        ended.WaitForExit();
        StoreNames.IsLeftBehind(copy.Replace($"_{Environment.ProcessId}_", $"_{ended.Id}_", StringComparison.Ordinal)).Should().BeTrue("a killed run's copy");
        StoreNames.IsLeftBehind(kept).Should().BeFalse("the kept template stays for the next run");
    }

    [Fact]
    public void A_copy_of_this_runs_template_is_named_after_it()
    {
        var template = StoreNames.Template(new string('c', 64));

        StoreNames.Copy(template, 2).Should().Be(template + "_s2");
    }
}
