using System.Globalization;
using System.Text.RegularExpressions;
using DataGen.Generators;
using DataGen.Manifests;
using DataGen.Outputs;
using DataGen.Simulations;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DataGen.Events;

/// <summary>A manifest's <c>events:</c> section: profiles, event types, flows and the batch window.</summary>
public sealed class EventScenario
{
    internal EventScenario(int profiles, string? profilesFile, DateTime start, DateTime end, IReadOnlyList<EventFlow> flows, IReadOnlyDictionary<string, object?> state, ulong seed, string locale)
    {
        ProfileCount = profiles;
        ProfilesFile = profilesFile;
        Start = start;
        End = end;
        Flows = flows;
        InitialState = state;
        Seed = seed;
        Locale = locale;
    }

    /// <summary>How many profiles to generate (when no file is given).</summary>
    public int ProfileCount { get; }

    /// <summary>A profile file (NDJSON from <see cref="ProfilePool.SaveAsync"/>) to load instead, if any.</summary>
    public string? ProfilesFile { get; }

    /// <summary>The batch window's start.</summary>
    public DateTime Start { get; }

    /// <summary>The batch window's end.</summary>
    public DateTime End { get; }

    /// <summary>The flows profiles start with (by weight).</summary>
    public IReadOnlyList<EventFlow> Flows { get; }

    /// <summary>Every profile's state before its first event.</summary>
    public IReadOnlyDictionary<string, object?> InitialState { get; }

    /// <summary>The seed.</summary>
    public ulong Seed { get; }

    /// <summary>The Bogus locale.</summary>
    public string Locale { get; }

    /// <summary>The datastore events go to (<c>store:</c>), or null: standard output or files.</summary>
    public string? Store { get; init; }

    /// <summary>The table or topic in <see cref="Store"/> (<c>target:</c>; default <c>events</c>).</summary>
    public string? Target { get; init; }

    /// <summary>Loads the profile file, or generates <see cref="ProfileCount"/> profiles from the seed.</summary>
    public Task<ProfilePool> ProfilesAsync(CancellationToken cancellationToken = default) =>
        ProfilesFile is { } file ? ProfilePool.LoadAsync(file, cancellationToken) : ProfilePool.GenerateAsync(ProfileCount, Seed, Locale, cancellationToken);

    /// <summary>A run of these flows over <paramref name="profiles"/>.</summary>
    public EventFlowRun CreateRun(ProfilePool profiles) => new(profiles, Flows, Seed, Locale) { InitialState = InitialState };
}

/// <summary>Reads the <c>events:</c> section, reporting every problem at its line and column.</summary>
internal sealed class EventsReader(ErrorSink errors, ManifestReader scalars, ulong seed, string locale, DateTime referenceDate)
{
    private const string Where = "events";
    internal static readonly string[] Keys = ["profiles", "start", "end", "state", "types", "flows", "store", "target"];
    internal static readonly string[] StepKeys = ["event", "events", "after", "limit", "set", "branch"];
    private static readonly string[] ProfileFields = ["id", "uuid", "first_name", "last_name", "username", "email", "birthdate", "employer", "job", "home_address", "work_address", "home_phone", "mobile_phone", "licence", "plate"];
    private static readonly string[] Builtins = ["flow", "occurrence", "at"];

    public EventScenario? Read(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            errors.Add(node, "'events' must be a mapping with profiles, types and flows", Where);
            return null;
        }

        scalars.CheckKeys(map, Keys, "events", Where);

        var before = errors.Errors.Count;
        var profiles = 100;
        string? file = null;
        if (Get(map, "profiles") is { } p && scalars.Text(p, "a number of profiles or a profile file", Where) is { } pText)
        {
            if (int.TryParse(pText, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                profiles = n;
            }
            else
            {
                file = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(errors.File)) ?? ".", pText));
                if (!File.Exists(file))
                {
                    errors.Add(p, $"profiles: '{pText}' is neither a number nor an existing profile file ({file})", Where);
                }
            }
        }

        var start = Get(map, "start") is { } s ? scalars.Date(s, Where) ?? referenceDate : referenceDate;
        // A week by default, or up to the last date there is.
        var week = DateTime.MaxValue - start < TimeSpan.FromDays(7) ? DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc) : start.AddDays(7);
        var end = Get(map, "end") is { } e ? scalars.Date(e, Where) ?? week : week;
        if (end < start)
        {
            errors.Add(Get(map, "end")!, $"'end' ({end:O}) must not be before 'start' ({start:O})", Where);
        }

        var state = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (Get(map, "state") is YamlMappingNode stateMap)
        {
            foreach (var (k, v) in stateMap.Children)
            {
                state[scalars.Text(k, "a name", Where) ?? string.Empty] = v is YamlScalarNode sv && sv.Style == ScalarStyle.Plain ? Constant(sv.Value ?? string.Empty) : scalars.Text(v, "a value", Where);
            }
        }

        // Every name a step's 'set' writes is state too.
        var stateNames = new HashSet<string>(state.Keys, StringComparer.Ordinal);
        var flowMap = Get(map, "flows") as YamlMappingNode;
        foreach (var step in flowMap?.Children.Values.OfType<YamlMappingNode>().Select(f => Get(f, "steps")).OfType<YamlSequenceNode>().SelectMany(s => s.Children).OfType<YamlMappingNode>() ?? [])
        {
            if (Get(step, "set") is YamlMappingNode set)
            {
                stateNames.UnionWith(set.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? string.Empty));
            }
        }

        var types = new Dictionary<string, EventType>(StringComparer.Ordinal);
        if (Get(map, "types") is YamlMappingNode typeMap)
        {
            foreach (var (k, v) in typeMap.Children)
            {
                var name = scalars.Text(k, "an event type name", Where) ?? string.Empty;
                if (string.IsNullOrWhiteSpace(name))
                {
                    errors.Add(k, "an event type needs a name", Where);
                    continue;
                }

                if (ReadType(name, v, stateNames) is { } type)
                {
                    types[name] = type;
                }
            }
        }
        else
        {
            errors.Add(Get(map, "types") ?? map, "'types' must map event names to their fields", Where);
        }

        if (flowMap is null || flowMap.Children.Count == 0)
        {
            errors.Add(Get(map, "flows") ?? map, "'flows' must map flow names to { weight, steps } (at least one flow)", Where);
            return null;
        }

        // Shells first, so branches can name any flow.
        var shells = new Dictionary<string, (EventFlow Flow, List<FlowStep> Steps, YamlNode Node)>(StringComparer.Ordinal);
        foreach (var (k, v) in flowMap.Children)
        {
            var name = scalars.Text(k, "a flow name", Where) ?? string.Empty;
            var weight = v is YamlMappingNode fm && Get(fm, "weight") is { } w
                ? scalars.ReadNumber(w, "weight", "a weight ≥ 0 (0: reached only by branches)", t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= 0 && double.IsFinite(d) ? d : (double?)null, Where) ?? 1
                : 1;
            var steps = new List<FlowStep>();
            shells[name] = (new EventFlow(name, weight, steps), steps, v);
        }

        foreach (var (name, (_, steps, flowNode)) in shells)
        {
            if (flowNode is not YamlMappingNode fm || Get(fm, "steps") is not YamlSequenceNode seq || seq.Children.Count == 0)
            {
                errors.Add(flowNode, $"flow '{name}' needs 'steps': a list of {{ event | events | branch, after, limit, set }}", Where);
                continue;
            }

            foreach (var (key, _) in fm.Children)
            {
                if ((key as YamlScalarNode)?.Value is not ("weight" or "steps"))
                {
                    errors.Add(key, $"unknown flow key '{(key as YamlScalarNode)?.Value}'; expected weight, steps", Where);
                }
            }

            foreach (var stepNode in seq.Children)
            {
                if (steps.Count > 0 && steps[^1] is { Limit: 0 } or { Branches: not null })
                {
                    errors.Add(stepNode, $"flow '{name}': nothing can follow a step that repeats until the run ends (limit 0) or a branch", Where);
                    break;
                }

                if (ReadStep(stepNode, types, shells.ToDictionary(s => s.Key, s => s.Value.Flow, StringComparer.Ordinal), stateNames) is { } step)
                {
                    if (steps.Count == 0 && step.Branches is not null)
                    {
                        errors.Add(stepNode, $"flow '{name}' must start with events, not a branch", Where);
                    }

                    steps.Add(step);
                }
            }
        }

        CheckAdvance(shells.ToDictionary(s => s.Key, s => (s.Value.Flow, s.Value.Node), StringComparer.Ordinal));
        var roots = shells.Values.Select(s => s.Flow).Where(f => f.Weight > 0).ToList();
        if (roots.Count == 0 && shells.Count > 0)
        {
            errors.Add(flowMap, "at least one flow needs a weight above 0 (profiles start with those)", Where);
        }

        var (store, target) = ReadDestination(map);
        return errors.Errors.Count > before ? null : new EventScenario(profiles, file, start, end, roots, state, seed, locale) { Store = store, Target = target };
    }

    /// <summary>The datastore (<c>store:</c>, declared under <c>datastores:</c>) and table or topic (<c>target:</c>) events go to.</summary>
    private (string? Store, string? Target) ReadDestination(YamlMappingNode map)
    {
        var store = Get(map, "store") is { } s ? scalars.Text(s, "a datastore name", Where) : null;
        if (store is not null && !scalars.Datastores.Any(d => d.Name == store))
        {
            errors.Add(Get(map, "store")!, $"events: unknown datastore '{store}'{Suggest.Hint(store, scalars.Datastores.Select(d => d.Name))}; datastores: {string.Join(", ", scalars.Datastores.Select(d => d.Name))}", Where);
        }

        var target = Get(map, "target") is { } t ? scalars.Text(t, "a table or topic name", Where) : null;
        if (target is { } && (store is null || string.IsNullOrWhiteSpace(target)))
        {
            errors.Add(Get(map, "target")!, store is null ? "events: 'target' needs 'store' (the datastore the table or topic is in)" : "events: 'target' must name a table or topic", Where);
        }

        return (store, target);
    }

    /// <summary>
    /// Refuses flows that would never advance time (a run would write events at one instant until killed): an
    /// unlimited step needs a positive minimum delay, and branches must not loop through flows that can all take no time.
    /// </summary>
    private void CheckAdvance(Dictionary<string, (EventFlow Flow, YamlNode Node)> flows)
    {
        static YamlNode? StepNode(YamlNode flow, int index) =>
            flow is YamlMappingNode fm && Get(fm, "steps") is YamlSequenceNode seq && index < seq.Children.Count ? seq.Children[index] : null;

        // A flow takes no time when every step's shortest delay is zero.
        var instant = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, (flow, node)) in flows)
        {
            for (var i = 0; i < flow.Steps.Count; i++)
            {
                var step = flow.Steps[i];
                if (step.Branches is null && step.Limit == 0 && step.MinDelay <= TimeSpan.Zero)
                {
                    var at = StepNode(node, i) is YamlMappingNode s ? Get(s, "after") ?? Get(s, "limit") ?? s : node;
                    errors.Add(at, $"flow '{name}': step {i + 1} repeats until the run ends (limit 0) with a shortest delay of 0, so time would never advance: give 'after' a positive minimum or a 'limit'", Where);
                }
            }

            if (flow.Steps.Count > 0 && flow.Steps.All(s => s.Branches is not null || s.MinDelay <= TimeSpan.Zero))
            {
                instant.Add(name);
            }
        }

        // A branch cycle through instant flows repeats forever at one time.
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in instant)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var frontier = new Stack<string>([name]);
            while (frontier.TryPop(out var current))
            {
                foreach (var target in flows[current].Flow.Steps.Where(s => s.Branches is not null).SelectMany(s => s.Branches!).Select(b => b.Flow.Name))
                {
                    if (target == name && reported.Add(name))
                    {
                        var (flow, node) = flows[name];
                        var branch = flow.Steps.Count - 1;
                        errors.Add(StepNode(node, branch) ?? node, $"flow '{name}': its branches come back to it through flows whose steps all have a shortest delay of 0, so time would never advance: give a step of the loop a positive minimum delay ('after: [1s, …]')", Where);
                    }
                    else if (instant.Contains(target) && seen.Add(target))
                    {
                        frontier.Push(target);
                    }
                }
            }
        }
    }

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
                    errors.Add((int)node.Start.Line, (int)node.Start.Column + quoted + m.Index, $"event '{type}': '{{{{{m.Groups[1].Value}}}}}' is not profile.<field>, state.<name>, an earlier field, flow, occurrence or at{hint}; profile fields: {string.Join(", ", ProfileFields)}", Where);
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
            _ => c.Values.TryGetValue(path, out var v) ? v : null,
        };
    }

    private FlowStep? ReadStep(YamlNode node, Dictionary<string, EventType> types, Dictionary<string, EventFlow> flows, HashSet<string> stateNames)
    {
        if (node is not YamlMappingNode map)
        {
            errors.Add(node, "a step must be a mapping: { event: name } or { events: [a, b] } or { branch: { flow: weight } }", Where);
            return null;
        }

        scalars.CheckKeys(map, StepKeys, "step", Where);

        if (Get(map, "branch") is { } branchNode)
        {
            if (branchNode is not YamlMappingNode branches || branches.Children.Count == 0)
            {
                errors.Add(branchNode, "'branch' must map flow names to weights", Where);
                return null;
            }

            var choices = new List<(EventFlow, double)>();
            foreach (var (k, v) in branches.Children)
            {
                var flow = scalars.Text(k, "a flow name", Where) ?? string.Empty;
                var weight = scalars.ReadNumber(v, "branch weight", "a weight > 0", t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 && double.IsFinite(d) ? d : (double?)null, Where);
                if (!flows.TryGetValue(flow, out var target))
                {
                    errors.Add(k, $"branch: unknown flow '{flow}'{Suggest.Hint(flow, flows.Keys)}; flows: {string.Join(", ", flows.Keys)}", Where);
                }
                else if (weight is { } w)
                {
                    choices.Add((target, w));
                }
            }

            return choices.Count == branches.Children.Count ? FlowStep.Branch([.. choices]) : null;
        }

        var names = Get(map, "event") is { } one ? [one] : Get(map, "events") is YamlSequenceNode many ? many.Children.ToList() : [];
        if (names.Count == 0)
        {
            errors.Add(map, "a step needs 'event: name', 'events: [a, b]' (sent together) or 'branch'", Where);
            return null;
        }

        var events = new List<EventType>();
        foreach (var n in names)
        {
            var name = scalars.Text(n, "an event type", Where) ?? string.Empty;
            if (types.TryGetValue(name, out var type))
            {
                events.Add(type);
            }
            else
            {
                errors.Add(n, $"unknown event type '{name}'{Suggest.Hint(name, types.Keys)}; types: {string.Join(", ", types.Keys)}", Where);
            }
        }

        var limit = Get(map, "limit") is { } l ? scalars.ReadNumber(l, "limit", "a whole number ≥ 0 (0: until the run ends)", t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null, Where) ?? 1 : 1;
        var (min, max) = (TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
        if (Get(map, "after") is { } after && scalars.DelayRange(after, Where) is { } range)
        {
            (min, max) = range;
        }

        Action<EventContext>? update = null;
        if (Get(map, "set") is YamlMappingNode set)
        {
            var assignments = new List<(string Name, Func<IExpressionContext, object?> Value)>();
            foreach (var (k, v) in set.Children)
            {
                var name = scalars.Text(k, "a state name", Where) ?? string.Empty;
                var text = Raw(v, "an expression");
                var quoted = v is YamlScalarNode { Style: ScalarStyle.Plain } ? 0 : 1;
                if (text is not null && Expressions.Compile(
                        text,
                        n => stateNames.Contains(n) || ProfileFields.Contains(n),
                        (message, offset) => errors.Add((int)v.Start.Line, (int)v.Start.Column + quoted + offset, $"in expression '{text}': {message}", Where),
                        Expressions.Locate(errors.File, v, quoted)) is { } value)
                {
                    assignments.Add((name, value));
                }
            }

            update = c =>
            {
                foreach (var (name, value) in assignments)
                {
                    c.State[name] = value(c);
                }
            };
        }

        return events.Count == names.Count ? FlowStep.Of([.. events]) with { Limit = limit, MinDelay = min, MaxDelay = max, Update = update } : null;
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

    private static YamlNode? Get(YamlMappingNode map, string key) => ManifestReader.Get(map, key);
}
