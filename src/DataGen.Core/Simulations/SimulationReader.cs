using System.Globalization;
using System.Text.RegularExpressions;
using DataGen.Generation;
using DataGen.Manifests;
using YamlDotNet.RepresentationModel;

namespace DataGen.Simulations;

/// <summary>Reads a manifest's <c>simulation:</c> section, reporting every problem at its line and column.</summary>
internal sealed partial class SimulationReader(ErrorSink errors, ManifestReader scalars, IReadOnlyList<ModelPlan> models, DateTime referenceDate)
{
    private const string Where = "simulation";
    internal static readonly string[] Keys = ["name", "subjects", "states", "initial", "tick", "ticks", "start", "end", "emit", "streams", "transitions"];
    private static readonly string[] StreamKeys = ["store", "target", "key", "value"];
    private static readonly string[] TransitionKeys = ["trigger", "from", "to", "probability", "hourly", "let", "require", "set", "outputs"];

    public Simulation? Read(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            errors.Add(node, "'simulation' must be a mapping with states, transitions and subjects");
            return null;
        }

        scalars.CheckKeys(map, Keys, "simulation", Where);
        var builder = Simulation.Create(ReadName(map));
        var errorsBefore = errors.Errors.Count;
        var subjects = ReadSubjects(map, builder);
        var attributes = subjects?.Root.Fields.ToDictionary(f => f.Name, f => f.Generator.Kind, StringComparer.Ordinal) ?? [];
        var stateNodes = ReadStates(map, builder);
        ReadTiming(map, builder);
        var letNames = new HashSet<string>(StringComparer.Ordinal);
        var transitionNodes = ReadTransitions(map, builder, attributes, letNames);
        var emits = ReadEmit(map, builder, attributes, letNames);
        ReadStreams(map, builder, emits);
        return Check(map, builder.BuildUnchecked(), stateNodes, transitionNodes, errorsBefore);
    }

    private string ReadName(YamlMappingNode map)
    {
        var name = Get(map, "name") is { } n ? scalars.Text(n, "a name", Where) ?? "simulation" : "simulation";
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add(Get(map, "name") ?? map, "the simulation's 'name' must not be empty", Where);
            name = "simulation";
        }

        return name;
    }

    private ModelPlan? ReadSubjects(YamlMappingNode map, SimulationBuilder builder)
    {
        if (Get(map, "subjects") is not { } subjectsNode)
        {
            errors.Add(map, "the simulation needs 'subjects: <model>' naming the model whose rows are the subjects", Where);
            return null;
        }

        if (scalars.Text(subjectsNode, "a model name", Where) is not { } model)
        {
            return null;
        }

        var subjects = models.FirstOrDefault(m => m.Name == model);
        if (subjects is null)
        {
            errors.Add(subjectsNode, $"subjects: unknown model '{model}'{Suggest.Hint(model, models.Select(m => m.Name))}; models: {string.Join(", ", models.Select(m => m.Name))}", Where);
        }
        else
        {
            builder.SubjectsOf(model);
        }

        return subjects;
    }

    private Dictionary<string, YamlNode> ReadStates(YamlMappingNode map, SimulationBuilder builder)
    {
        var stateNodes = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var s in List(Get(map, "states"), "states", "a list of state names"))
        {
            if (scalars.Text(s, "a state name", Where) is { } state)
            {
                builder.States(state);
                stateNodes.TryAdd(state, s);
            }
        }

        if (Get(map, "initial") is { } initial && scalars.Text(initial, "a state name", Where) is { } initialState)
        {
            builder.Initial(initialState);
        }

        return stateNodes;
    }

    /// <summary>start, tick, and ticks or end.</summary>
    private void ReadTiming(YamlMappingNode map, SimulationBuilder builder)
    {
        var start = Get(map, "start") is { } startNode ? scalars.Date(startNode, Where) ?? referenceDate : referenceDate;
        var tick = TimeSpan.FromMinutes(1);
        if (Get(map, "tick") is { } tickNode && scalars.Text(tickNode, "a duration", Where) is { } tickText)
        {
            tick = Durations.Parse(tickText) is { } t && t > TimeSpan.Zero ? t : Error(tickNode, $"'tick' must be a positive duration such as 30s, 1m, 1h, 1d or 00:01:00, found '{tickText}'", tick);
        }

        builder.Start(start).TickLength(tick);
        if (Get(map, "ticks") is { } ticksNode)
        {
            builder.Ticks(scalars.ReadNumber(ticksNode, "ticks", "a whole number > 0", t => long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : (long?)null, Where) ?? 1);
            if (Get(map, "end") is { } both)
            {
                errors.Add(both, "give either 'ticks' or 'end', not both", Where);
            }
        }
        else if (Get(map, "end") is { } endNode && scalars.Date(endNode, Where) is { } end)
        {
            if (end <= start)
            {
                errors.Add(endNode, $"'end' ({end:O}) must be after 'start' ({start:O})", Where);
            }

            builder.Between(start, end, tick);
        }
    }

    /// <summary>The transitions, each at its node (for locating the problems validation finds).</summary>
    private List<YamlMappingNode> ReadTransitions(YamlMappingNode map, SimulationBuilder builder, Dictionary<string, ValueKind> attributes, HashSet<string> letNames)
    {
        var transitionNodes = new List<YamlMappingNode>();
        foreach (var t in List(Get(map, "transitions"), "transitions", "a list of transitions"))
        {
            if (t is not YamlMappingNode tm)
            {
                errors.Add(t, "a transition must be a mapping with trigger, from, to and probability", Where);
            }
            else if (ReadTransition(tm, attributes, letNames) is { } transition)
            {
                transitionNodes.Add(tm);
                builder.Transition(transition);
            }
        }

        return transitionNodes;
    }

    private List<string> ReadEmit(YamlMappingNode map, SimulationBuilder builder, Dictionary<string, ValueKind> attributes, HashSet<string> letNames)
    {
        var emits = new List<string>();
        foreach (var e in List(Get(map, "emit"), "emit", "a list of attribute or 'let' names"))
        {
            if (scalars.Text(e, "a name", Where) is { } emitted)
            {
                emits.Add(emitted);
                if (!attributes.ContainsKey(emitted) && !letNames.Contains(emitted))
                {
                    errors.Add(e, $"emit: '{emitted}' is neither an attribute of the subjects nor a 'let' value{Suggest.Hint(emitted, attributes.Keys.Concat(letNames))}", Where);
                }

                builder.Emit(emitted);
            }
        }

        return emits;
    }

    /// <summary>The simulation's own checks, each located at its transition, state or key; warnings kept on the simulation.</summary>
    private Simulation? Check(YamlMappingNode map, Simulation simulation, Dictionary<string, YamlNode> stateNodes, List<YamlMappingNode> transitionNodes, int errorsBefore)
    {
        var problems = simulation.Validate();
        YamlNode Locate(SimulationProblem p) =>
            p.Transition >= 0 && p.Transition < transitionNodes.Count
                ? (p.Part is { } part ? Get(transitionNodes[p.Transition], part) : null) ?? transitionNodes[p.Transition]
                : p.State is { } s && stateNodes.TryGetValue(s, out var sn) ? sn
                : p.Part is { } key ? Get(map, key) ?? map : map;

        if (errors.Errors.Count > errorsBefore)
        {
            // Other errors first hide most checks (they would repeat them), but not the sums of probabilities, which
            // depend only on the transitions that were read: report those in the same run.
            foreach (var p in problems.Where(p => !p.IsWarning && p.Part == "probability" && p.State is not null))
            {
                errors.Add(Locate(p), p.Message, Where);
            }

            return null;
        }

        foreach (var p in problems.Where(p => !p.IsWarning))
        {
            errors.Add(Locate(p), p.Message, Where);
        }

        // Warnings carry their location like errors do: file(line,column): warning: …
        simulation.Warnings = problems.Where(p => p.IsWarning)
            .Select(p => Locate(p) is var node ? $"{errors.File}({node.Start.Line},{node.Start.Column}): warning: {p.Message}" : p.Message)
            .ToList();
        return problems.Any(p => !p.IsWarning) ? null : simulation;
    }

    private SimulationTransition? ReadTransition(YamlMappingNode map, Dictionary<string, ValueKind> attributes, HashSet<string> allLets)
    {
        scalars.CheckKeys(map, TransitionKeys, "transition", Where);

        string? Required(string key, string expected)
        {
            if (Get(map, key) is { } node)
            {
                return scalars.Text(node, expected, Where);
            }

            errors.Add(map, $"a transition needs '{key}' ({expected})", Where);
            return null;
        }

        var trigger = Required("trigger", "a trigger name");
        var from = Required("from", "a state name");
        var to = Required("to", "a state name");
        double? percent = null;
        if (Get(map, "probability") is { } pNode)
        {
            // The unit is required: a bare 0.01 could mean 1 % (a probability) or 0.01 % (a percentage), and both are common.
            percent = scalars.ReadNumber(pNode, "probability", "a percentage per tick with its unit, such as 0.5% (a bare number is ambiguous)", t =>
                t.EndsWith('%') && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null, Where);
        }
        else
        {
            errors.Add(map, "a transition needs 'probability' (% per tick)", Where);
        }

        double[]? hourly = null;
        if (Get(map, "hourly") is { } hNode)
        {
            hourly = List(hNode, "hourly", "a list of 24 factors").Select(h => scalars.ReadNumber(h, "hourly", "a factor ≥ 0", t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null, Where) ?? 0).ToArray();
        }

        // let → require → set, compiled against the subject's attributes and the lets before them.
        var lets = new List<(string Name, Func<IExpressionContext, object?> Value)>();
        var names = new HashSet<string>(attributes.Keys, StringComparer.Ordinal);
        if (Get(map, "let") is YamlMappingNode letMap)
        {
            foreach (var (k, v) in letMap.Children)
            {
                var name = scalars.Text(k, "a name", Where) ?? string.Empty;
                if (!ManifestReader.Identifier().IsMatch(name))
                {
                    errors.Add(k, $"'{name}' is not a valid name (letters, digits, _)", Where);
                }

                if (Expression(v, names) is { } value)
                {
                    lets.Add((name, value));
                }

                names.Add(name);
                allLets.Add(name);
            }
        }
        else if (Get(map, "let") is { } badLet)
        {
            errors.Add(badLet, "'let' must map names to expressions", Where);
        }

        var require = Get(map, "require") is { } rNode ? Expression(rNode, names, condition: true) : null;
        var sets = new List<(string Name, ValueKind Kind, Func<IExpressionContext, object?> Value, string Where)>();
        if (Get(map, "set") is YamlMappingNode setMap)
        {
            foreach (var (k, v) in setMap.Children)
            {
                var name = scalars.Text(k, "an attribute name", Where) ?? string.Empty;
                if (!attributes.TryGetValue(name, out var kind))
                {
                    errors.Add(k, $"set: '{name}' is not an attribute of the subjects{Suggest.Hint(name, attributes.Keys)}; attributes: {string.Join(", ", attributes.Keys)}", Where);
                }

                if (Expression(v, names) is { } value)
                {
                    sets.Add((name, kind, value, $"{Expressions.Locate(errors.File, v, v is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted } ? 1 : 0)}: in expression '{(v as YamlScalarNode)?.Value}'"));
                }
            }
        }
        else if (Get(map, "set") is { } badSet)
        {
            errors.Add(badSet, "'set' must map attribute names to expressions", Where);
        }

        IReadOnlyList<string>? outputs = null;
        if (Get(map, "outputs") is { } oNode)
        {
            outputs = List(oNode, "outputs", "a list of stream names").Select(o => scalars.Text(o, "a stream name", Where) ?? string.Empty).ToList();
        }

        if (trigger is null || from is null || to is null || percent is null)
        {
            return null;
        }

        Func<TransitionContext, bool>? action = null;
        if (lets.Count > 0 || require is not null || sets.Count > 0)
        {
            var letArray = lets.ToArray();
            var setArray = sets.ToArray();
            action = context =>
            {
                foreach (var (name, value) in letArray)
                {
                    context.Values[name] = value(context);
                }

                if (require is not null && !(bool)require(context)!)
                {
                    return false;
                }

                foreach (var (name, kind, value, where) in setArray)
                {
                    context[name] = ToKind(value(context), kind, name, where);
                }

                return true;
            };
        }

        return new SimulationTransition(trigger, from, to, percent.Value) { Hourly = hourly, Action = action, Outputs = outputs };
    }

    /// <summary>
    /// Keeps an attribute's kind when an expression changes it (a decimal balance stays a decimal). A fraction is never
    /// rounded away silently: a value with one, set to an integer attribute, is an error at the expression.
    /// </summary>
    private static object? ToKind(object? value, ValueKind kind, string name, string where) => (kind, value) switch
    {
        (ValueKind.Integer, decimal d) when d == decimal.Truncate(d) && d >= long.MinValue && d <= long.MaxValue => (long)d,
        (ValueKind.Integer, decimal d) => throw new Expressions.ExpressionFailure(where, $"'{name}' is an integer attribute (its field gives whole numbers) and the value {d.ToString(CultureInfo.InvariantCulture)} is not a whole 64-bit number; nothing is rounded silently: declare the field as a decimal (a constant written 0.00, or type: decimal), or round() in the expression"),
        (ValueKind.Decimal, long l) => (decimal)l,
        (ValueKind.Double, long l) => (double)l,
        (ValueKind.Double, decimal d) => (double)d,
        _ => value,
    };

    private Func<IExpressionContext, object?>? Expression(YamlNode node, HashSet<string> names, bool condition = false)
    {
        var text = scalars.Text(node, "an expression", Where);
        if (text is null)
        {
            return null;
        }

        var quoted = node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted } ? 1 : 0;
        return Expressions.Compile(
            text,
            names.Contains,
            (message, offset) => errors.Add((int)node.Start.Line, (int)node.Start.Column + quoted + offset, $"in expression '{text}': {message}", Where),
            Expressions.Locate(errors.File, node, quoted),
            condition: condition);
    }

    private IEnumerable<YamlNode> List(YamlNode? node, string key, string expected)
    {
        if (node is null)
        {
            return [];
        }

        if (node is YamlSequenceNode seq)
        {
            return seq.Children;
        }

        errors.Add(node, $"'{key}' must be {expected}", Where);
        return [];
    }

    private T Error<T>(YamlNode node, string message, T fallback)
    {
        errors.Add(node, message, Where);
        return fallback;
    }

    private static YamlNode? Get(YamlMappingNode map, string key) => ManifestReader.Get(map, key);

}
