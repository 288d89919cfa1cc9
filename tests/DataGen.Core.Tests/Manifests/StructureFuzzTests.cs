using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using DataGen.Events;
using DataGen.Generation;
using DataGen.Randomness;
using DataGen.Simulations;
using YamlDotNet.RepresentationModel;

namespace DataGen.Core.Tests.Manifests;

/// <summary>
/// Structure-aware fuzzing (issue 27): mutants of the sample manifests' YAML trees — kinds swapped, numbers at their
/// limits, expressions with type errors, keys and references deleted or renamed, counts and probabilities at the
/// extremes — are read, and every mutant that loads is taken through each runtime it has (generate, simulate, events,
/// journeys) with small caps, a per-mutant timeout and a memory ceiling. Every failure must be a DataGen error
/// (<see cref="ManifestException"/>, <see cref="GenerationException"/>, <see cref="SimulationException"/>).
/// The seed is fixed; <c>DATAGEN_FUZZ_SEED</c> explores other mutants and <c>DATAGEN_FUZZ_COUNT</c> sets the mutants
/// per sample (default 2,000). The counts per stage are written to the test output.
/// </summary>
public sealed class StructureFuzzTests
{
    private const int DefaultMutants = 2000;
    private const int MinimumPerStage = 1000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private const long MemoryCeiling = 1L << 31;

    private static readonly ConcurrentDictionary<(int, ulong Seed, string Locale), ProfilePool> Pools = new();
    private static readonly string[] Stages = ["loaded", "generate", "simulate", "events", "journeys"];
    private static readonly string[] Reported = [.. Stages, "rejected"];
    private static readonly string[] Numbers = ["0", "-1", "1", "2147483647", "2147483648", "9223372036854775807", "-9223372036854775808", "1e308", "1e-20", "0.0000001", "1e6", "79228162514264337593543950335"];
    private static readonly string[] Percents = ["1e-20%", "1e-13%", "1e-12%", "0%", "100%", "99.9999999999%", "100.5%", "-1%", "50%"];
    private static readonly string[] Delays = ["0s", "[0s, 0s]", "[0s, 1s]", "100000000d", "[1ms, 100000000d]", "1ms", "[0s, 0s]"];
    private static readonly string[] Dates = ["9999-12-31", "0001-01-01", "9999-12-31T23:59:59Z", "+9000y", "-3000y", "+99999999d"];
    private static readonly string[] Oddities = ["null", "~", "''", "NaN", ".inf", "-.inf", "x"];
    private static readonly string[] ExpressionEdits = [" + 1", " / 0", " * 9223372036854775807", " + null", " * 'x'", " - 9223372036854775807 - 9223372036854775807", " + days(99999999)", " and 1", " % 0", " + 0.5", " + 0.000000000000000000000001"];
    private static readonly string[] Expressions = ["1 / 0", "null + 1", "'a' * 2", "9223372036854775807 + 1", "uniform(1e27, 1e28) * 100", "round(1.5, 99)", "int(5, 1)", "normal(0, 1e300)", "days(1e300)", "pick(null, 1) + 1", "chance(1e-30)", "abs(-9223372036854775807 - 1)", "min('a', 1)", "-(-9223372036854775807 - 1)"];
    private static readonly string[] SizeKeys = ["count", "ticks", "subjects", "limit", "repeat", "profiles", "probability", "after", "tick", "weight", "min", "max", "args", "start", "end", "value", "scale", "hourly", "referenceDate"];

    /// <summary>The sample manifests, the retail analytics sample, the kit's ledger and this folder's fuzz seeds (a simulation, event flows, journeys).</summary>
    public static IEnumerable<string> Samples() =>
        Directory.GetFiles(Path.Combine(TestGeneration.RepositoryRoot, "samples", "manifests"), "*.yaml")
            .Append(Path.Combine(TestGeneration.RepositoryRoot, "samples", "Retail", "retail.yaml"))
            .Append(Path.Combine(TestGeneration.RepositoryRoot, "tests", "DataGen.Xunit.Tests", "Manifests", "ledger.yaml"))
            .Concat(Directory.GetFiles(Path.Combine(TestGeneration.RepositoryRoot, "tests", "DataGen.Core.Tests", "Manifests", "Fuzz"), "*.yaml"))
            .Order(StringComparer.Ordinal);

    [Fact]
    public async Task Mutants_of_every_sample_reach_every_runtime_and_fail_only_as_DataGen_errors()
    {
        var extra = ulong.TryParse(Environment.GetEnvironmentVariable("DATAGEN_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 0;
        var count = int.TryParse(Environment.GetEnvironmentVariable("DATAGEN_FUZZ_COUNT"), CultureInfo.InvariantCulture, out var c) && c > 0 ? c : DefaultMutants;
        var reached = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var failed = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var timedOut = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var escapes = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var spent = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Samples(), new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = TestContext.Current.CancellationToken }, async (path, ct) =>
        {
            var name = Path.GetRelativePath(TestGeneration.RepositoryRoot, path);
            var original = new YamlStream();
            original.Load(new StringReader(await File.ReadAllTextAsync(path, ct)));
            var random = new DeterministicRandom(StableHash.Of(name) ^ StableHash.Mix(extra));
            for (var i = 0; i < count; i++)
            {
                var mutant = Mutate(original.Documents[0].RootNode, ref random);
                await RunAsync(name, i, mutant, reached, failed, timedOut, escapes, spent, ct);
            }
        });

        var report = new System.Text.StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"structure fuzz: seed {extra}, {count} mutants per sample, {Samples().Count()} samples, {watch.Elapsed.TotalSeconds:F1} s");
        foreach (var stage in Reported)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {stage,-9} reached {reached.GetValueOrDefault(stage),7}  DataGen errors {failed.GetValueOrDefault(stage),7}  timed out {timedOut.GetValueOrDefault(stage),4}  {spent.GetValueOrDefault(stage) / (double)Stopwatch.Frequency,6:F1} s");
        }

        TestContext.Current.TestOutputHelper!.WriteLine(report.ToString());
        if (Environment.GetEnvironmentVariable("DATAGEN_FUZZ_REPORT") is { Length: > 0 } file)
        {
            await File.AppendAllTextAsync(file, report.ToString(), TestContext.Current.CancellationToken);
        }

        escapes.Values.Order(StringComparer.Ordinal).Take(30).Should().BeEmpty("every failure of a runtime must be a located DataGen error");
        if (count >= DefaultMutants)
        {
            foreach (var stage in Stages)
            {
                reached.GetValueOrDefault(stage).Should().BeGreaterThanOrEqualTo(MinimumPerStage, $"the fuzz must reach '{stage}' with enough mutants to mean something");
            }
        }
    }

    private static async Task RunAsync(
        string sample,
        int index,
        string mutant,
        ConcurrentDictionary<string, long> reached,
        ConcurrentDictionary<string, long> failed,
        ConcurrentDictionary<string, long> timedOut,
        ConcurrentDictionary<string, string> escapes,
        ConcurrentDictionary<string, long> spent,
        CancellationToken cancellationToken)
    {
        var stage = "loaded";
        var began = Stopwatch.GetTimestamp();
        void Reach(string next)
        {
            var now = Stopwatch.GetTimestamp();
            spent.AddOrUpdate(stage, now - began, (_, n) => n + now - began);
            began = now;
            stage = next;
            reached.AddOrUpdate(stage, 1, (_, n) => n + 1);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var ct = timeout.Token;
        try
        {
            Manifest manifest;
            try
            {
                manifest = Manifest.Parse(mutant, Path.Combine(TestGeneration.RepositoryRoot, sample), new ManifestOptions { Environment = _ => null, Variables = new Dictionary<string, string>(), MaxValues = 1e9 });
            }
            catch (ManifestException e)
            {
                if (Environment.GetEnvironmentVariable("DATAGEN_FUZZ_DEBUG") is { Length: > 0 } debug)
                {
                    File.AppendAllText(debug, $"{sample}: {e.Errors[0].Message.Split('\n')[0][..Math.Min(120, e.Errors[0].Message.Split('\n')[0].Length)]}\n");
                }

                Reach("rejected");
                return;
            }

            reached.AddOrUpdate(stage, 1, (_, n) => n + 1);
            if (manifest.Models.Count > 0)
            {
                Reach("generate");
                var counts = manifest.Models.ToDictionary(m => m, _ => 10L, StringComparer.Ordinal);
                await DataGenerator.GenerateAsync(manifest, new CountingOutput(), new GenerationOptions { MaxDegreeOfParallelism = 1, BatchSize = 16, CountOverrides = counts }, ct);
            }

            if (manifest.Simulation is { } simulation)
            {
                Reach("simulate");
                await simulation.RunAsync(new CountingOutput(), new SimulationOptions { Subjects = 10, Ticks = Math.Min(simulation.Ticks, 2000), MaxDegreeOfParallelism = 1, BatchSize = 64 }, ct);
            }

            if (manifest.Events is { } scenario)
            {
                Reach("events");
                // Profiles are not what is fuzzed: one small pool per (count, seed, locale) serves every mutant.
                var key = (Math.Min(scenario.ProfileCount, 5), scenario.Seed, scenario.Locale);
                if (!Pools.TryGetValue(key, out var pool))
                {
                    pool = await ProfilePool.GenerateAsync(key.Item1, key.Seed, key.Locale, ct);
                    Pools.TryAdd(key, pool);
                }

                var events = 0;
                foreach (var _ in scenario.CreateRun(pool).Events(scenario.Start, scenario.End))
                {
                    ct.ThrowIfCancellationRequested();
                    if (++events == 300)
                    {
                        break;
                    }
                }
            }

            if (manifest.Journeys.Count > 0)
            {
                Reach("journeys");
                foreach (var provider in manifest.Journeys.Values.Take(2))
                {
                    ct.ThrowIfCancellationRequested();
                    provider.Create(manifest.Seed, index, manifest.ReferenceDate);
                }
            }
        }
        catch (Exception e) when (e is GenerationException or SimulationException or ManifestException)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(e.Message, @"\.yaml\(\d+,\d+\)"))
            {
                // The contract: a runtime failure names the place in the manifest it comes from.
                escapes.TryAdd($"unlocated {stage} {e.Message[..Math.Min(40, e.Message.Length)]}", $"{sample} mutant {index} ({stage}): a DataGen error without a file(line,col): {e.Message.Split('\n')[0]}{Environment.NewLine}{mutant}");
            }

            if (Environment.GetEnvironmentVariable("DATAGEN_FUZZ_DEBUG") is { Length: > 0 } debug)
            {
                File.AppendAllText(debug, $"{stage} {sample}: {e.Message.Split('\n')[0]}\n");
            }

            failed.AddOrUpdate(stage, 1, (_, n) => n + 1);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            timedOut.AddOrUpdate(stage, 1, (_, n) => n + 1);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var at = e.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("DataGen.", StringComparison.Ordinal))?.Trim();
            escapes.TryAdd($"{stage} {e.GetType().Name} {at}", $"{sample} mutant {index} ({stage}): {e.GetType().Name}: {e.Message.Split('\n')[0]} {at}{Environment.NewLine}{mutant}");
        }

        Reach("done");
        if (GC.GetTotalMemory(forceFullCollection: false) > MemoryCeiling)
        {
            escapes.TryAdd($"memory {sample} {index}", $"{sample} mutant {index} ({stage}): past the memory ceiling of {MemoryCeiling:N0} bytes");
        }
    }

    /// <summary>One or two edits of a copy of the YAML tree, written back as text.</summary>
    private static string Mutate(YamlNode original, ref DeterministicRandom random)
    {
        var root = Clone(original);
        var edits = random.NextBelow(4) == 0 ? 2 : 1;
        for (var e = 0; e < edits; e++)
        {
            var slots = new List<Slot>();
            Collect(root, null, null, slots);
            Edit(slots, ref random);
        }

        var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>A place in the tree: the node, its parent and its key (mappings) or index (sequences).</summary>
    private sealed record Slot(YamlNode Node, YamlNode? Parent, YamlNode? Key, int Index);

    private static void Collect(YamlNode node, YamlNode? parent, YamlNode? key, List<Slot> slots, int index = -1)
    {
        slots.Add(new Slot(node, parent, key, index));
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children.ToList())
                {
                    Collect(v, map, k, slots);
                }

                break;
            case YamlSequenceNode seq:
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    Collect(seq.Children[i], seq, null, slots, i);
                }

                break;
        }
    }

    private static void Edit(List<Slot> slots, ref DeterministicRandom random)
    {
        var scalars = slots.Where(s => s.Node is YamlScalarNode && s.Parent is not null).ToList();
        var children = slots.Where(s => s.Parent is not null).ToList();
        if (children.Count == 0 || scalars.Count == 0)
        {
            return;
        }

        switch (random.NextBelow(10))
        {
            case 0 or 1 or 2:
            {
                // A count, probability, delay, date or bound at its extremes (mostly of its own kind, so the mutant loads and runs).
                var sized = scalars.Where(s => s.Key is YamlScalarNode { Value: { } k } && SizeKeys.Contains(k)
                    || ((YamlScalarNode)s.Node).Value is { } v && double.TryParse(v.TrimEnd('%', 's', 'm', 'h', 'd'), NumberStyles.Float, CultureInfo.InvariantCulture, out _)).ToList();
                var slot = sized.Count > 0 ? Pick(sized, ref random) : Pick(scalars, ref random);
                Replace(slot, new YamlScalarNode(Extreme(((YamlScalarNode)slot.Node).Value ?? string.Empty, ref random)));
                break;
            }

            case 3 or 4:
            {
                // An expression with a type error, an overflow or a division by zero.
                var expressions = scalars.Where(s => ((YamlScalarNode)s.Node).Value is { } v && (v.Contains(' ', StringComparison.Ordinal) || v.StartsWith('=')) && !v.Contains("{{", StringComparison.Ordinal)).ToList();
                if (expressions.Count == 0)
                {
                    goto default;
                }

                var slot = Pick(expressions, ref random);
                var value = ((YamlScalarNode)slot.Node).Value!;
                var prefix = value.StartsWith('=') ? "=" : string.Empty;
                Replace(slot, new YamlScalarNode(random.NextBelow(2) == 0
                    ? value + ExpressionEdits[random.NextBelow((ulong)ExpressionEdits.Length)]
                    : prefix + Expressions[random.NextBelow((ulong)Expressions.Length)]));
                break;
            }

            case 5:
            {
                // A key or item deleted.
                var slot = Pick(children, ref random);
                switch (slot.Parent)
                {
                    case YamlMappingNode map:
                        map.Children.Remove(slot.Key!);
                        break;
                    case YamlSequenceNode seq:
                        seq.Children.RemoveAt(slot.Index);
                        break;
                }

                break;
            }

            case 6:
            {
                // A reference renamed: a scalar replaced by another scalar of the manifest, or misspelt.
                var slot = Pick(scalars, ref random);
                var other = (YamlScalarNode)Pick(scalars, ref random).Node;
                Replace(slot, new YamlScalarNode(random.NextBelow(3) == 0 ? other.Value + "x" : other.Value));
                break;
            }

            case 7:
            {
                // A key renamed, or a mapping entry or sequence item duplicated.
                var slot = Pick(children, ref random);
                if (slot.Parent is YamlMappingNode map && slot.Key is YamlScalarNode key)
                {
                    map.Children.Remove(key);
                    var renamed = new YamlScalarNode(random.NextBelow(2) == 0 ? key.Value + "_2" : ((YamlScalarNode)Pick(scalars, ref random).Node).Value);
                    if (!map.Children.ContainsKey(renamed))
                    {
                        map.Children.Add(renamed, slot.Node);
                    }
                }
                else if (slot.Parent is YamlSequenceNode seq)
                {
                    seq.Children.Insert(slot.Index, Clone(slot.Node));
                }

                break;
            }

            default:
            {
                // A kind swapped: scalar ↔ sequence ↔ mapping, or emptied.
                var slot = Pick(children, ref random);
                YamlNode replacement = (slot.Node, random.NextBelow(3)) switch
                {
                    (YamlScalarNode s, 0) => new YamlSequenceNode(new YamlScalarNode(s.Value)),
                    (YamlScalarNode s, 1) => new YamlMappingNode(new YamlScalarNode(s.Value), new YamlScalarNode("1")),
                    (YamlMappingNode, 0) => new YamlMappingNode(),
                    (YamlMappingNode m, 1) => new YamlSequenceNode(m.Children.Values.Select(Clone)),
                    (YamlSequenceNode, 0) => new YamlSequenceNode(),
                    (YamlSequenceNode q, 1) => q.Children.Count > 0 ? Clone(q.Children[0]) : new YamlMappingNode(),
                    _ => new YamlScalarNode("x"),
                };
                Replace(slot, replacement);
                break;
            }
        }
    }

    /// <summary>An extreme of the same kind as <paramref name="value"/> (a percentage, a delay, a date, a number), sometimes of another kind.</summary>
    private static string Extreme(string value, ref DeterministicRandom random)
    {
        var pool = random.NextBelow(8) == 0 ? Oddities
            : value.EndsWith('%') ? Percents
            : value.Length > 1 && char.IsAsciiLetter(value[^1]) && char.IsAsciiDigit(value[0]) && !value.Contains('-', StringComparison.Ordinal) ? Delays
            : value.Length >= 8 && value[4] == '-' || value.StartsWith('+') || value.StartsWith('-') && char.IsAsciiLetter(value[^1]) ? Dates
            : Numbers;
        return pool[random.NextBelow((ulong)pool.Length)];
    }

    private static Slot Pick(List<Slot> slots, ref DeterministicRandom random) => slots[(int)random.NextBelow((ulong)slots.Count)];

    private static void Replace(Slot slot, YamlNode replacement)
    {
        switch (slot.Parent)
        {
            case YamlMappingNode map:
                map.Children[slot.Key!] = replacement;
                break;
            case YamlSequenceNode seq:
                seq.Children[slot.Index] = replacement;
                break;
        }
    }

    private static YamlNode Clone(YamlNode node) => node switch
    {
        YamlScalarNode s => new YamlScalarNode(s.Value) { Style = s.Style },
        YamlSequenceNode q => new YamlSequenceNode(q.Children.Select(Clone)),
        YamlMappingNode m => new YamlMappingNode(m.Children.Select(kv => new KeyValuePair<YamlNode, YamlNode>(Clone(kv.Key), Clone(kv.Value)))),
        _ => new YamlScalarNode("x"),
    };
}
