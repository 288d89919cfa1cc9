namespace DataGen.Events;

/// <summary>A manifest's <c>events:</c> section: profiles, event types, flows and the batch window.</summary>
public sealed class EventScenario
{
    internal EventScenario(int profiles, string? profilesFile, DateTime start, DateTime end, IReadOnlyList<EventFlow> flows, IReadOnlyDictionary<string, object?> state, ulong seed, string locale)
    {
        ProfileCount = profiles;
        ProfilesFile = profilesFile;
        Start = start;
        End = end;
        Flows = flows;
        InitialState = state;
        Seed = seed;
        Locale = locale;
    }

    /// <summary>How many profiles to generate (when no file is given).</summary>
    public int ProfileCount { get; }

    /// <summary>A profile file (NDJSON from <see cref="ProfilePool.SaveAsync"/>) to load instead, if any.</summary>
    public string? ProfilesFile { get; }

    /// <summary>The batch window's start.</summary>
    public DateTime Start { get; }

    /// <summary>The batch window's end.</summary>
    public DateTime End { get; }

    /// <summary>The flows profiles start with (by weight).</summary>
    public IReadOnlyList<EventFlow> Flows { get; }

    /// <summary>Every profile's state before its first event.</summary>
    public IReadOnlyDictionary<string, object?> InitialState { get; }

    /// <summary>The seed.</summary>
    public ulong Seed { get; }

    /// <summary>The Bogus locale.</summary>
    public string Locale { get; }

    /// <summary>The datastore events go to (<c>store:</c>), or null: standard output or files.</summary>
    public string? Store { get; init; }

    /// <summary>The table or topic in <see cref="Store"/> (<c>target:</c>; default <c>events</c>).</summary>
    public string? Target { get; init; }

    /// <summary>Loads the profile file, or generates <see cref="ProfileCount"/> profiles from the seed.</summary>
    public Task<ProfilePool> ProfilesAsync(CancellationToken cancellationToken = default) =>
        ProfilesFile is { } file ? ProfilePool.LoadAsync(file, cancellationToken) : ProfilePool.GenerateAsync(ProfileCount, Seed, Locale, cancellationToken);

    /// <summary>The time zones profiles live in, by weight (<c>timeZone:</c>); empty: UTC only (unless a flow has its own).</summary>
    public IReadOnlyList<(TimeZoneInfo Zone, double Weight)> TimeZones { get; init; } = [];

    /// <summary>The field holding each event's deterministic id (<c>eventId:</c>), or null.</summary>
    public string? EventIdField { get; init; }

    /// <summary>A run of these flows over <paramref name="profiles"/>.</summary>
    public EventFlowRun CreateRun(ProfilePool profiles) => new(profiles, Flows, Seed, Locale) { InitialState = InitialState, TimeZones = TimeZones, EventIdField = EventIdField };
}
