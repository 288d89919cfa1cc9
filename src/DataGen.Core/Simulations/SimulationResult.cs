
namespace DataGen.Simulations;

/// <summary>What a run produced.</summary>
/// <param name="Seed">The seed used.</param>
/// <param name="SubjectTicks">Subjects × ticks the run covered.</param>
/// <param name="Events">Events emitted (over all streams, each event counted once).</param>
/// <param name="EventsByTrigger">Events by trigger.</param>
/// <param name="Subjects">Every subject's final state and attributes.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record SimulationResult(ulong Seed, long SubjectTicks, long Events, IReadOnlyDictionary<string, long> EventsByTrigger, IReadOnlyList<SimulationSubject> Subjects, TimeSpan Elapsed);
