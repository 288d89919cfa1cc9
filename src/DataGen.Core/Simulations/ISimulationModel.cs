
namespace DataGen.Simulations;

/// <summary>A simulation defined in C#, by type: what <c>[Simulate(typeof(T))]</c> and <c>Simulation.FromModel</c> build.</summary>
public interface ISimulationModel
{
    /// <summary>Builds the simulation.</summary>
    Simulation Create();
}
