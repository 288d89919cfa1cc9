using System.Diagnostics;
using System.Globalization;
using DataGen.Xunit;

namespace DataGen.Benchmarks;

/// <summary>
/// Load once, clone per class: how long a test class waits for its data (fixture start to baseline captured) when it is
/// the first with its data (generate + load + baseline) and when it clones that class's template — PostgreSQL
/// (CREATE DATABASE … TEMPLATE), SQLite (a file copy), MySQL (tables copied on the server), SQL Server (a backup restored)
/// and MongoDB ($out on the server), the 100,000-row customer model, medians of N classes.
/// </summary>
internal static class TemplateBench
{
    [SeededWith("template-bench.yaml", Seed = 11)]
    private sealed class BenchTests;

    public static async Task RunAsync(string directory, int rows, int classes)
    {
        var manifest = await File.ReadAllTextAsync(Path.Combine(directory, "customers.yaml"));
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "template-bench.yaml"), manifest.Replace("count: 100000", $"count: {rows}", StringComparison.Ordinal));

        Console.WriteLine($"| store ({rows:N0} customers) | first class: generate + load + baseline (ms) | later class, {classes} alive at once: clone (median, ms) | ratio | later class, one after another (median of {classes}, ms) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        await MeasureAsync("PostgreSQL (CREATE DATABASE … TEMPLATE)", () => new PostgresFixture(), classes);
        await MeasureAsync("SQLite (file copy)", () => new SqliteFixture(), classes);
        await MeasureAsync($"MySQL/MariaDB (tables copied on the server; {Environment.GetEnvironmentVariable("DATAGEN_MYSQL_IMAGE") ?? MySqlFixture.DefaultImage})", () => new MySqlFixture(), classes);
        await MeasureAsync("SQL Server (backup restored over the class's database)", () => new SqlServerFixture(), classes);
        await MeasureAsync("MongoDB (collections copied on the server with $out)", () => new MongoFixture(), classes);
    }

    private static async Task MeasureAsync(string name, Func<DataGenFixture> create, int classes)
    {
        var fixtures = new List<DataGenFixture>();
        try
        {
            var first = create();
            fixtures.Add(first);
            var watch = Stopwatch.StartNew();
            await first.InitializeForAsync(typeof(BenchTests), CancellationToken.None);
            var load = watch.Elapsed.TotalMilliseconds;
            if (first.Unavailable is { } why)
            {
                Console.WriteLine($"| {name} | unavailable: {why} | | | |");
                return;
            }

            var clones = new List<double>();
            for (var i = 0; i < classes; i++)
            {
                var next = create();
                fixtures.Add(next);
                watch.Restart();
                await next.InitializeForAsync(typeof(BenchTests), CancellationToken.None);
                clones.Add(watch.Elapsed.TotalMilliseconds);
                if (!next.Cloned)
                {
                    throw new InvalidOperationException($"{name}: class {i + 2} was not cloned");
                }
            }

            clones.Sort();
            var median = clones[clones.Count / 2];

            // Classes one after another, as a suite runs them when it does not run them in parallel: each ends before the
            // next starts, so a store that hands a finished class's database on (PostgreSQL) can serve the next from it.
            foreach (var fixture in fixtures.Skip(1))
            {
                await fixture.DisposeAsync();
            }

            fixtures.RemoveRange(1, fixtures.Count - 1);
            var sequential = new List<double>();
            for (var i = 0; i < classes; i++)
            {
                var next = create();
                watch.Restart();
                await next.InitializeForAsync(typeof(BenchTests), CancellationToken.None);
                sequential.Add(watch.Elapsed.TotalMilliseconds);
                var cloned = next.Cloned;
                await next.DisposeAsync();
                if (!cloned)
                {
                    throw new InvalidOperationException($"{name}: a class one after another was not cloned");
                }
            }

            sequential.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {load:F0} | {median:F0} | {load / median:F1}× faster | {sequential[sequential.Count / 2]:F0} |"));
        }
        finally
        {
            foreach (var fixture in fixtures)
            {
                await fixture.DisposeAsync();
            }
        }
    }
}
