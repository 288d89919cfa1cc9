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

    /// <summary>Loads a manifest from a temporary folder holding it and the files it names (tracer CSVs); the folder goes once it is loaded.</summary>
    public static async Task<Manifest> LoadWithFilesAsync(string yaml, params (string Name, string Content)[] files)
    {
        var directory = Directory.CreateTempSubdirectory("datagen-files-");
        try
        {
            foreach (var (name, content) in files)
            {
                await File.WriteAllTextAsync(Path.Combine(directory.FullName, name), content, TestContext.Current.CancellationToken);
            }

            var path = Path.Combine(directory.FullName, "manifest.yaml");
            await File.WriteAllTextAsync(path, yaml, TestContext.Current.CancellationToken);
            return await Manifest.LoadAsync(path, new ManifestOptions { Environment = _ => null }, TestContext.Current.CancellationToken);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

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
