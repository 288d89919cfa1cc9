using System.Security.Cryptography;
using DataGen.Generation;
using DataGen.Outputs;

namespace DataGen.Core.Tests;

/// <summary>Runs manifests into memory or temporary directories for assertions.</summary>
internal static class TestGeneration
{
    public static string SamplePath(string name) => Path.Combine(AppContext.BaseDirectory, "samples", name);

    public static Manifest Parse(string yaml, ManifestOptions? options = null) =>
        Manifest.Parse(yaml, "test.yaml", options ?? new ManifestOptions { Environment = _ => null });

    /// <summary>Generates into memory; returns rows per model.</summary>
    public static async Task<Dictionary<string, List<object?[]>>> RowsAsync(Manifest manifest, GenerationOptions? options = null)
    {
        var output = new MemoryOutput();
        await DataGenerator.GenerateAsync(manifest, output, options, TestContext.Current.CancellationToken);
        return output.Rows;
    }

    public static async Task<Dictionary<string, List<Dictionary<string, object?>>>> RecordsAsync(Manifest manifest, GenerationOptions? options = null)
    {
        var output = new MemoryOutput();
        await DataGenerator.GenerateAsync(manifest, output, options, TestContext.Current.CancellationToken);
        return output.Rows.ToDictionary(
            kv => kv.Key,
            kv => kv.Value.Select(r => output.Models[kv.Key].Fields.Select((f, i) => (f.Name, r[i])).ToDictionary(x => x.Name, x => x.Item2)).ToList());
    }

    /// <summary>Generates to files in a fresh directory and returns the SHA-256 of every file, by name.</summary>
    public static async Task<SortedDictionary<string, string>> FileHashesAsync(Manifest manifest, FileFormat format, GenerationOptions? options = null)
    {
        var directory = Directory.CreateTempSubdirectory("datagen-test-");
        try
        {
            await using (var output = new FileOutput(directory.FullName, format))
            {
                await DataGenerator.GenerateAsync(manifest, output, options, TestContext.Current.CancellationToken);
            }

            var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in directory.EnumerateFiles("*", SearchOption.AllDirectories))
            {
                hashes[Path.GetRelativePath(directory.FullName, file.FullName)] = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file.FullName, TestContext.Current.CancellationToken)));
            }

            return hashes;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>An output that keeps rows in memory.</summary>
    internal sealed class MemoryOutput : IDataOutput
    {
        public Dictionary<string, List<object?[]>> Rows { get; } = [];

        public Dictionary<string, ModelDescriptor> Models { get; } = [];

        public bool Completed { get; private set; }

        public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default)
        {
            var rows = new List<object?[]>();
            Rows[model.Name] = rows;
            Models[model.Name] = model;
            return ValueTask.FromResult<IModelWriter>(new Writer(rows));
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default)
        {
            Completed = true;
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private sealed class Writer(List<object?[]> rows) : IModelWriter
        {
            public ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
            {
                rows.AddRange(batch.Rows);
                return ValueTask.CompletedTask;
            }

            public ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult((long)rows.Count);

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
