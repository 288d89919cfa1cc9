using DataGen.Outputs;

namespace DataGen.Simulations;

/// <summary>Where subjects come from.</summary>
internal abstract record SubjectSource
{
    public sealed record Factory(long Count, Func<SubjectContext, IDictionary<string, object?>> Create) : SubjectSource;

    /// <summary>Rows of a model; <see cref="Rows"/> is null until the manifest that holds the model is built.</summary>
    public sealed record FromModel(string Model, ISubjectRows? Rows) : SubjectSource;
}
/// <summary>The rows of a model as a simulation's subjects: generated at run time with the run's seed.</summary>
internal interface ISubjectRows
{
    /// <summary>The seed the rows use when neither the caller nor the simulation gives one.</summary>
    ulong Seed { get; }

    /// <summary>Generates the rows (every model of their source goes to <paramref name="output"/>, which is not completed) and returns <paramref name="model"/>'s.</summary>
    Task<SubjectRows> GenerateAsync(string model, ulong seed, long? count, IDataOutput output, CancellationToken cancellationToken);
}
/// <summary>A subject model's descriptor and rows.</summary>
internal sealed record SubjectRows(ModelDescriptor Model, List<object?[]> Values);
