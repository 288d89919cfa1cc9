using DataGen.Generation;
using DataGen.Manifests;
using DataGen.Randomness;
using DataGen.Simulations;

namespace DataGen.Generators;

/// <summary>
/// <c>expr</c>: a value computed from other fields of the row (or of enclosing objects) with the expression language
/// simulations use — <c>"rental_date + days(int(1, 10))"</c>, <c>"round(price * quantity, 2)"</c> — and, with
/// <c>when</c>, only for rows where a condition holds (null otherwise: <c>card_last4</c> only for card payments).
/// </summary>
internal sealed class ExpressionGenerator : FieldGenerator
{
    public static readonly GeneratorDescriptor Descriptor = new(
        "expr",
        "A value computed from other fields of the row: \"rental_date + days(int(1, 10))\", \"round(price * quantity, 2)\"; with 'when', only where a condition holds (null elsewhere).",
        [
            new("expr", OptionType.String, "The expression: fields of this object or enclosing ones, numbers, 'text', + - * / %, comparisons, and/or/not, uniform(), int(), normal(), pick(), round(), min(), max(), abs(), days(), hours(), minutes(), seconds().", Required: true),
            new("when", OptionType.String, "A condition over the row's fields; where it is false the value is null (e.g. \"method == 'card'\")."),
        ],
        static (spec, ctx) => Create(spec, ctx));

    private readonly Func<IExpressionContext, object?> _value;
    private readonly Func<IExpressionContext, object?>? _when;
    private readonly Dictionary<string, (int Up, int Index)> _names;

    private ExpressionGenerator(Func<IExpressionContext, object?> value, Func<IExpressionContext, object?>? when, Dictionary<string, (int Up, int Index)> names)
    {
        _value = value;
        _when = when;
        _names = names;
    }

    public override ValueKind Kind => ValueKind.Unknown;

    public override bool MayBeNull => _when is not null;

    public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
    {
        var context = new Context(new SimulationRandom(random.NextUInt64()), scope, _names);
        if (_when is not null && !(bool)_when(context)!)
        {
            return null;
        }

        return _value(context);
    }

    private static ExpressionGenerator? Create(FieldSpec spec, CompileContext ctx)
    {
        var names = new Dictionary<string, (int Up, int Index)>(StringComparer.Ordinal);
        var exprNode = spec.Require("expr", "an expression");
        var text = exprNode is null ? null : spec.RawScalar(exprNode, "an expression");
        var whenNode = spec.Find("when");
        var whenText = whenNode is null ? null : spec.RawScalar(whenNode, "a condition");
        bool IsName(string name)
        {
            if (ctx.Scope.Resolve(name) is not { } found)
            {
                return false;
            }

            ctx.DependOn(found.Up, found.Index);
            names[name] = found;
            return true;
        }

        Func<IExpressionContext, object?>? Compile(string source, YamlDotNet.RepresentationModel.YamlNode node, bool condition) =>
            Expressions.Compile(
                source,
                IsName,
                (message, offset) => spec.Error(node, $"{message} (at character {offset + 1} of '{source}')"),
                Expressions.Locate(spec.Errors.File, node, node is YamlDotNet.RepresentationModel.YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted } ? 1 : 0),
                "fields of this object or an enclosing one",
                condition);

        var value = text is null ? null : Compile(text, exprNode!, condition: false);
        var when = whenText is null ? null : Compile(whenText, whenNode!, condition: true);
        return value is null || (whenText is not null && when is null) ? null : new ExpressionGenerator(value, when, names);
    }

    private sealed class Context(SimulationRandom random, ObjectScope scope, Dictionary<string, (int Up, int Index)> names) : IExpressionContext
    {
        public SimulationRandom Random { get; } = random;

        public object? ValueOf(string name) => names.TryGetValue(name, out var at) ? scope.Ancestor(at.Up).Values[at.Index] : null;
    }
}
