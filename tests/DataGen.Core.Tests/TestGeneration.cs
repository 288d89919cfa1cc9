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
        return output.Rows.ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    public static async Task<Dictionary<string, List<Dictionary<string, object?>>>> RecordsAsync(Manifest manifest, GenerationOptions? options = null)
    {
        var output = new MemoryOutput();
        await DataGenerator.GenerateAsync(manifest, output, options, TestContext.Current.CancellationToken);
        return output.Models.Keys.ToDictionary(m => m, m => output.Records(m).Select(r => r.ToDictionary()).ToList());
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

    /// <summary>The repository's root folder (where DataGen.sln is).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DataGen.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
