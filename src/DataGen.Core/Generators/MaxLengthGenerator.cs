using DataGen.Generation;
using DataGen.Randomness;

namespace DataGen.Generators;

/// <summary>Cuts text to <c>maxLength</c> characters (never splitting a surrogate pair); other values pass unchanged.</summary>
internal sealed class MaxLengthGenerator(FieldGenerator inner, int maxLength) : FieldGenerator
{
    public override ValueKind Kind => inner.Kind;

    public override ReferenceColumn? Source => inner.Source;

    public override bool IsReference => inner.IsReference;

    public override double MaxValues => inner.MaxValues;

    public override int? MaxTextLength => Math.Min(inner.MaxTextLength ?? maxLength, maxLength);

    public override IReadOnlyList<object?>? PossibleValues =>
        inner.PossibleValues?.Select(v => v is string text && text.Length > maxLength ? text[..maxLength] : v).ToList();

    public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
    {
        var value = inner.Generate(ref random, scope);
        return value is string text && text.Length > maxLength
            ? text[..(maxLength > 1 && char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength)]
            : value;
    }
}
