using DataGen.Generation;
using DataGen.Manifests;
using DataGen.Randomness;
using YamlDotNet.RepresentationModel;

namespace DataGen.Generators;

/// <summary>
/// Text with <c>{{name}}</c> placeholders. A name is looked up among the object's own fields, then
/// the enclosing objects' (up to the row), then the manifest variables; <c>{{address.city}}</c>
/// reads into a nested object.
/// </summary>
internal sealed class CompiledTemplate
{
    private readonly Segment[] _segments;

    private CompiledTemplate(Segment[] segments) => _segments = segments;

    public bool IsConstant => _segments.All(s => s.Literal is not null);

    public static CompiledTemplate? Compile(string text, YamlNode node, FieldSpec spec, CompileContext ctx)
    {
        var segments = new List<Segment>();
        var last = 0;
        var ok = true;
        foreach (System.Text.RegularExpressions.Match m in Variables.Placeholder().Matches(text))
        {
            if (m.Index > last)
            {
                segments.Add(new Segment(text[last..m.Index], 0, -1, null));
            }

            last = m.Index + m.Length;
            var name = m.Groups[1].Value;
            var parts = name.Split('.');
            if (ctx.Scope.Resolve(parts[0]) is { } found)
            {
                ctx.DependOn(found.Up, found.Index);
                segments.Add(new Segment(null, found.Up, found.Index, parts.Length > 1 ? parts[1..] : null));
            }
            else if (spec.Variables.Resolve(name) is { } value)
            {
                segments.Add(new Segment(value, 0, -1, null));
            }
            else
            {
                var visible = new List<string>();
                for (var s = ctx.Scope; s is not null; s = s.Parent)
                {
                    visible.AddRange(s.Fields.Select(f => f.Name));
                }

                var suggestion = Suggest.Closest(parts[0], visible);
                spec.Error(node, spec.Variables.IsKnown(name)
                    ? $"variable '{name}' has no value: pass --var {name}=… or set {Variables.EnvironmentPrefix}{name}"
                    : $"template names '{{{{{name}}}}}', which is neither a field of this object (or an enclosing one) nor a variable"
                      + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)"));
                ok = false;
            }
        }

        if (last < text.Length)
        {
            segments.Add(new Segment(text[last..], 0, -1, null));
        }

        return ok ? new CompiledTemplate([.. segments]) : null;
    }

    public string Render(ObjectScope scope)
    {
        if (_segments.Length == 1)
        {
            // A template of one literal, or of one field holding text ({{first_name}}): that string itself.
            if (_segments[0] is { Literal: { } only })
            {
                return only;
            }

            if (_segments[0] is { Path: null } field && scope.Ancestor(field.Up).Values[field.Index] is string text)
            {
                return text;
            }
        }

        var builder = StringBuilderCache.Acquire();
        foreach (var segment in _segments)
        {
            if (segment.Literal is not null)
            {
                builder.Append(segment.Literal);
                continue;
            }

            object? value = scope.Ancestor(segment.Up).Values[segment.Index];
            if (segment.Path is not null)
            {
                foreach (var part in segment.Path)
                {
                    value = value is IReadOnlyDictionary<string, object?> o && o.TryGetValue(part, out var inner) ? inner : null;
                }
            }

            builder.Append(ScalarValues.Format(value));
        }

        return StringBuilderCache.ToStringAndRelease(builder);
    }

    private readonly record struct Segment(string? Literal, int Up, int Index, string[]? Path);
}

/// <summary>The <c>template</c> generator.</summary>
internal sealed class TemplateGenerator(CompiledTemplate template) : FieldGenerator
{
    public static readonly GeneratorDescriptor Descriptor = new(
        "template",
        "Text combining other fields of the same row and variables: \"{{first_name}}.{{last_name}}@example.com\".",
        [
            new("template", OptionType.String, "The text with {{field}} and {{variable}} placeholders.", Required: true),
            new("lowercase", OptionType.Boolean, "Lower-case the result (handy for e-mail addresses)."),
        ],
        static (spec, ctx) =>
        {
            var node = spec.Require("template", "text with {{field}} placeholders");
            var text = node is null ? null : spec.RawScalar(node, "text with {{field}} placeholders");
            var lower = spec.GetBool("lowercase") ?? false;
            return text is not null && CompiledTemplate.Compile(text, node!, spec, ctx) is { } t
                ? new TemplateGenerator(t) { Lowercase = lower }
                : null;
        });

    public bool Lowercase { get; init; }

    public override ValueKind Kind => ValueKind.String;

    public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
    {
        var text = template.Render(scope);
        return Lowercase ? text.ToLowerInvariant() : text;
    }
}
