#pragma warning disable DGEN001 // the seam's own implementation
using DataGen.Generation;
using DataGen.Randomness;

namespace DataGen.Generators;

/// <summary>Diagnostic ids of DataGen's experimental APIs.</summary>
internal static class Diagnostics
{
    /// <summary>User value generators in C# (<see cref="ValueGenerator"/>, <see cref="ManifestOptions.Generators"/>).</summary>
    public const string ExperimentalGenerators = "DGEN001";
}

/// <summary>The user's <see cref="ValueGenerator"/>s of one manifest load, as descriptors the compiler finds by name.</summary>
internal sealed class CustomGenerators
{
    private readonly Dictionary<string, GeneratorDescriptor> _byName;

    private CustomGenerators(Dictionary<string, GeneratorDescriptor> byName) => _byName = byName;

    public static CustomGenerators None { get; } = new([]);

    public IEnumerable<string> Names => _byName.Keys.Order(StringComparer.Ordinal);

    /// <summary>Checks the names (no built-in's, none twice) and indexes them; a clash is the caller's mistake, thrown at once.</summary>
    public static CustomGenerators From(IReadOnlyList<ValueGenerator>? generators)
    {
        if (generators is null || generators.Count == 0)
        {
            return None;
        }

        var byName = new Dictionary<string, GeneratorDescriptor>(StringComparer.Ordinal);
        foreach (var generator in generators)
        {
            ArgumentNullException.ThrowIfNull(generator, nameof(ManifestOptions.Generators));
            if (GeneratorCatalog.Find(generator.Name) is not null)
            {
                throw new ArgumentException($"ManifestOptions.Generators: '{generator.Name}' is a built-in generator's name; give yours another", nameof(generators));
            }

            if (!byName.TryAdd(generator.Name, Describe(generator)))
            {
                throw new ArgumentException($"ManifestOptions.Generators: two generators are named '{generator.Name}'", nameof(generators));
            }
        }

        return new CustomGenerators(byName);
    }

    public GeneratorDescriptor? Find(string name) => _byName.GetValueOrDefault(name);

    private static GeneratorDescriptor Describe(ValueGenerator generator) => new(
        generator.Name,
        "A generator of the application's, written in C#.",
        generator.Parameters.Select(p => new OptionSpec(p, OptionType.Any, "A parameter of this generator.")).ToArray(),
        (spec, ctx) => new Bound(generator, ctx.Locale, ctx.ReferenceDate, generator.Bind(new GeneratorParameters(spec, generator.Parameters) { Locale = ctx.Locale, ReferenceDate = ctx.ReferenceDate })));

    /// <summary>A field's bound generator: each value from the row's seeded faker, checked against the declared kind.</summary>
    private sealed class Bound(ValueGenerator generator, string locale, DateTime referenceDate, Func<ValueContext, object?> generate) : FieldGenerator
    {
        public override ValueKind Kind => generator.Kind;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
        {
            var session = scope.Row.Worker.Bogus(locale);
            session.Source.Reset(random);
            // A faker of its own per value: Bogus caches a Person per faker, which a shared one would carry from row to row.
            var faker = new Bogus.Faker(locale) { Random = session.Randomizer };
            var value = ScalarValues.Normalize(generate(new ValueContext(faker, scope.Position, referenceDate)));
            if (value is null)
            {
                throw new InvalidOperationException($"generator '{generator.Name}' returned null (a field's nullRate gives nulls)");
            }

            if (generator.Kind != ValueKind.Unknown && ScalarValues.KindOf(value) is var kind && kind != generator.Kind)
            {
                throw new InvalidOperationException($"generator '{generator.Name}' declares {generator.Kind} values but returned {value.GetType().Name} ({kind})");
            }

            return value;
        }
    }
}
