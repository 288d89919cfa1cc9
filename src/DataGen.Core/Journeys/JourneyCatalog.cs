using System.Collections.Concurrent;

namespace DataGen.Journeys;

/// <summary>
/// Journey providers by name: the built-in <c>starfleet</c> and those registered with <see cref="Register"/>. Nothing
/// is found by scanning assemblies.
/// </summary>
public static class JourneyCatalog
{
    private static readonly ConcurrentDictionary<string, JourneyProvider> Registered = new(
        [new(StarfleetJourney.ProviderName, new StarfleetJourney())],
        StringComparer.Ordinal);

    /// <summary>Registers a provider under its <see cref="JourneyProvider.Name"/> (replacing one of the same name).</summary>
    public static void Register(JourneyProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        Registered[provider.Name] = provider;
    }

    /// <summary>All known journey providers by name.</summary>
    public static IReadOnlyDictionary<string, JourneyProvider> All() => new SortedDictionary<string, JourneyProvider>(Registered, StringComparer.Ordinal);

    /// <summary>Finds a provider by name, or null.</summary>
    public static JourneyProvider? Find(string name) => Registered.GetValueOrDefault(name);
}
