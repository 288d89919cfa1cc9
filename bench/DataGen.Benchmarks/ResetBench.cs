using System.Diagnostics;
using System.Globalization;
using DataGen.Outputs;
using DataGen.PostgreSql;
using DataGen.Xunit;
using Npgsql;
using Respawn;
using Respawn.Graph;

namespace DataGen.Benchmarks;

/// <summary>
/// The kit's reset on PostgreSQL with a 10-table, 100,000-row baseline (t0 and nine tables referencing it): after a
/// read-only test, after a test that changed one table, after a test that changed all tables — against Respawn plus a
/// full reload of the generated data, measured in the same run on the same database. Medians of N runs.
/// </summary>
internal static class ResetBench
{
    [SeededWith("reset-bench.yaml", Seed = 5)]
    private sealed class BenchTests;

    public static async Task RunAsync(int rowsPerTable, int iterations)
    {
        var manifestPath = Path.Combine(AppContext.BaseDirectory, "reset-bench.yaml");
        var yaml = "models:\n  t0:\n    count: " + rowsPerTable + "\n    key: id\n    fields:\n      id: { type: sequence, start: 1 }\n      name: name.fullName\n      amount: { type: decimal, min: 0, max: 1000, scale: 2 }\n"
            + string.Concat(Enumerable.Range(1, 9).Select(i => $"  t{i}:\n    count: {rowsPerTable}\n    key: id\n    fields:\n      id: {{ type: sequence, start: 1 }}\n      parent: {{ type: ref, ref: t0.id }}\n      label: lorem.word\n      amount: {{ type: decimal, min: 0, max: 1000, scale: 2 }}\n      at: {{ type: datetime, min: -1y, max: 0 }}\n"));
        await File.WriteAllTextAsync(manifestPath, yaml);

        var fixture = new PostgresFixture();
        await fixture.InitializeForAsync(typeof(BenchTests), CancellationToken.None);
        if (fixture.Unavailable is { } why)
        {
            Console.WriteLine($"PostgreSQL unavailable: {why}");
            return;
        }

        try
        {
            async Task Sql(string sql)
            {
                await using var connection = await fixture.OpenConnectionAsync();
                await using var command = new NpgsqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync();
            }

            async Task<double> Median(Func<Task> change, Func<Task> reset)
            {
                var times = new List<double>();
                for (var i = 0; i < iterations + 2; i++)
                {
                    await change();
                    var watch = Stopwatch.StartNew();
                    await reset();
                    if (i >= 2)
                    {
                        times.Add(watch.Elapsed.TotalMilliseconds);
                    }
                }

                times.Sort();
                return times[times.Count / 2];
            }

            async Task Verify()
            {
                await using var connection = await fixture.OpenConnectionAsync();
                await using var command = new NpgsqlCommand("SELECT (SELECT count(*) FROM t0) + (SELECT count(*) FROM t9) + (SELECT count(*) FROM t5 WHERE label = 'changed')", connection);
                var n = (long)(await command.ExecuteScalarAsync())!;
                if (n != 2L * rowsPerTable)
                {
                    throw new InvalidOperationException($"reset did not restore the baseline ({n})");
                }
            }

            var readOnly = await Median(() => Task.CompletedTask, () => fixture.RestoreNowAsync(CancellationToken.None));
            var oneTable = await Median(() => Sql("UPDATE t5 SET label = 'changed' WHERE id % 10 = 0"), () => fixture.RestoreNowAsync(CancellationToken.None));
            await Verify();
            var allTables = await Median(
                () => Sql(string.Concat(Enumerable.Range(0, 10).Select(i => $"UPDATE t{i} SET amount = amount + 1 WHERE id % 10 = 0;"))),
                () => fixture.RestoreNowAsync(CancellationToken.None));
            await Verify();

            // Baseline of the comparison: Respawn empties the ten tables, then the manifest is generated and loaded again.
            var manifest = await Manifest.LoadAsync(manifestPath, new ManifestOptions { Seed = 5 });
            Respawner respawner;
            await using (var connection = await fixture.OpenConnectionAsync())
            {
                respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
                {
                    DbAdapter = DbAdapter.Postgres,
                    TablesToInclude = Enumerable.Range(0, 10).Select(i => new Table("public", $"t{i}")).ToArray(),
                });
            }

            var respawnReload = await Median(
                () => Sql(string.Concat(Enumerable.Range(0, 10).Select(i => $"UPDATE t{i} SET amount = amount + 1 WHERE id % 10 = 0;"))),
                async () =>
                {
                    await using (var connection = await fixture.OpenConnectionAsync())
                    {
                        await respawner.ResetAsync(connection);
                    }

                    await using var output = PostgresOutput.Create(fixture.ConnectionString, new StoreLoadOptions { CreateTables = false });
                    await DataGenerator.GenerateAsync(manifest, output);
                });
            await Sql("TRUNCATE datagen_baseline.dirty");

            Console.WriteLine($"| PostgreSQL reset, 10 tables × {rowsPerTable:N0} rows (median of {iterations}) | ms | target |");
            Console.WriteLine("|---|---:|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| after a read-only test | {readOnly:F2} | ≤ 5 ms: {(readOnly <= 5 ? "met" : "NOT met")} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| after a test that changed one table | {oneTable:F2} | ≤ 50 ms: {(oneTable <= 50 ? "met" : "NOT met")} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| after a test that changed all tables | {allTables:F2} | ≤ Respawn + reload: {(allTables <= respawnReload ? "met" : "NOT met")} ({allTables / respawnReload:F2}×) |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Respawn + full reload (baseline) | {respawnReload:F2} | |"));
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }
}
