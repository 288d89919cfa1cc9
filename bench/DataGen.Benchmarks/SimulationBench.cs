using System.Diagnostics;
using System.Globalization;
using DataGen.Simulations;

namespace DataGen.Benchmarks;

/// <summary>
/// The banking sample: 100,000 subjects over 30 days of one-minute ticks (4.32 billion subject-ticks) with the
/// event-driven engine, against the tick-by-tick reference measured in the same run on a slice of the subjects
/// (the reference would take hours on all of them). Events go to an output that touches and discards them.
/// </summary>
internal static class SimulationBench
{
    public static async Task RunAsync(string directory, int subjects, int referenceSubjects)
    {
        var manifest = await Manifest.LoadAsync(Path.Combine(directory, "banking.yaml"));
        var simulation = manifest.Simulation!;

        // Warm-up (JIT) on a small run.
        await simulation.RunAsync(new Measure.DiscardOutput(), new SimulationOptions { Subjects = 1_000, Ticks = 1_440 });

        var rows = new List<(string Name, SimulationResult Result)>();
        var reference = await simulation.RunAsync(new Measure.DiscardOutput(), new SimulationOptions { Subjects = referenceSubjects, TickByTick = true });
        rows.Add(($"tick-by-tick reference, {referenceSubjects:N0} subjects (baseline)", reference));
        var fastSlice = await simulation.RunAsync(new Measure.DiscardOutput(), new SimulationOptions { Subjects = referenceSubjects });
        rows.Add(($"event-driven, {referenceSubjects:N0} subjects", fastSlice));
        var watch = Stopwatch.StartNew();
        var full = await simulation.RunAsync(new Measure.DiscardOutput(), new SimulationOptions { Subjects = subjects });
        var wall = watch.Elapsed;
        rows.Add(($"event-driven, {subjects:N0} subjects", full));

        static double PerSecond(long n, TimeSpan t) => n / Math.Max(t.TotalSeconds, 1e-9);
        var baseline = PerSecond(reference.SubjectTicks, reference.Elapsed);
        Console.WriteLine("| banking, 30 days of 1-minute ticks | subject-ticks | events | time | subject-ticks/s | events/s | × reference |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, r) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {r.SubjectTicks:N0} | {r.Events:N0} | {r.Elapsed.TotalSeconds:F2} s | {PerSecond(r.SubjectTicks, r.Elapsed):N0} | {PerSecond(r.Events, r.Elapsed):N0} | {PerSecond(r.SubjectTicks, r.Elapsed) / baseline:F1} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target: {subjects:N0} subjects × 43,200 ticks in under 30 s (users model generation included): {(subjects >= 100_000 && wall.TotalSeconds < 30 ? "met" : "NOT met")} ({wall.TotalSeconds:F1} s)"));
    }
}
