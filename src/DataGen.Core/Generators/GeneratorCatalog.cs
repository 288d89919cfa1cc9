using DataGen.Generation;
using DataGen.Manifests;

namespace DataGen.Generators;

/// <summary>The type of an option, for validation messages and the JSON Schema.</summary>
internal enum OptionType
{
    Integer,
    Number,
    String,
    Boolean,
    Probability,
    DateExpression,
    Count,
    Any,
    List,
    FieldMap,
    FieldSpec,
    Arguments,
    WeightedValues,
}

/// <summary>One option a generator accepts.</summary>
internal sealed record OptionSpec(string Name, OptionType Type, string Description, bool Required = false, IReadOnlyList<string>? Allowed = null);

/// <summary>A named generator: its documentation, options and factory.</summary>
internal sealed record GeneratorDescriptor(
    string Name,
    string Description,
    IReadOnlyList<OptionSpec> Options,
    Func<FieldSpec, CompileContext, FieldGenerator?> Create);

/// <summary>Every built-in generator by name; Bogus data sets are resolved separately by <see cref="BogusCatalog"/>.</summary>
internal static class GeneratorCatalog
{
    /// <summary>Options every field accepts, whatever its generator.</summary>
    public static readonly IReadOnlyList<OptionSpec> CommonOptions =
    [
        new("type", OptionType.String, "The generator: a built-in name or a Bogus data set method such as name.firstName."),
        new("nullRate", OptionType.Probability, "Probability (0–1 or a percentage) that the value is null."),
        new("unique", OptionType.Boolean, "Values never repeat within the model (top-level fields)."),
        new("maxLength", OptionType.Integer, "Text longer than this many characters is cut to it (a varchar(n) column)."),
        new("notEqual", OptionType.String, "Another field of the same object this value must differ from (a CHECK a <> b): an equal value is drawn again."),
    ];

    private static readonly Dictionary<string, GeneratorDescriptor> ByName = new[]
    {
        BasicGenerators.Uuid,
        BasicGenerators.Sequence,
        NumberGenerators.Int,
        NumberGenerators.Decimal,
        BasicGenerators.Bool,
        DateGenerators.Date,
        DateGenerators.DateTime,
        DateGenerators.Time,
        BasicGenerators.Choice,
        BasicGenerators.Mask,
        BytesGenerator.Descriptor,
        SetGenerator.Descriptor,
        GeometryGenerator.Descriptor,
        TemplateGenerator.Descriptor,
        ExpressionGenerator.Descriptor,
        BasicGenerators.Constant,
        ReferenceGenerators.Ref,
        ReferenceGenerators.Lookup,
        StructureGenerators.Object,
        StructureGenerators.Array,
        TextFormGenerators.Bits,
        TextFormGenerators.Range,
    }.ToDictionary(d => d.Name, StringComparer.Ordinal);

    public static IEnumerable<GeneratorDescriptor> BuiltIn => ByName.Values.OrderBy(d => d.Name, StringComparer.Ordinal);

    public static GeneratorDescriptor? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>Reads and validates every declared option, then reports the undeclared ones.</summary>
    public static void CheckOptions(FieldSpec spec, GeneratorDescriptor descriptor) =>
        spec.ReportUnknownOptions(descriptor.Options.Select(o => o.Name).Concat(CommonOptions.Select(o => o.Name)));
}
