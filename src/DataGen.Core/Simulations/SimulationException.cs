using DataGen.Outputs;

namespace DataGen.Simulations;

/// <summary>A problem found when validating a simulation.</summary>
internal sealed record SimulationProblem(string Message, bool IsWarning = false, int Transition = -1, string? State = null, string? Part = null);
/// <summary>Thrown when a simulation definition is invalid; lists every problem.</summary>
public sealed class SimulationException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public SimulationException(IReadOnlyList<string> problems)
        : base(problems.Count == 1 ? problems[0] : $"{problems.Count} problems in the simulation:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}") =>
        Problems = problems;

    /// <summary>Creates the exception with one problem.</summary>
    public SimulationException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception with no detail.</summary>
    public SimulationException()
        : this("invalid simulation")
    {
    }

    /// <summary>Wraps another exception.</summary>
    public SimulationException(string message, Exception innerException)
        : base(message, innerException) => Problems = [message];

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<string> Problems { get; } = [];
}
