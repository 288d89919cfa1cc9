using DataGen.Outputs;

namespace DataGen.Core.Tests.Generation;

/// <summary>Tracer rows read from a file and used once: each completed run takes rows no earlier run took, and marks them.</summary>
public sealed class TracerConsumptionTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-tracers-");

    public void Dispose() => _directory.Delete(recursive: true);

    private const string Tracers = "customer_id,first_name\n990001,Tracy\n990002,Trevor\n990003,\"O'Tamsin, Jr\"\n";

    private string Manifest(string tracers) => $$"""
        models:
          customers:
            count: 3
            key: customer_id
            tracers: {{tracers}}
            fields:
              customer_id: { type: sequence, start: 1 }
              first_name: name.firstName
        """;

    private async Task<List<object?[]>> RunAsync(string tracers, bool fail = false)
    {
        var path = Path.Combine(_directory.FullName, "manifest.yaml");
        await File.WriteAllTextAsync(path, Manifest(tracers), TestContext.Current.CancellationToken);
        var manifest = await DataGen.Manifest.LoadAsync(path, new ManifestOptions { Environment = _ => null }, TestContext.Current.CancellationToken);
        var memory = new MemoryOutput();
        IDataOutput output = fail ? new FailingOutput(memory) : memory;
        await DataGenerator.GenerateAsync(manifest, output, cancellationToken: TestContext.Current.CancellationToken);
        return memory.Rows["customers"];
    }

    private static IEnumerable<long> TracerIds(List<object?[]> rows) => rows.Select(r => (long)r[0]!).Where(id => id > 1000);

    [Fact]
    public async Task Each_run_takes_rows_no_completed_run_took_and_marks_them()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "tracers.csv"), Tracers, TestContext.Current.CancellationToken);
        const string spec = "{ file: tracers.csv, consume: true, take: 2 }";

        TracerIds(await RunAsync(spec)).Should().Equal(990001, 990002);
        var consumed = Path.Combine(_directory.FullName, "tracers.csv.consumed");
        (await File.ReadAllLinesAsync(consumed, TestContext.Current.CancellationToken)).Should().Equal("990001,Tracy", "990002,Trevor");

        var second = await RunAsync(spec);
        TracerIds(second).Should().Equal(990003);
        second.Single(r => (long)r[0]! == 990003)[1].Should().Be("O'Tamsin, Jr");

        TracerIds(await RunAsync(spec)).Should().BeEmpty("every tracer was consumed");
        (await File.ReadAllLinesAsync(consumed, TestContext.Current.CancellationToken)).Should().HaveCount(3);
    }

    [Fact]
    public async Task The_same_files_give_the_same_run_and_a_failed_run_consumes_nothing()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "tracers.csv"), Tracers, TestContext.Current.CancellationToken);
        const string spec = "{ file: tracers.csv, consume: true, take: 1 }";

        var failed = () => RunAsync(spec, fail: true);
        await failed.Should().ThrowAsync<InvalidOperationException>();
        File.Exists(Path.Combine(_directory.FullName, "tracers.csv.consumed")).Should().BeFalse();

        var first = await RunAsync(spec);
        File.Delete(Path.Combine(_directory.FullName, "tracers.csv.consumed"));
        var again = await RunAsync(spec);
        again.Select(r => string.Join("|", r)).Should().Equal(first.Select(r => string.Join("|", r)));
        TracerIds(again).Should().Equal(990001);
    }

    [Fact]
    public async Task Without_consume_every_run_uses_every_row()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "tracers.csv"), Tracers, TestContext.Current.CancellationToken);
        TracerIds(await RunAsync("tracers.csv")).Should().HaveCount(3);
        TracerIds(await RunAsync("{ file: tracers.csv }")).Should().HaveCount(3);
        File.Exists(Path.Combine(_directory.FullName, "tracers.csv.consumed")).Should().BeFalse();
    }

    [Theory]
    [InlineData("{ file: tracers.csv, consume: yes }", "tracers 'consume' must be true or false, found 'yes'")]
    [InlineData("{ file: tracers.csv, take: 0 }", "take")]
    [InlineData("{ file: tracers.csv, consumed: true }", "unknown tracers key 'consumed'")]
    [InlineData("{ consume: true }", "tracers need a 'file'")]
    public async Task Bad_tracer_settings_are_errors_at_their_location(string spec, string message)
    {
        await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "tracers.csv"), Tracers, TestContext.Current.CancellationToken);
        var act = () => RunAsync(spec);
        (await act.Should().ThrowAsync<ManifestException>()).Which.Message.Should().Contain("manifest.yaml(5,").And.Contain(message);
    }

    /// <summary>Passes rows on, then fails to complete (a store that refused the commit).</summary>
    private sealed class FailingOutput(IDataOutput inner) : IDataOutput
    {
        public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default) => inner.OpenModelAsync(model, cancellationToken);

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => throw new InvalidOperationException("the commit failed");

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
