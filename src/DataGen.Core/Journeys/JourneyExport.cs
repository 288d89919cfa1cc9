using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataGen.Journeys;

/// <summary>
/// Writes journeys the way a replay tool reads them: per journey a zip of its step documents and a metadata
/// JSON beside it. Zips are byte-identical for the same seed (entry times are the steps' times). Files are
/// written to a temporary folder and moved into place only when every journey succeeded.
/// </summary>
public static class JourneyExport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Generates and exports <paramref name="quantity"/> journeys; returns the metadata files written.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(JourneyProvider provider, ulong seed, int quantity, DateTime start, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);
        var target = Path.GetFullPath(directory);
        var temporary = Path.Combine(target, $".journeys.{Environment.ProcessId}.tmp");
        Directory.CreateDirectory(temporary);
        try
        {
            var names = new List<string>(quantity);
            for (var i = 0; i < quantity; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var journey = provider.Create(seed, i, start);
                await WriteOneAsync(journey, temporary, cancellationToken).ConfigureAwait(false);
                names.Add(journey.Name);
            }

            var written = new List<string>(quantity);
            foreach (var name in names)
            {
                File.Move(Path.Combine(temporary, name + ".zip"), Path.Combine(target, name + ".zip"), overwrite: true);
                File.Move(Path.Combine(temporary, name + ".json"), Path.Combine(target, name + ".json"), overwrite: true);
                written.Add(Path.Combine(target, name + ".json"));
            }

            return written;
        }
        finally
        {
            Directory.Delete(temporary, recursive: true);
        }
    }

    private static async Task WriteOneAsync(Journey journey, string directory, CancellationToken cancellationToken)
    {
        var zipPath = Path.Combine(directory, journey.Name + ".zip");
        var stream = new FileStream(zipPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var step in journey.Steps)
            {
                var entry = zip.CreateEntry(step.FileName, CompressionLevel.Optimal);
                entry.LastWriteTime = new DateTimeOffset(step.At);
                var entryStream = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using (entryStream.ConfigureAwait(false))
                {
                    await JsonSerializer.SerializeAsync(entryStream, step.Document, Indented, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        var metadata = journey.Metadata();
        await File.WriteAllTextAsync(Path.Combine(directory, journey.Name + ".json"), metadata.ToJsonString(Indented), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a journey's step documents back from its zip, in step order.</summary>
    public static IReadOnlyList<(string FileName, JsonObject Document)> ReadSteps(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        return zip.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal).Select(e =>
        {
            using var s = e.Open();
            return (e.FullName, (JsonObject)JsonNode.Parse(s)!);
        }).ToList();
    }
}
