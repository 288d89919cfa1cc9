using DataGen.Documents;

namespace DataGen.Journeys;

/// <summary>Finds journey providers by name: every public <see cref="JourneyProvider"/> in the loaded assemblies (starfleet ships built in).</summary>
public static class JourneyCatalog
{
    /// <summary>All known journey providers by name.</summary>
    public static IReadOnlyDictionary<string, JourneyProvider> All() =>
        new SortedDictionary<string, JourneyProvider>(Discovery.Instances<JourneyProvider>().ToDictionary(p => p.Name, StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>Finds a provider by name, or null.</summary>
    public static JourneyProvider? Find(string name) => All().GetValueOrDefault(name);
}
