using System.Diagnostics;
using System.Globalization;
using System.Text;
using DataGen.PostgreSql;
using DataGen.Schemas;
using DataGen.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DataGen.Benchmarks;

/// <summary>
/// Scaffold of a 100-table schema (serial keys, varchar lengths, numerics, an enum, checks, a foreign-key chain, composite
/// unique keys): describing the catalog, writing the manifest and loading it, in PostgreSQL (DATAGEN_POSTGRES_CONNECTION)
/// and SQLite, against a baseline measured in the same run on the same database — one information_schema query that
/// lists every column, the least any introspection reads. Medians of N runs; the first (cold) run is reported apart.
/// </summary>
internal static class ScaffoldBench
{
    public static async Task RunAsync(int tables, int iterations)
    {
        Console.WriteLine($"| {tables}-table schema | median | ratio vs baseline | first (cold) |");
        Console.WriteLine("|---|---:|---:|---:|");
        if (Environment.GetEnvironmentVariable("DATAGEN_POSTGRES_CONNECTION") is { Length: > 0 } admin)
        {
            await PostgresAsync(admin, tables, iterations);
        }
        else
        {
            Console.WriteLine("| PostgreSQL | unavailable: set DATAGEN_POSTGRES_CONNECTION | | |");
        }

        await SqliteAsync(tables, iterations);
    }

    private static string Ddl(int tables, bool postgres)
    {
        var sql = new StringBuilder();
        if (postgres)
        {
            sql.AppendLine("CREATE TYPE level AS ENUM ('low', 'mid', 'high');");
        }

        for (var i = 0; i < tables; i++)
        {
            var key = postgres ? "serial PRIMARY KEY" : "INTEGER PRIMARY KEY";
            var parent = i == 0 ? string.Empty : $", t{i - 1}_id integer NOT NULL REFERENCES t{i - 1} (id), root_id integer REFERENCES t0 (id)";
            var unique = i % 10 == 9 ? ", UNIQUE (code, name)" : string.Empty;
            sql.AppendLine(CultureInfo.InvariantCulture, $"CREATE TABLE t{i} (id {key}, code varchar(12) NOT NULL, name varchar(80) NOT NULL, email varchar(120), amount numeric(10,2) NOT NULL CHECK (amount >= 0), quantity integer CHECK (quantity BETWEEN 1 AND 50), status text NOT NULL CHECK (status IN ('new', 'open', 'closed')), level {(postgres ? "level" : "TEXT")}, created_at timestamp{(postgres ? "tz" : string.Empty)} NOT NULL{parent}{unique});");
        }

        return sql.ToString();
    }

    private static async Task PostgresAsync(string admin, int tables, int iterations)
    {
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var reset = new NpgsqlCommand("DROP DATABASE IF EXISTS datagen_scaffold_bench WITH (FORCE); CREATE DATABASE datagen_scaffold_bench", connection);
            await reset.ExecuteNonQueryAsync();
        }

        var db = new NpgsqlConnectionStringBuilder(admin) { Database = "datagen_scaffold_bench" }.ConnectionString;
        try
        {
            await using (var connection = new NpgsqlConnection(db))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand(Ddl(tables, postgres: true), connection);
                await create.ExecuteNonQueryAsync();
            }

            var store = new Datastore("db", "postgres", new Dictionary<string, string> { ["connection"] = db });
            await ReportAsync(
                "PostgreSQL",
                iterations,
                async () =>
                {
                    await using var connection = new NpgsqlConnection(db);
                    await connection.OpenAsync();
                    await using var command = new NpgsqlCommand("SELECT table_schema, table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public'", connection);
                    await using var reader = await command.ExecuteReaderAsync();
                    while (await reader.ReadAsync())
                    {
                    }
                },
                () => PostgresStoreProvider.Instance.ReadSchemaAsync(store),
                "postgres",
                tables);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand("DROP DATABASE IF EXISTS datagen_scaffold_bench WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task SqliteAsync(int tables, int iterations)
    {
        var path = Path.Combine(Path.GetTempPath(), $"datagen-scaffold-bench-{Environment.ProcessId}.db");
        try
        {
            await using (var connection = new SqliteConnection($"Data Source={path}"))
            {
                await connection.OpenAsync();
                await using var create = connection.CreateCommand();
                create.CommandText = Ddl(tables, postgres: false);
                await create.ExecuteNonQueryAsync();
            }

            var store = new Datastore("db", "sqlite", new Dictionary<string, string> { ["path"] = path });
            await ReportAsync(
                "SQLite",
                iterations,
                async () =>
                {
                    await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
                    await connection.OpenAsync();
                    await using var command = connection.CreateCommand();
                    command.CommandText = "SELECT m.name, c.name, c.type, c.\"notnull\" FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table'";
                    await using var reader = await command.ExecuteReaderAsync();
                    while (await reader.ReadAsync())
                    {
                    }
                },
                () => SqliteStoreProvider.Instance.ReadSchemaAsync(store),
                "sqlite",
                tables);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    private static async Task ReportAsync(string store, int iterations, Func<Task> baseline, Func<Task<DatabaseSchema>> describe, string kind, int tables)
    {
        DatabaseSchema? schema = null;
        string? yaml = null;
        var steps = new (string Name, Func<Task> Run)[]
        {
            ("baseline: every column from one catalog query", baseline),
            ("describe (columns, keys, foreign keys, checks, enums)", async () => schema = await describe()),
            ("write the manifest", () =>
            {
                yaml = ManifestScaffold.Write(schema!, new ScaffoldOptions { Kind = kind, Settings = new Dictionary<string, string> { ["connection"] = "x" } });
                return Task.CompletedTask;
            }),
            ("load and validate the manifest", () =>
            {
                var manifest = Manifest.Parse(yaml!, "scaffold.yaml");
                if (manifest.Models.Count != tables)
                {
                    throw new InvalidOperationException($"{manifest.Models.Count} models for {tables} tables");
                }

                return Task.CompletedTask;
            }),
        };

        var times = steps.Select(_ => new List<double>()).ToArray();
        for (var i = 0; i < iterations + 1; i++)
        {
            for (var s = 0; s < steps.Length; s++)
            {
                var watch = Stopwatch.StartNew();
                await steps[s].Run();
                times[s].Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        double Median(List<double> runs) => runs.Skip(1).Order().ElementAt(iterations / 2);
        var baselineMedian = Median(times[0]);
        for (var s = 0; s < steps.Length; s++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {store}: {steps[s].Name} | {Median(times[s]):F1} ms | {Median(times[s]) / baselineMedian:F1}× | {times[s][0]:F1} ms |"));
        }

        var total = Enumerable.Range(1, 3).Sum(s => Median(times[s]));
        var cold = Enumerable.Range(1, 3).Sum(s => times[s][0]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| **{store}: scaffold total** | **{total:F1} ms** | {total / baselineMedian:F1}× | {cold:F1} ms |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target: scaffold of a {tables}-table schema under 2 s ({store}, cold): {(cold < 2000 ? "met" : "NOT met")}"));
    }
}
