// Generation benchmark: the 8-field customer row (uuid, first name, last name, email, phone, city,
// birth date, amount) made two ways in one run — a hand-written Bogus Faker<T> (the baseline) and the
// DataGen manifest samples/manifests/customers.yaml — then a 1,000,000-row NDJSON stream in a child
// process to read its peak working set. Prints a table; ratios are against the baseline of this run.
//
//   dotnet run -c Release --project bench/DataGen.Benchmarks [-- --rows 300000 --stream-rows 1000000]
//   dotnet run -c Release --project bench/DataGen.Benchmarks -- stores [--rows 300000 --flat-rows 10000000]   (needs Docker: local-images.sh)
//   dotnet run -c Release --project bench/DataGen.Benchmarks -- journeys [--quantity 10000]
//   dotnet run -c Release --project bench/DataGen.Benchmarks -- retail [--customers 100000]
//   dotnet run -c Release --project bench/DataGen.Benchmarks -- reset   (PostgresFixture restore vs Respawn + reload; needs Docker)
//   dotnet run -c Release --project bench/DataGen.Benchmarks -- templates [--rows 100000 --classes 7]   (first class's load vs later classes' clone; PostgreSQL needs Docker)
//   dotnet run -c Release --project bench/DataGen.Benchmarks -- simulation [--subjects 100000 --reference-subjects 2000]
//   dotnet run -c Release --project bench/DataGen.Benchmarks -- aspire [--iterations 7] [--ef-first]   (samples/AspireShop: DataGen vs EF UseAsyncSeeding; needs Docker with postgres:15.1)
//   dotnet run -c Release --project bench/DataGen.Benchmarks -- scaffold [--tables 100 --iterations 7]   (PostgreSQL through DATAGEN_POSTGRES_CONNECTION; SQLite always)
using System.Diagnostics;
using System.Globalization;
using Bogus;
using DataGen;
using DataGen.Benchmarks;
using DataGen.Outputs;

var arguments = args.ToList();
int Option(string name, int fallback) =>
    arguments.IndexOf(name) is var i and >= 0 && i + 1 < arguments.Count ? int.Parse(arguments[i + 1], CultureInfo.InvariantCulture) : fallback;

var manifestPath = Path.Combine(AppContext.BaseDirectory, "customers.yaml");
if (arguments.Count > 0 && arguments[0] == "stores")
{
    await StoreBench.RunAsync(AppContext.BaseDirectory, Option("--rows", 300_000), Option("--flat-rows", 10_000_000));
    return;
}

if (arguments.Count > 0 && arguments[0] == "retail")
{
    // samples/Retail: customers with 15 % fuzzed duplicates and every related file, to CSV.
    var customers = Option("--customers", 100_000);
    var manifest = await Manifest.LoadAsync(Path.Combine(AppContext.BaseDirectory, "Retail", "retail.yaml"), new ManifestOptions { Variables = new Dictionary<string, string> { ["customers"] = customers.ToString(CultureInfo.InvariantCulture) } });
    var directory = Directory.CreateTempSubdirectory("datagen-retail-");
    GenerationSummary summary;
    await using (var output = new FileOutput(directory.FullName, FileFormat.Csv))
    {
        summary = await DataGenerator.GenerateAsync(manifest, output);
    }

    var bytes = directory.EnumerateFiles().Sum(f => f.Length);
    directory.Delete(recursive: true);
    Console.WriteLine("| samples/Retail to CSV | rows | time | rows/s |");
    Console.WriteLine("|---|---:|---:|---:|");
    foreach (var m in summary.Models)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {m.Model} | {m.Rows:N0} | {m.Elapsed.TotalSeconds:F2} s | {m.RowsPerSecond:N0} |"));
    }

    var total = summary.Elapsed.TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| total ({bytes / 1048576.0:F0} MiB) | {summary.TotalRows:N0} | {total:F2} s | {summary.TotalRows / total:N0} |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target: 100,000 customers with all files and 15 % duplicates to CSV in under 15 s: {(customers >= 100_000 && total < 15 ? "met" : "NOT met")}"));
    return;
}

if (arguments.Count > 0 && arguments[0] == "scaffold")
{
    await ScaffoldBench.RunAsync(Option("--tables", 100), Option("--iterations", 7));
    return;
}

if (arguments.Count > 0 && arguments[0] == "templates")
{
    await TemplateBench.RunAsync(AppContext.BaseDirectory, Option("--rows", 100_000), Option("--classes", 7));
    return;
}

if (arguments.Count > 0 && arguments[0] == "aspire")
{
    await AspireBench.RunAsync(Option("--iterations", 7), arguments.Contains("--ef-first"));
    return;
}

if (arguments.Count > 0 && arguments[0] == "suite")
{
    await SuiteBench.RunAsync();
    return;
}

if (arguments.Count > 0 && arguments[0] == "reset")
{
    await ResetBench.RunAsync(Option("--rows", 10_000), Option("--iterations", 15));
    return;
}

if (arguments.Count > 0 && arguments[0] == "simulation")
{
    await SimulationBench.RunAsync(AppContext.BaseDirectory, Option("--subjects", 100_000), Option("--reference-subjects", 2_000));
    return;
}

if (arguments.Count > 0 && arguments[0] == "journeys")
{
    var quantity = Option("--quantity", 10_000);
    var directory = Directory.CreateTempSubdirectory("datagen-journeys-");
    var watch = Stopwatch.StartNew();
    await DataGen.Journeys.JourneyExport.WriteAsync(new DataGen.Journeys.StarfleetJourney(), 1, quantity, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), directory.FullName);
    var seconds = watch.Elapsed.TotalSeconds;
    var bytes = directory.EnumerateFiles().Sum(f => f.Length);
    directory.Delete(recursive: true);
    Console.WriteLine("| journeys | zips + metadata | time | journeys/s | size |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| starfleet | {quantity:N0} + {quantity:N0} | {seconds:F1} s | {quantity / seconds:N0} | {bytes / 1048576.0:F0} MiB |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target: 10,000 journeys in under 15 s: {(quantity >= 10_000 && seconds < 15 ? "met" : "NOT met")}"));
    return;
}

if (arguments.Count > 0 && arguments[0] == "stream")
{
    // Child process: stream N rows to NDJSON, report rows/s and peak working set on stdout.
    var rows = Option("--rows", 1_000_000);
    var directory = Directory.CreateTempSubdirectory("datagen-bench-");
    var manifest = await Manifest.LoadAsync(manifestPath, new ManifestOptions { Scale = rows / 100_000.0 });
    var watch = Stopwatch.StartNew();
    await using (var output = new FileOutput(directory.FullName, FileFormat.Ndjson))
    {
        await DataGenerator.GenerateAsync(manifest, output);
    }

    var elapsed = watch.Elapsed.TotalSeconds;
    var size = new FileInfo(Path.Combine(directory.FullName, "customers.ndjson")).Length;
    directory.Delete(recursive: true);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows} {rows / elapsed:F0} {Measure.PeakWorkingSet()} {size} {GC.GetTotalAllocatedBytes() / rows} {GC.GetTotalPauseDuration().TotalSeconds / elapsed:F3}"));
    return;
}

if (arguments.Count > 0 && arguments[0] == "pg-stream")
{
    // Child process: load N customer rows into the PostgreSQL database named by DATAGEN_BENCH_POSTGRES (not an
    // argument: connection strings stay out of process listings); report rows/s and peak working set on stdout.
    await StoreBench.PostgresStreamAsync(manifestPath, Option("--rows", 1_000_000), Environment.GetEnvironmentVariable("DATAGEN_BENCH_POSTGRES")!);
    return;
}

var count = Option("--rows", 300_000);
var streamRows = Option("--stream-rows", 1_000_000);
var reference = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
var results = new List<(string Name, double RowsPerSecond)>();

// Warm up both paths (JIT, Bogus locale data) before measuring.
Baseline.Run(20_000, reference);
await Measure.ManifestAsync(manifestPath, 20_000, threads: 1);

double Best(Func<double> run) => Enumerable.Range(0, 3).Select(_ => run()).Max();

var bogus1 = Best(() => Baseline.Run(count, reference));
results.Add(("Bogus Faker<T>, 1 thread (baseline)", bogus1));
var bogus2 = Best(() => Baseline.RunParallel(count, reference, Environment.ProcessorCount));
results.Add(($"Bogus Faker<T>, {Environment.ProcessorCount} threads (one Faker each)", bogus2));
var datagen1 = Best(() => Measure.ManifestAsync(manifestPath, count, threads: 1).GetAwaiter().GetResult());
results.Add(("DataGen manifest, 1 thread", datagen1));
var datagenN = Best(() => Measure.ManifestAsync(manifestPath, count, threads: Environment.ProcessorCount).GetAwaiter().GetResult());
results.Add(($"DataGen manifest, {Environment.ProcessorCount} threads", datagenN));

Console.WriteLine($"Customer rows (8 fields), {count:N0} rows per run, best of 3; {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine();
Console.WriteLine("| generator | rows/s | × baseline |");
Console.WriteLine("|---|---:|---:|");
foreach (var (name, rate) in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {rate:N0} | {rate / bogus1:F2} |"));
}

Console.WriteLine();
Console.WriteLine("| NDJSON stream (own process, from a cold start) | rows | rows/s | peak working set | file size | allocated per row | time in GC pauses |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
var steadyNdjson = 0.0;
// Twice: with .NET's default runtime settings (a test host using the library) and with the CLI's (TieredPGO off).
foreach (var (settings, environment) in new[] { ("default runtime", new Dictionary<string, string>()), ("CLI runtime: TieredPGO off", new Dictionary<string, string> { ["DOTNET_TieredPGO"] = "0" }) })
{
    foreach (var rows in new[] { streamRows / 10, streamRows, streamRows * 10 })
    {
        var line = Measure.Child(rows, environment: environment);
        var parts = line.Split(' ');
        steadyNdjson = Math.Max(steadyNdjson, rows == streamRows * 10 ? double.Parse(parts[1], CultureInfo.InvariantCulture) : 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| customers.yaml → customers.ndjson, {settings} | {long.Parse(parts[0], CultureInfo.InvariantCulture):N0} | {double.Parse(parts[1], CultureInfo.InvariantCulture):N0} | {long.Parse(parts[2], CultureInfo.InvariantCulture) / 1048576.0:F0} MiB | {long.Parse(parts[3], CultureInfo.InvariantCulture) / 1048576.0:F0} MiB | {long.Parse(parts[4], CultureInfo.InvariantCulture)} B | {double.Parse(parts[5], CultureInfo.InvariantCulture):P0} |"));
    }
}

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"targets: DataGen 1 thread ≥ 2× baseline: {datagen1 / bogus1:F2}× {(datagen1 / bogus1 >= 2 ? "met" : "NOT met")}; DataGen {Environment.ProcessorCount} threads ≥ 3× baseline: {datagenN / bogus1:F2}× {(datagenN / bogus1 >= 3 ? "met" : "NOT met")}; NDJSON ≥ 1,500,000 rows/s ({streamRows * 10:N0} rows, the better runtime setting): {steadyNdjson:N0} {(steadyNdjson >= 1_500_000 ? "met" : "NOT met")}"));
