using System.Globalization;
using System.Text.Json.Nodes;
using DataGen.Generators;

namespace DataGen.Journeys;

/// <summary>One step of a journey: a document of a known type, and when it happens.</summary>
/// <param name="Index">Position in the journey.</param>
/// <param name="DocumentType">The document's type (e.g. starfleet_account).</param>
/// <param name="DocumentId">The document's id.</param>
/// <param name="FileName">The file name the step's document is exported under.</param>
/// <param name="Delay">Delay after the step it is measured from.</param>
/// <param name="DelayFrom">Index of that step (−1 for the first step: measured from the journey's start).</param>
/// <param name="At">When the step happens (UTC).</param>
/// <param name="Document">The document as it is at this step (a snapshot).</param>
public sealed record JourneyStep(int Index, string DocumentType, string DocumentId, string FileName, TimeSpan Delay, int DelayFrom, DateTime At, JsonObject Document)
{
    // Kept as compact UTF-8 JSON rather than a node tree: a journey holds a snapshot per step (an update repeated with
    // an append makes ever larger ones), and a tree costs several times its text. Memory stays linear in the output.
    private byte[] _document = Serialize(Document);

    /// <summary>The document as it is at this step (a snapshot; every read returns a new copy).</summary>
    public JsonObject Document
    {
        get => (JsonObject)JsonNode.Parse(_document)!;
        init => _document = Serialize(value);
    }

    private static byte[] Serialize(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(document);
    }
}

/// <summary>What one simulated user does: ordered steps correlated by a user id.</summary>
public sealed class Journey
{
    internal Journey(string provider, long index, ulong seed, DateTime start, string userId, IReadOnlyList<JourneyStep> steps)
    {
        Provider = provider;
        Index = index;
        Seed = seed;
        Start = start;
        UserId = userId;
        Steps = steps;
    }

    /// <summary>The journey provider's name.</summary>
    public string Provider { get; }

    /// <summary>The journey's index for its seed.</summary>
    public long Index { get; }

    /// <summary>The seed it was generated from.</summary>
    public ulong Seed { get; }

    /// <summary>When the journey starts; the first step's delay counts from here.</summary>
    public DateTime Start { get; }

    /// <summary>The user id that correlates the documents.</summary>
    public string UserId { get; }

    /// <summary>The steps in order.</summary>
    public IReadOnlyList<JourneyStep> Steps { get; }

    /// <summary>The base name of the exported zip and metadata files.</summary>
    public string Name => $"{Provider}-{Index.ToString("D6", CultureInfo.InvariantCulture)}-{UserId}";

    /// <summary>Metadata a replay tool reads: for every step its document type, file name, document id, delay and time.</summary>
    public JsonObject Metadata() => new()
    {
        ["provider"] = Provider,
        ["index"] = Index,
        ["seed"] = Seed,
        ["user_id"] = UserId,
        ["start"] = ScalarValues.Format(Start),
        ["steps"] = new JsonArray(Steps.Select(s => (JsonNode)new JsonObject
        {
            ["index"] = s.Index,
            ["document_type"] = s.DocumentType,
            ["file_name"] = s.FileName,
            ["document_id"] = s.DocumentId,
            ["delay_seconds"] = (long)s.Delay.TotalSeconds,
            ["delay_from"] = s.DelayFrom,
            ["at"] = ScalarValues.Format(s.At),
        }).ToArray()),
    };
}
