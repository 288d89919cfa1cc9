using System.Globalization;
using System.Text.RegularExpressions;
using DataGen.Generators;
using DataGen.Manifests;
using DataGen.Simulations;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DataGen.Events;

// Event types and their field values: templates, Bogus methods, expressions, constants
internal sealed partial class EventsReader
{
    private EventType? ReadType(string name, YamlNode node, HashSet<string> stateNames)
    {
        if (node is not YamlMappingNode fields || fields.Children.Count == 0)
        {
            errors.Add(node, $"event type '{name}' must map field names to values: templates (\"{{{{profile.email}}}}\"), Bogus methods (internet.ip), expressions (\"=state + 1\") or constants", Where);
            return null;
        }

        var compiled = new List<(string, Func<EventContext, object?>)>();
        var earlier = new List<string>();
        foreach (var (k, v) in fields.Children)
        {
            var field = scalars.Text(k, "a field name", Where) ?? string.Empty;
            if (string.IsNullOrWhiteSpace(field))
            {
                errors.Add(k, $"event type '{name}' has a field without a name", Where);
                continue;
            }

            if (Value(v, name, stateNames, earlier) is { } value)
            {
                compiled.Add((field, value));
            }

            earlier.Add(field);
        }

        return EventType.Create(name, b =>
        {
            foreach (var (field, value) in compiled)
            {
                b.Field(field, value);
            }
        });
    }

    /// <summary>A field value: "=expression", a template with {{…}}, a Bogus dataset.method, or a constant.</summary>
    private Func<EventContext, object?>? Value(YamlNode node, string type, HashSet<string> stateNames, List<string> earlier)
    {
        var text = Raw(node, "a template, Bogus method, expression or constant");
        if (text is null)
        {
            return null;
        }

        var plain = node is YamlScalarNode { Style: ScalarStyle.Plain };
        var quoted = plain ? 0 : 1;
        if (text.StartsWith('='))
        {
            var expression = Expressions.Compile(
                text[1..],
                n => stateNames.Contains(n) || earlier.Contains(n) || ProfileFields.Contains(n),
                (message, offset) => errors.Add((int)node.Start.Line, (int)node.Start.Column + quoted + 1 + offset, $"event '{type}': in expression '{text[1..]}': {message}", Where),
                Expressions.Locate(errors.File, node, quoted + 1));
            return expression is null ? null : c => expression(c);
        }

        if (text.Contains("{{", StringComparison.Ordinal))
        {
            var ok = true;
            foreach (Match m in Variables.Placeholder().Matches(text))
            {
                var parts = m.Groups[1].Value.Split('.');
                var known = parts[0] switch
                {
                    "profile" => parts.Length > 1 && ProfileFields.Contains(parts[1]),
                    "state" => parts.Length == 2 && stateNames.Contains(parts[1]),
                    _ => parts.Length == 1 && (Builtins.Contains(parts[0]) || earlier.Contains(parts[0])),
                };
                if (!known)
                {
                    ok = false;
                    var hint = parts[0] == "profile" && parts.Length > 1 ? Suggest.Hint(parts[1], ProfileFields) : parts[0] == "state" && parts.Length > 1 ? Suggest.Hint(parts[1], stateNames) : Suggest.Hint(parts[0], earlier.Concat(Builtins));
                    errors.Add((int)node.Start.Line, (int)node.Start.Column + quoted + m.Index, $"event '{type}': '{{{{{m.Groups[1].Value}}}}}' is not profile.<field>, state.<name>, an earlier field, flow, occurrence, at, local_at or time_zone{hint}; profile fields: {string.Join(", ", ProfileFields)}", Where);
                }
            }

            if (!ok)
            {
                return null;
            }

            var whole = Variables.WholePlaceholder(text);
            return c => whole is not null ? Resolve(c, whole) : Variables.Render(text, name => Resolve(c, name));
        }

        if (plain && BogusCatalog.LooksLikeBogus(text) && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            var bogus = BogusCatalog.WithDefaults(text, out var error);
            if (bogus is null)
            {
                errors.Add(node, $"event '{type}': {error}", Where);
                return null;
            }

            return c => bogus(c.Bogus);
        }

        var constant = plain ? Constant(text) : text;
        return _ => constant;
    }

    private static object? Resolve(EventContext c, string path)
    {
        var parts = path.Split('.', 2);
        return parts[0] switch
        {
            "profile" => c.Profile[parts[1]],
            "state" => c.State.TryGetValue(parts[1], out var s) ? s : null,
            "flow" => c.Flow,
            "occurrence" => c.Occurrence,
            "at" => c.At,
            "local_at" => EventFlowRun.LocalText(c.At, c.TimeZone),
            "time_zone" => c.TimeZone?.Id ?? "UTC",
            _ => c.Values.TryGetValue(path, out var v) ? v : null,
        };
    }

    private static object? Constant(string text) =>
        text switch
        {
            "null" or "~" or "" => null,
            "true" => true,
            "false" => false,
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
            _ when decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) => d,
            _ => text,
        };

    /// <summary>A scalar as written: {{…}} in event fields are the event's placeholders, not manifest variables.</summary>
    private string? Raw(YamlNode node, string expected)
    {
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? string.Empty;
        }

        errors.Add(node, $"expected {expected}", Where);
        return null;
    }
}
