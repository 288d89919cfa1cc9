using DataGen.Outputs;

namespace DataGen.Simulations;

/// <summary>A named stream of events: a model written to the run's output (or to a manifest datastore).</summary>
/// <param name="Name">The stream (and event model) name.</param>
/// <param name="Store">The datastore it goes to, when the simulation comes from a manifest with datastores.</param>
/// <param name="Target">Table, collection or topic (default: the name).</param>
public sealed record SimulationStream(string Name, string? Store = null, string? Target = null);
