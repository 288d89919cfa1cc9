using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DataGen.Documents;
using DataGen.Generators;
using DataGen.Manifests;
using DataGen.Outputs;
using DataGen.Simulations;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DataGen.Journeys;

/// <summary>
/// Reads a manifest's <c>journeys:</c> section: per journey, steps that create a document (a registered type or an
/// empty one) or update one created earlier, each after a delay, optionally repeated, with fields set or appended.
/// </summary>
internal sealed class JourneyReader(ErrorSink errors, ManifestReader scalars)
{
    private const string Where = "journeys";
    internal static readonly string[] StepKeys = ["document", "update", "as", "after", "from", "repeat", "set", "append"];

    public IReadOnlyDictionary<string, JourneyProvider> Read(YamlNode node)
    {
        var providers = new SortedDictionary<string, JourneyProvider>(StringComparer.Ordinal);
        if (node is not YamlMappingNode map)
        {
            errors.Add(node, "'journeys' must map journey names to { steps }", Where);
            return providers;
        }

        foreach (var (k, v) in map.Children)
        {
            var name = scalars.Text(k, "a journey name", Where) ?? string.Empty;
            if (name.Length > ManifestReader.MaxNameLength)
            {
                errors.Add(k, $"journey name '{name[..24]}…' has {name.Length} characters; at most {ManifestReader.MaxNameLength} are allowed (it names the exported files)", Where);
                continue;
            }
            if (v is not YamlMappingNode journey || ManifestReader.Get(journey, "steps") is not YamlSequenceNode steps || steps.Children.Count == 0)
            {
                errors.Add(v, $"journey '{name}' needs 'steps': a list of {{ document | update, as, after, from, repeat, set, append }}", Where);
                continue;
            }

            var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
            var compiled = new List<YamlJourneyProvider.Step>();
            var nodes = new List<YamlNode>();
            foreach (var s in steps.Children)
            {
                if (ReadStep(s, compiled.Count, aliases) is { } step)
                {
                    compiled.Add(step);
                    nodes.Add(s);
                }
            }

            CheckSize(name, compiled, nodes);
            providers[name] = new YamlJourneyProvider(name, compiled);
        }

        return providers;
    }

    private YamlJourneyProvider.Step? ReadStep(YamlNode node, int index, Dictionary<string, string> aliases)
    {
        if (node is not YamlMappingNode map)
        {
            errors.Add(node, "a journey step must be a mapping: { document: type, as: name } or { update: name }", Where);
            return null;
        }

        scalars.CheckKeys(map, StepKeys, "journey step", Where);

        var before = errors.Errors.Count;
        string alias;
        string type;
        var create = true;
        if (Get(map, "document") is { } documentNode)
        {
            type = scalars.Text(documentNode, "a document type", Where) ?? string.Empty;
            alias = Get(map, "as") is { } asNode ? scalars.Text(asNode, "a name", Where) ?? type : type;
            aliases[alias] = type;
        }
        else if (Get(map, "update") is { } updateNode)
        {
            alias = scalars.Text(updateNode, "a document name", Where) ?? string.Empty;
            create = false;
            if (!aliases.TryGetValue(alias, out type!))
            {
                errors.Add(updateNode, $"update: no earlier step created a document named '{alias}'{Suggest.Hint(alias, aliases.Keys)}", Where);
                type = alias;
            }
        }
        else
        {
            errors.Add(map, "a journey step needs 'document: <type>' (a new document) or 'update: <name>' (one created earlier)", Where);
            return null;
        }

        var (min, max) = (TimeSpan.Zero, TimeSpan.Zero);
        if (Get(map, "after") is { } after && scalars.DelayRange(after, Where) is { } range)
        {
            (min, max) = range;
        }

        int? from = null;
        if (Get(map, "from") is { } fromNode && scalars.Text(fromNode, "latest or a step number", Where) is { } fromText)
        {
            if (fromText == "latest")
            {
                from = -2;
            }
            else if (int.TryParse(fromText, NumberStyles.None, CultureInfo.InvariantCulture, out var f) && f < index)
            {
                from = f;
            }
            else
            {
                errors.Add(fromNode, $"'from' must be 'latest' or the number of an earlier step (0–{index - 1}), found '{fromText}'", Where);
            }
        }

        var (repeatMin, repeatMax) = (1, 1);
        if (Get(map, "repeat") is { } repeat)
        {
            var values = (repeat is YamlSequenceNode r ? r.Children : [repeat]).Select(c => scalars.Text(c, "a count", Where) is { } t && int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).ToArray();
            if (values.Length is < 1 or > 2 || values.Any(v => v < 0) || values[^1] < values[0])
            {
                errors.Add(repeat, "'repeat' must be a count or [min, max] such as [1, 10]", Where);
            }
            else
            {
                (repeatMin, repeatMax) = (values[0], values[^1]);
            }
        }

        var sets = Get(map, "set") is { } setNode ? Assignments(setNode, "set", aliases) : [];
        var appends = new List<(string Path, List<(string Path, YamlJourneyProvider.Value Value)> Fields)>();
        if (Get(map, "append") is YamlMappingNode appendMap)
        {
            foreach (var (k, v) in appendMap.Children)
            {
                appends.Add((scalars.Text(k, "a path to an array", Where) ?? string.Empty, Assignments(v, "append", aliases)));
            }
        }
        else if (Get(map, "append") is { } badAppend)
        {
            errors.Add(badAppend, "'append' must map array paths to the object to append", Where);
        }

        return errors.Errors.Count > before ? null : new YamlJourneyProvider.Step(create, type, alias, min, max, from, repeatMin, repeatMax, sets, appends, Expressions.Locate(errors.File, node));
    }

    /// <summary>
    /// A journey is built in memory, every step holding a snapshot of its document: refuses one whose snapshots could
    /// hold more values than a row may (<see cref="StructureGenerators.MaxValuesPerRow"/>). Repeating an
    /// <c>append</c> R times makes R snapshots of a growing document: about R²/2 appended objects.
    /// </summary>
    private void CheckSize(string journey, List<YamlJourneyProvider.Step> steps, List<YamlNode> nodes)
    {
        var documents = new Dictionary<string, double>(StringComparer.Ordinal);
        double total = 0;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            double repeats = step.RepeatMax;
            var size = documents.GetValueOrDefault(step.Alias);
            if (step.Create)
            {
                size = (DocumentCatalog.Find(step.Type)?.Fields.Count ?? 0) + step.Set.Count;
            }

            double appended = step.Append.Sum(a => Math.Max(1, a.Fields.Count));
            var values = (repeats * Math.Max(1, size + step.Set.Count)) + (appended * repeats * (repeats + 1) / 2);
            documents[step.Alias] = size + step.Set.Count + (appended * repeats);
            total += values;
            if (total > StructureGenerators.MaxValuesPerRow)
            {
                var at = nodes[i] is YamlMappingNode map ? Get(map, "repeat") ?? nodes[i] : nodes[i];
                errors.Add(at, $"journey '{journey}': one journey could hold {total:G3} values up to this step (each step keeps a snapshot of its document; {step.RepeatMax:N0} repeats{(appended > 0 ? " of an append make about repeats²/2 appended objects" : string.Empty)}); at most {StructureGenerators.MaxValuesPerRow:N0} are allowed: lower 'repeat'", Where);
                return;
            }
        }
    }

    private List<(string Path, YamlJourneyProvider.Value Value)> Assignments(YamlNode node, string key, Dictionary<string, string> aliases)
    {
        var result = new List<(string, YamlJourneyProvider.Value)>();
        if (node is not YamlMappingNode map)
        {
            errors.Add(node, $"'{key}' must map field paths to values", Where);
            return result;
        }

        foreach (var (k, v) in map.Children)
        {
            var path = scalars.Text(k, "a field path", Where) ?? string.Empty;
            if (Value(v, aliases) is { } value)
            {
                result.Add((path, value));
            }
        }

        return result;
    }

    /// <summary>A template ({{at}}, {{user_id}}, {{name.path}}), a Bogus dataset.method, or a constant.</summary>
    private YamlJourneyProvider.Value? Value(YamlNode node, Dictionary<string, string> aliases)
    {
        if (node is not YamlScalarNode scalar)
        {
            errors.Add(node, "expected a template, Bogus method or constant", Where);
            return null;
        }

        var text = scalar.Value ?? string.Empty;
        var plain = scalar.Style == ScalarStyle.Plain;
        if (text.Contains("{{", StringComparison.Ordinal))
        {
            foreach (Match m in Variables.Placeholder().Matches(text))
            {
                var name = m.Groups[1].Value;
                var head = name.Split('.')[0];
                if (name is not ("at" or "user_id") && !(aliases.ContainsKey(head) && name.Contains('.', StringComparison.Ordinal)))
                {
                    errors.Add((int)node.Start.Line, (int)node.Start.Column + (plain ? 0 : 1) + m.Index, $"'{{{{{name}}}}}' is not at, user_id or <document>.<path> of a document created earlier{Suggest.Hint(head, aliases.Keys.Append("at").Append("user_id"))}", Where);
                    return null;
                }
            }

            var whole = Variables.WholePlaceholder(text);
            return (resolve, _) => whole is not null ? resolve(whole) : JsonValue.Create(Variables.Render(text, n => resolve(n) is JsonValue v ? v.ToString() : resolve(n)?.ToJsonString()));
        }

        if (plain && BogusCatalog.LooksLikeBogus(text) && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            var bogus = BogusCatalog.WithDefaults(text, out var error);
            if (bogus is null)
            {
                errors.Add(node, error!, Where);
                return null;
            }

            return (_, session) => JsonNode.Parse(ValueText.ToJson(bogus(session)));
        }

        var constant = JsonNode.Parse(ValueText.ToJson(plain && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : plain && text is "true" or "false" ? text == "true" : text));
        return (_, _) => constant?.DeepClone();
    }

    private static YamlNode? Get(YamlMappingNode map, string key) => ManifestReader.Get(map, key);
}

/// <summary>A journey defined in a manifest's <c>journeys:</c> section.</summary>
internal sealed class YamlJourneyProvider(string name, IReadOnlyList<YamlJourneyProvider.Step> steps) : JourneyProvider
{
    /// <summary>A field value, from a resolver of {{names}} and a Bogus session seeded for the step.</summary>
    public delegate JsonNode? Value(Func<string, JsonNode?> resolve, BogusSession session);

    public override string Name => name;

    protected override void Build(JourneyContext journey)
    {
        var documents = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        for (var s = 0; s < steps.Count; s++)
        {
            var step = steps[s];
            var times = step.RepeatMin == step.RepeatMax ? step.RepeatMin : journey.Faker().Random.Int(step.RepeatMin, step.RepeatMax);
            for (var i = 0; i < times; i++)
            {
                try
                {
                    Occur(journey, documents, step);
                }
                catch (Exception e) when (e is not OperationCanceledException and not GenerationException)
                {
                    var reason = e is ArgumentOutOfRangeException && e.Message.Contains("DateTime", StringComparison.Ordinal) ? "its time falls past the year 9999 (dates end there)" : e.Message;
                    throw new GenerationException($"{step.Where}: step {s + 1}, occurrence {i + 1}: {reason}", e);
                }
            }
        }
    }

    private static void Occur(JourneyContext journey, Dictionary<string, JsonObject> documents, Step step)
    {
        if (step.Create || !documents.ContainsKey(step.Alias))
        {
            documents[step.Alias] = DocumentCatalog.Find(step.Type) is not null ? journey.NewDocument(step.Type) : [];
        }

        var document = documents[step.Alias];
        var session = journey.Session();
        journey.Step(step.Type, step.MinDelay, step.MaxDelay, at =>
        {
            JsonNode? Resolve(string path) => path switch
            {
                "at" => JsonValue.Create(ScalarValues.Format(at)),
                "user_id" => JsonValue.Create(journey.UserId),
                _ => Lookup(documents, path)?.DeepClone(),
            };

            foreach (var (path, value) in step.Set)
            {
                Assign(document, path, value(Resolve, session));
            }

            foreach (var (path, fields) in step.Append)
            {
                var item = new JsonObject();
                foreach (var (field, value) in fields)
                {
                    Assign(item, field, value(Resolve, session));
                }

                if (Lookup(document, path) is not JsonArray array)
                {
                    array = [];
                    Assign(document, path, array);
                }

                array.Add(item);
            }

            return document;
        }, after: step.From == -2 ? journey.AfterLatest : step.From);
    }

    private static JsonNode? Lookup(Dictionary<string, JsonObject> documents, string path)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && documents.TryGetValue(path[..dot], out var document) ? Lookup(document, path[(dot + 1)..]) : null;
    }

    private static JsonNode? Lookup(JsonNode node, string path)
    {
        JsonNode? current = node;
        foreach (var part in path.Split('.'))
        {
            current = current is JsonObject o && o.TryGetPropertyValue(part, out var next) ? next : null;
        }

        return current;
    }

    private static void Assign(JsonObject document, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var target = document;
        foreach (var part in parts[..^1])
        {
            if (target[part] is not JsonObject next)
            {
                next = [];
                target[part] = next;
            }

            target = next;
        }

        target[parts[^1]] = value;
    }

    internal sealed record Step(
        bool Create,
        string Type,
        string Alias,
        TimeSpan MinDelay,
        TimeSpan MaxDelay,
        int? From,
        int RepeatMin,
        int RepeatMax,
        IReadOnlyList<(string Path, Value Value)> Set,
        IReadOnlyList<(string Path, List<(string Path, Value Value)> Fields)> Append,
        string Where);
}
