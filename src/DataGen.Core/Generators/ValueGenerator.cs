using System.Diagnostics.CodeAnalysis;
using DataGen.Generators;
using DataGen.Manifests;

namespace DataGen;

/// <summary>
/// A value generator written in C#, used by name from a manifest's fields (<c>sku</c>, or <c>{ type: sku, prefix: AB }</c>)
/// once it is given in <see cref="ManifestOptions.Generators"/>. Its parameters are read and checked when the manifest
/// loads (a problem is reported at its file, line and column); each value then comes from the row's own seeded
/// <see cref="ValueContext.Faker"/>, so the same manifest and seed give the same values on any machine and thread.
/// </summary>
[Experimental(Diagnostics.ExperimentalGenerators)]
public sealed class ValueGenerator
{
    private readonly Func<GeneratorParameters, Func<ValueContext, object?>> _bind;

    private ValueGenerator(string name, ValueKind kind, IReadOnlyList<string> parameters, Func<GeneratorParameters, Func<ValueContext, object?>> bind)
    {
        if (!ManifestReader.IsIdentifier(name))
        {
            throw new ArgumentException($"a generator name must start with a letter or underscore and hold only letters, digits and underscores (a dotted name is a Bogus method), found '{name}'", nameof(name));
        }

        foreach (var parameter in parameters)
        {
            if (!ManifestReader.IsIdentifier(parameter) || GeneratorCatalog.CommonOptions.Any(o => o.Name == parameter))
            {
                throw new ArgumentException($"generator '{name}': '{parameter}' cannot be a parameter name (an identifier other than {string.Join(", ", GeneratorCatalog.CommonOptions.Select(o => o.Name))})", nameof(parameters));
            }
        }

        Name = name;
        Kind = kind;
        Parameters = parameters.Distinct(StringComparer.Ordinal).ToArray();
        _bind = bind;
    }

    /// <summary>The name fields use as their <c>type</c>.</summary>
    public string Name { get; }

    /// <summary>The kind of every value (what outputs and schemas see); <see cref="ValueKind.Unknown"/> lets outputs infer it.</summary>
    public ValueKind Kind { get; }

    /// <summary>The parameters a field may give besides the options every field has (<c>nullRate</c>, <c>unique</c>, <c>maxLength</c>).</summary>
    public IReadOnlyList<string> Parameters { get; }

    /// <summary>A generator without parameters.</summary>
    /// <param name="name">The name fields use as their <c>type</c>: letters, digits and underscores.</param>
    /// <param name="kind">The kind of every value (checked as each is made), or <see cref="ValueKind.Unknown"/> to let outputs infer it.</param>
    /// <param name="generate">Makes one value from the row's seeded faker; never null (a field's <c>nullRate</c> gives nulls).</param>
    public static ValueGenerator Create(string name, ValueKind kind, Func<ValueContext, object?> generate)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(generate);
        return new ValueGenerator(name, kind, [], _ => generate);
    }

    /// <summary>A generator with parameters: <paramref name="bind"/> reads them once per field when the manifest loads and returns what makes each value.</summary>
    /// <param name="name">The name fields use as their <c>type</c>: letters, digits and underscores.</param>
    /// <param name="kind">The kind of every value (checked as each is made), or <see cref="ValueKind.Unknown"/> to let outputs infer it.</param>
    /// <param name="parameters">The parameter names a field may give; any other is reported as unknown, with a suggestion.</param>
    /// <param name="bind">
    /// Reads the field's parameters (each problem reported where it is written; an <see cref="ArgumentException"/> it throws
    /// is reported at the field) and returns what makes one value from the row's seeded faker; never null.
    /// </param>
    public static ValueGenerator Create(string name, ValueKind kind, IReadOnlyList<string> parameters, Func<GeneratorParameters, Func<ValueContext, object?>> bind)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(bind);
        return new ValueGenerator(name, kind, parameters, bind);
    }

    internal Func<ValueContext, object?> Bind(GeneratorParameters parameters) =>
        _bind(parameters) ?? throw new InvalidOperationException($"generator '{Name}' returned no value function for this field");
}

/// <summary>What a <see cref="ValueGenerator"/> makes one value from: the row's seeded faker and position.</summary>
[Experimental(Diagnostics.ExperimentalGenerators)]
public readonly struct ValueContext
{
    internal ValueContext(Bogus.Faker faker, long row, DateTime referenceDate)
    {
        Faker = faker;
        Row = row;
        ReferenceDate = referenceDate;
    }

    /// <summary>
    /// A faker seeded for this row and field (in the manifest's locale): every draw is deterministic. Give Bogus's date
    /// methods <see cref="ReferenceDate"/> (<c>Faker.Date.Past(1, ctx.ReferenceDate)</c>): without it they read the clock.
    /// </summary>
    public Bogus.Faker Faker { get; }

    /// <summary>The row's index in its model (within an array, the element's index).</summary>
    public long Row { get; }

    /// <summary>The manifest's fixed "now" (<c>referenceDate:</c>), what relative dates count from.</summary>
    public DateTime ReferenceDate { get; }
}

/// <summary>A field's parameters as a <see cref="ValueGenerator"/> reads them when the manifest loads; problems are reported where they are written.</summary>
[Experimental(Diagnostics.ExperimentalGenerators)]
public sealed class GeneratorParameters
{
    private readonly FieldSpec _spec;
    private readonly IReadOnlyList<string> _declared;

    internal GeneratorParameters(FieldSpec spec, IReadOnlyList<string> declared)
    {
        _spec = spec;
        _declared = declared;
    }

    /// <summary>The model the field belongs to.</summary>
    public string Model => _spec.Model;

    /// <summary>The field's path in its model (<c>address.city</c>).</summary>
    public string Field => _spec.Path;

    /// <summary>The manifest's locale (<c>locale:</c>).</summary>
    public string Locale { get; init; } = "en";

    /// <summary>The manifest's fixed "now" (<c>referenceDate:</c>).</summary>
    public DateTime ReferenceDate { get; init; }

    /// <summary>Whether the field gives <paramref name="name"/>.</summary>
    /// <param name="name">A declared parameter.</param>
    public bool Has(string name) => _spec.Has(Declared(name));

    /// <summary>A text parameter (variables substituted); null when absent (reported when <paramref name="required"/>).</summary>
    /// <param name="name">A declared parameter.</param>
    /// <param name="required">Report the field when the parameter is absent.</param>
    public string? GetString(string name, bool required = false) => _spec.GetString(Declared(name), required);

    /// <summary>A whole-number parameter; null when absent or not a whole number (reported where it is written).</summary>
    /// <param name="name">A declared parameter.</param>
    /// <param name="required">Report the field when the parameter is absent.</param>
    public long? GetInt64(string name, bool required = false) => _spec.GetLong(Declared(name), required);

    /// <summary>A number parameter read as a double; null when absent or not a number (reported where it is written).</summary>
    /// <param name="name">A declared parameter.</param>
    /// <param name="required">Report the field when the parameter is absent.</param>
    public double? GetDouble(string name, bool required = false) => _spec.GetDouble(Declared(name), required);

    /// <summary>A number parameter read as an exact decimal; null when absent or not a number (reported where it is written).</summary>
    /// <param name="name">A declared parameter.</param>
    /// <param name="required">Report the field when the parameter is absent.</param>
    public decimal? GetDecimal(string name, bool required = false) => _spec.GetDecimal(Declared(name), required);

    /// <summary>A true/false parameter; null when absent or not a boolean (reported where it is written).</summary>
    /// <param name="name">A declared parameter.</param>
    public bool? GetBoolean(string name) => _spec.GetBool(Declared(name));

    /// <summary>Reports a problem at the parameter (at the field when it is absent): the manifest fails to load, every problem listed with file, line and column.</summary>
    /// <param name="name">A declared parameter.</param>
    /// <param name="message">What is wrong and what is expected.</param>
    public void Error(string name, string message) => _spec.Error(_spec.Find(Declared(name)), message);

    private string Declared(string name) => _declared.Contains(name, StringComparer.Ordinal)
        ? name
        : throw new InvalidOperationException($"generator '{_spec.Type}' reads parameter '{name}', which it does not declare (declared: {(_declared.Count == 0 ? "none" : string.Join(", ", _declared))})");
}
