using System.Text;
using DataGen.Manifests;
using DataGen.Outputs;

namespace DataGen.Generation;

/// <summary>
/// A run's model archives (<c>archive: path.csv</c>): before generating, each archive is read (its rows are what
/// <c>duplicates: { archived: n }</c> re-injects, and the model's sequence keys continue after its largest); while
/// generating, the rows each model writes go to a copy of its archive too, which replaces the archive only once the run's
/// output completed. A run that fails leaves every archive as it was.
/// </summary>
internal sealed class Archives : IAsyncDisposable
{
    private readonly List<FileOutput> _outputs = [];

    /// <summary>
    /// Reads every model's archive into its <see cref="StartingRead"/> (created when the run asked nothing of the model's
    /// table): refused at line 1 when its header is not the model's archived columns, missing or empty: no rows.
    /// </summary>
    public static void Read(GenerationPlan plan, Dictionary<string, StartingRead> reads, GenerationShard? shard)
    {
        foreach (var model in plan.Models.Where(m => m.Source.Archive is not null))
        {
            if (shard is not null)
            {
                throw new GenerationException("archive: cannot be combined with a sharded run (each shard writes part of the rows; the archive needs them all)", model.Name);
            }

            var path = model.Source.Archive!.Path;
            var descriptor = model.DescribeArchive(model.Describe(0, name => plan.Models.FirstOrDefault(m => m.Name == name)));
            var rows = new List<(int Line, string?[] Values)>();
            if (File.Exists(path) && new FileInfo(path).Length > 0)
            {
                FileOutput.CheckHeader(path, descriptor);
                using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
                rows.AddRange(Csv.Records(reader).Skip(1).Select(r => (r.Line, (string?[])r.Values)));
            }

            var sequences = model.Root.Fields.Where(f => f.Generator is Generators.BasicGenerators.SequenceGenerator { Step: > 0 }).Select(f => f.Name).ToList();
            var highest = new StartingRead(sequences, []);
            StartingFiles.Answer(highest, descriptor.Fields, rows.Select(r => r.Values));
            if (!reads.TryGetValue(model.Name, out var read))
            {
                reads[model.Name] = read = new StartingRead(sequences, []);
            }

            read.AnswerArchive(path, rows, sequences.Where(s => highest.HighestOf(s) is not null).ToDictionary(s => s, s => highest.HighestOf(s)!.Value, StringComparer.Ordinal));
        }
    }

    /// <summary>The writer of a model's archive (its rows as they are generated, ground truth included), or null without one.</summary>
    public async ValueTask<(IModelWriter Writer, ModelDescriptor Descriptor)?> OpenAsync(ModelPlan model, ModelDescriptor described, CancellationToken cancellationToken)
    {
        if (model.Source.Archive is not { } archive)
        {
            return null;
        }

        var output = new FileOutput(Path.GetDirectoryName(archive.Path)!, FileFormat.Csv);
        _outputs.Add(output);
        var descriptor = model.DescribeArchive(described);
        return (await output.OpenModelAsync(descriptor, cancellationToken).ConfigureAwait(false), descriptor);
    }

    /// <summary>Publishes every archive written (after the run's own output completed).</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        foreach (var output in _outputs)
        {
            await output.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var output in _outputs)
        {
            await output.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Nothing to dispose: a model without an archive.</summary>
internal sealed class NoArchive : IAsyncDisposable
{
    public static readonly NoArchive Instance = new();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
