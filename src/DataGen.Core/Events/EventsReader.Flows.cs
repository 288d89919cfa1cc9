using System.Globalization;
using System.Text.RegularExpressions;
using DataGen.Generators;
using DataGen.Manifests;
using DataGen.Simulations;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DataGen.Events;

// Flows and their steps: events, delays, limits, state updates, branches and fan-outs; the checks that a run advances
internal sealed partial class EventsReader
{
    /// <summary>The flows: shells first (so branches and fan-outs can name any flow), then their steps; returns the flows profiles start with.</summary>
    private List<EventFlow> ReadFlows(YamlMappingNode flowMap, Dictionary<string, EventType> types, HashSet<string> stateNames)
    {
        var shells = new Dictionary<string, (EventFlow Flow, List<FlowStep> Steps, YamlNode Node)>(StringComparer.Ordinal);
        foreach (var (k, v) in flowMap.Children)
        {
            var name = scalars.Text(k, "a flow name", Where) ?? string.Empty;
            var fm = v as YamlMappingNode;
            var weight = fm is not null && Get(fm, "weight") is { } w
                ? scalars.ReadNumber(w, "weight", "a weight ≥ 0 (0: reached only by branches and fan-outs)", t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= 0 && double.IsFinite(d) ? d : (double?)null, Where) ?? 1
                : 1;
            var parallel = fm is not null && Get(fm, "parallel") is { } p && scalars.ReadNumber(p, "parallel", "true or false", t => bool.TryParse(t, out var b) ? b : (bool?)null, Where) == true;
            var zone = fm is not null && Get(fm, "timeZone") is { } z ? Zone(z) : null;
            var steps = new List<FlowStep>();
            shells[name] = (new EventFlow(name, weight, steps) { Parallel = parallel, TimeZone = zone }, steps, v);
        }

        var flows = shells.ToDictionary(s => s.Key, s => s.Value.Flow, StringComparer.Ordinal);
        foreach (var (name, (_, steps, flowNode)) in shells)
        {
            ReadSteps(name, flowNode, steps, types, flows, stateNames);
        }

        var located = shells.ToDictionary(s => s.Key, s => (s.Value.Flow, s.Value.Node), StringComparer.Ordinal);
        CheckAdvance(located);
        CheckForkCycles(located);
        var roots = shells.Values.Select(s => s.Flow).Where(f => f.Weight > 0 || f.Parallel).ToList();
        if (roots.Count == 0 && shells.Count > 0)
        {
            errors.Add(flowMap, "at least one flow needs a weight above 0 or 'parallel: true' (profiles start with those)", Where);
        }

        return roots;
    }

    private void ReadSteps(string name, YamlNode flowNode, List<FlowStep> steps, Dictionary<string, EventType> types, Dictionary<string, EventFlow> flows, HashSet<string> stateNames)
    {
        if (flowNode is not YamlMappingNode fm || Get(fm, "steps") is not YamlSequenceNode seq || seq.Children.Count == 0)
        {
            errors.Add(flowNode, $"flow '{name}' needs 'steps': a list of {{ event | events | branch | fork, after, limit, set }} or \">> [flow, flow]\"", Where);
            return;
        }

        scalars.CheckKeys(fm, FlowKeys, "flow", Where);
        foreach (var stepNode in seq.Children)
        {
            if (steps.Count > 0 && (steps[^1] is { Limit: 0 } || steps[^1].Continues))
            {
                errors.Add(stepNode, $"flow '{name}': nothing can follow a step that repeats until the run ends (limit 0), a branch or a fan-out", Where);
                break;
            }

            if (ReadStep(stepNode, types, flows, stateNames) is { } step)
            {
                if (steps.Count == 0 && step.Continues)
                {
                    errors.Add(stepNode, $"flow '{name}' must start with events, not a {(step.Forks is null ? "branch" : "fan-out")}", Where);
                }

                steps.Add(step);
            }
        }
    }

    private FlowStep? ReadStep(YamlNode node, Dictionary<string, EventType> types, Dictionary<string, EventFlow> flows, HashSet<string> stateNames)
    {
        if (node is YamlScalarNode { Value: { } shorthand } && shorthand.TrimStart().StartsWith(">>", StringComparison.Ordinal))
        {
            return ReadFork(node, ForkTargets(node, shorthand.TrimStart()[2..]), flows);
        }

        if (node is not YamlMappingNode map)
        {
            errors.Add(node, "a step must be a mapping: { event: name }, { events: [a, b] }, { branch: { flow: weight } } or { fork: [a, b] }, or a fan-out \">> [a, b]\"", Where);
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

        if (Get(map, "fork") is { } forkNode)
        {
            var targets = forkNode is YamlSequenceNode list ? list.Children.Select(c => (c, scalars.Text(c, "a flow name", Where) ?? string.Empty)).ToList() : [(forkNode, scalars.Text(forkNode, "a flow name", Where) ?? string.Empty)];
            return ReadFork(forkNode, targets, flows);
        }

        var names = Get(map, "event") is { } one ? [one] : Get(map, "events") is YamlSequenceNode many ? many.Children.ToList() : [];
        if (names.Count == 0)
        {
            errors.Add(map, "a step needs 'event: name', 'events: [a, b]' (sent together), 'branch' or 'fork'", Where);
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
                if (!step.Continues && step.Limit == 0 && step.MinDelay <= TimeSpan.Zero)
                {
                    var at = StepNode(node, i) is YamlMappingNode s ? Get(s, "after") ?? Get(s, "limit") ?? s : node;
                    errors.Add(at, $"flow '{name}': step {i + 1} repeats until the run ends (limit 0) with a shortest delay of 0, so time would never advance: give 'after' a positive minimum or a 'limit'", Where);
                }
            }

            if (flow.Steps.Count > 0 && flow.Steps.All(s => s.Continues || s.MinDelay <= TimeSpan.Zero))
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

    /// <summary>The flow names of <c>&gt;&gt; a</c> or <c>&gt;&gt; [a, b]</c>, each with the node to report it at.</summary>
    private List<(YamlNode Node, string Name)> ForkTargets(YamlNode node, string list)
    {
        var inner = list.Trim();
        if (inner.StartsWith('[') && inner.EndsWith(']'))
        {
            inner = inner[1..^1];
        }

        return inner.Split(',').Select(n => (node, n.Trim())).ToList();
    }

    /// <summary>A fan-out step: every named flow must exist; none twice.</summary>
    private FlowStep? ReadFork(YamlNode node, List<(YamlNode Node, string Name)> targets, Dictionary<string, EventFlow> flows)
    {
        var chosen = new List<EventFlow>();
        foreach (var (at, name) in targets)
        {
            if (name.Length == 0)
            {
                errors.Add(at, "a fan-out names flows: \">> [a, b]\" or { fork: [a, b] }", Where);
            }
            else if (!flows.TryGetValue(name, out var flow))
            {
                errors.Add(at, $"fork: unknown flow '{name}'{Suggest.Hint(name, flows.Keys)}; flows: {string.Join(", ", flows.Keys)}", Where);
            }
            else if (chosen.Contains(flow))
            {
                errors.Add(at, $"fork: flow '{name}' is named twice", Where);
            }
            else
            {
                chosen.Add(flow);
            }
        }

        return chosen.Count == targets.Count && chosen.Count > 0 ? FlowStep.Fork([.. chosen]) : null;
    }

    /// <summary>
    /// Refuses a fan-out that leads back to its own flow (through branches or other fan-outs): every pass would start
    /// more walks than it ends, without bound. Loops go through branches, which continue one walk.
    /// </summary>
    private void CheckForkCycles(Dictionary<string, (EventFlow Flow, YamlNode Node)> flows)
    {
        foreach (var (name, (flow, node)) in flows)
        {
            var index = flow.Steps.ToList().FindIndex(s => s.Forks is not null);
            if (index < 0)
            {
                continue;
            }

            var path = PathBack(flow, flow.Steps[index].Forks!);
            if (path is not null)
            {
                var at = node is YamlMappingNode fm && Get(fm, "steps") is YamlSequenceNode seq && index < seq.Children.Count ? seq.Children[index] : node;
                errors.Add(at, $"flow '{name}': its fan-out comes back to it ({name} >> {string.Join(" → ", path)}), so each pass would start more walks without end; end the loop with a branch (one walk continues) instead of a fan-out", Where);
            }
        }
    }

    /// <summary>A path of flow names from one of <paramref name="starts"/> back to <paramref name="home"/>, or null.</summary>
    private static List<string>? PathBack(EventFlow home, IReadOnlyList<EventFlow> starts)
    {
        var previous = new Dictionary<EventFlow, EventFlow?>();
        var pending = new Queue<EventFlow>();
        foreach (var start in starts)
        {
            if (previous.TryAdd(start, null))
            {
                pending.Enqueue(start);
            }
        }

        while (pending.TryDequeue(out var flow))
        {
            if (flow == home)
            {
                var path = new List<string>();
                for (EventFlow? f = flow; f is not null; f = previous[f])
                {
                    path.Insert(0, f.Name);
                }

                return path;
            }

            foreach (var next in flow.Steps.SelectMany(s => s.Branches?.Select(b => b.Flow) ?? s.Forks ?? []))
            {
                if (previous.TryAdd(next, flow))
                {
                    pending.Enqueue(next);
                }
            }
        }

        return null;
    }
}
