using System.Text.Json;
using System.Text.Json.Nodes;
using DataGen.Outputs;

namespace DataGen.Journeys;

/// <summary>How a replay paces and stamps the steps.</summary>
public sealed record ReplayOptions
{
    /// <summary>Shift every step so the first happens at this time (default: keep the journeys' own times).</summary>
    public DateTime? Start { get; init; }

    /// <summary>Null (default): as fast as possible. Otherwise real time scaled by this factor (2 = twice as fast).</summary>
    public double? Speed { get; init; }

    /// <summary>The clock real-time replays wait on (tests pass their own).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>
/// Publishes journeys' step documents to any output, in global step-time order, as rows of one model
/// <c>journey_steps</c> (journey, step, user_id, document_type, document_id, at, document).
/// </summary>
public static class JourneyReplay
{
    /// <summary>The model the steps are written as.</summary>
    public static readonly ModelDescriptor Model = new(
        "journey_steps",
        null,
        [
            new("journey", ValueKind.String, false),
            new("step", ValueKind.Integer, false),
            new("user_id", ValueKind.String, false),
            new("document_type", ValueKind.String, false),
            new("document_id", ValueKind.String, false),
            new("at", ValueKind.DateTime, false),
            new("document", ValueKind.Object, false),
        ],
        0)
    {
        OrderKey = "journey",
        TimeField = "at",
    };

    /// <summary>Replays journeys into <paramref name="output"/>; returns the steps published. Cancellable at any step.</summary>
    public static async Task<long> ReplayAsync(IEnumerable<Journey> journeys, IDataOutput output, ReplayOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journeys);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new ReplayOptions();
        if (options.Speed is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Speed must be greater than 0");
        }

        // Stable order: time, then journey, then step.
        var steps = journeys.SelectMany(j => j.Steps.Select(s => (Journey: j, Step: s)))
            .OrderBy(x => x.Step.At).ThenBy(x => x.Journey.Index).ThenBy(x => x.Step.Index)
            .ToList();
        var descriptor = Model with { Count = steps.Count };
        var first = steps.Count > 0 ? steps[0].Step.At : default;
        var shift = options.Start is { } start && steps.Count > 0 ? DateTime.SpecifyKind(start, DateTimeKind.Utc) - first : TimeSpan.Zero;
        var clock = options.TimeProvider;
        var began = clock.GetTimestamp();

        long written;
        var writer = await output.OpenModelAsync(descriptor, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            var batch = new List<object?[]>();
            long firstRow = 0;
            foreach (var (journey, step) in steps)
            {
                if (options.Speed is { } speed)
                {
                    var due = TimeSpan.FromTicks((long)((step.At - first).Ticks / speed));
                    var wait = due - clock.GetElapsedTime(began);
                    if (wait > TimeSpan.Zero)
                    {
                        await Flush().ConfigureAwait(false);
                        await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
                    }
                }

                cancellationToken.ThrowIfCancellationRequested();
                batch.Add([journey.Name, (long)step.Index, journey.UserId, step.DocumentType, step.DocumentId, step.At + shift, ValueText.FromJson(step.Document)]);
                if (batch.Count == 1024)
                {
                    await Flush().ConfigureAwait(false);
                }
            }

            await Flush().ConfigureAwait(false);
            written = await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);

            async Task Flush()
            {
                if (batch.Count > 0)
                {
                    await writer.WriteAsync(new RowBatch(descriptor, firstRow, batch.ToArray()), cancellationToken).ConfigureAwait(false);
                    firstRow += batch.Count;
                    batch.Clear();
                }
            }
        }

        await output.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>Reads exported journeys (metadata JSON + zip pairs) from a directory, in file name order.</summary>
    public static IReadOnlyList<Journey> ReadExported(string directory)
    {
        var journeys = new List<Journey>();
        foreach (var metadataPath in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                journeys.Add(ReadOne(metadataPath));
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or NullReferenceException or InvalidOperationException or FormatException
                or KeyNotFoundException or InvalidCastException or InvalidDataException or ArgumentException or OverflowException or FileNotFoundException)
            {
                // A hostile or damaged export names the file and what was wrong, as a manifest error names its line.
                throw new InvalidDataException($"{metadataPath}: not a journey export written by 'datagen journey' ({e.Message})", e);
            }
        }

        return journeys;
    }

    private static Journey ReadOne(string metadataPath)
    {
        var metadata = JsonNode.Parse(File.ReadAllText(metadataPath))!.AsObject();
        var documents = JourneyExport.ReadSteps(Path.ChangeExtension(metadataPath, ".zip")).ToDictionary(s => s.FileName, s => s.Document, StringComparer.Ordinal);
        var steps = metadata["steps"]!.AsArray().Select(s => new JourneyStep(
            s!["index"]!.GetValue<int>(),
            s["document_type"]!.GetValue<string>(),
            s["document_id"]!.GetValue<string>(),
            s["file_name"]!.GetValue<string>(),
            TimeSpan.FromSeconds(s["delay_seconds"]!.GetValue<long>()),
            s["delay_from"]!.GetValue<int>(),
            DateTime.Parse(s["at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal),
            documents[s["file_name"]!.GetValue<string>()])).ToList();
        return new Journey(
            metadata["provider"]!.GetValue<string>(),
            metadata["index"]!.GetValue<long>(),
            metadata["seed"]!.GetValue<ulong>(),
            DateTime.Parse(metadata["start"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal),
            metadata["user_id"]!.GetValue<string>(),
            steps);
    }
}
