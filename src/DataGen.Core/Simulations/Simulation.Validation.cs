using DataGen.Manifests;

namespace DataGen.Simulations;

// Checking a definition: states, transitions, probabilities, streams, subjects.
public sealed partial class Simulation
{
    /// <summary>The smallest positive probability (% per tick) a transition may have: below it, 1 − p is 1 in doubles.</summary>
    internal const double MinimumPercent = 1e-12;

    internal List<SimulationProblem> Validate()
    {
        var problems = new List<SimulationProblem>();
        var states = CheckStates(problems);
        CheckRun(problems);
        var streams = CheckStreams(problems);
        var triggers = new HashSet<(string From, string Trigger)>();
        for (var i = 0; i < Transitions.Count; i++)
        {
            CheckTransition(i, states, streams, triggers, problems);
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        CheckSums(problems);
        CheckReachable(problems);
        return problems;
    }

    private HashSet<string> CheckStates(List<SimulationProblem> problems)
    {
        var states = new HashSet<string>(StringComparer.Ordinal);
        if (States.Count == 0)
        {
            problems.Add(new("a simulation needs at least one state", Part: "states"));
        }

        foreach (var s in States)
        {
            if (string.IsNullOrWhiteSpace(s))
            {
                problems.Add(new("a state name must not be empty", State: s));
            }
            else if (!states.Add(s))
            {
                problems.Add(new($"state '{s}' is declared twice", State: s));
            }
        }

        if (States.Count > 0 && !states.Contains(Initial))
        {
            problems.Add(new($"the initial state '{Initial}' is not a state{Suggest.Hint(Initial, states)}", Part: "initial"));
        }

        return states;
    }

    /// <summary>Subjects, ticks and the tick length.</summary>
    private void CheckRun(List<SimulationProblem> problems)
    {
        if (SubjectSource is null)
        {
            problems.Add(new("the simulation has no subjects (give a count and factory, or a manifest model)", Part: "subjects"));
        }
        else if (SubjectSource is SubjectSource.Factory { Count: < 0 })
        {
            problems.Add(new("the number of subjects must not be negative", Part: "subjects"));
        }

        if (Ticks <= 0)
        {
            problems.Add(new($"ticks must be positive, found {Ticks}", Part: "ticks"));
        }

        if (TickLength <= TimeSpan.Zero)
        {
            problems.Add(new($"the tick length must be positive, found {TickLength}", Part: "tick"));
        }
        else if (Ticks > 0 && !EndsInRange(Start, TickLength, Ticks))
        {
            problems.Add(new($"{Ticks} ticks of {TickLength} from {Start:O} end past the year 9999 (dates end there)", Part: "ticks"));
        }
    }

    /// <summary>Stream names and emitted values; returns the stream names.</summary>
    private HashSet<string> CheckStreams(List<SimulationProblem> problems)
    {
        var streams = Streams.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        if (streams.Count != Streams.Count)
        {
            problems.Add(new("stream names must be unique", Part: "streams"));
        }

        var emit = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in Emit)
        {
            if (!emit.Add(e) || e is "at" or "subject" or "trigger" or "from" or "to")
            {
                problems.Add(new($"emitted value '{e}' is repeated or clashes with a built-in event column (at, subject, trigger, from, to)", Part: "emit"));
            }
        }

        return streams;
    }

    private void CheckTransition(int i, HashSet<string> states, HashSet<string> streams, HashSet<(string From, string Trigger)> triggers, List<SimulationProblem> problems)
    {
        var t = Transitions[i];
        var name = $"transition '{t.Trigger}' ({t.From} → {t.To})";
        if (string.IsNullOrWhiteSpace(t.Trigger))
        {
            problems.Add(new("a transition needs a trigger name", Transition: i, Part: "trigger"));
        }

        if (!states.Contains(t.From))
        {
            problems.Add(new($"{name}: unknown state '{t.From}'{Suggest.Hint(t.From, states)}", Transition: i, Part: "from"));
        }

        if (!states.Contains(t.To))
        {
            problems.Add(new($"{name}: unknown state '{t.To}'{Suggest.Hint(t.To, states)}", Transition: i, Part: "to"));
        }

        if (!double.IsFinite(t.Percent) || t.Percent < 0 || t.Percent > 100)
        {
            problems.Add(new($"{name}: probability must be between 0 and 100 (% per tick), found {t.Percent}", Transition: i, Part: "probability"));
        }

        else if (t.Percent is > 0 and < MinimumPercent)
        {
            problems.Add(new($"{name}: probability {t.Percent:G3}% per tick is below {MinimumPercent:G0}%: too small to mean anything (its waiting-time draw degenerates); use 0% for never, or a longer tick", Transition: i, Part: "probability"));
        }

        if (t.Hourly is { } hourly && (hourly.Count != 24 || hourly.Any(h => !double.IsFinite(h) || h < 0)))
        {
            problems.Add(new($"{name}: an hourly profile needs 24 factors ≥ 0 (one per UTC hour), found {hourly.Count}", Transition: i, Part: "hourly"));
        }
        else if (t.Hourly is { } factors && t.Percent >= MinimumPercent && factors.FirstOrDefault(h => h > 0 && t.Percent * h < MinimumPercent) is var tiny && tiny > 0)
        {
            problems.Add(new($"{name}: hourly factor {tiny:G3} makes the probability {t.Percent * tiny:G3}% per tick, below {MinimumPercent:G0}%: too small to mean anything; use 0 for never", Transition: i, Part: "hourly"));
        }

        if (!triggers.Add((t.From, t.Trigger)))
        {
            problems.Add(new($"{name}: trigger '{t.Trigger}' is defined twice from state '{t.From}'", Transition: i, Part: "trigger"));
        }

        foreach (var o in t.Outputs ?? [])
        {
            if (!streams.Contains(o))
            {
                problems.Add(new($"{name}: unknown output stream '{o}'{Suggest.Hint(o, streams)}; streams: {string.Join(", ", streams)}", Transition: i, Part: "outputs"));
            }
        }
    }

    /// <summary>The probabilities leaving each state, per hour, must not exceed 100 %.</summary>
    private void CheckSums(List<SimulationProblem> problems)
    {
        foreach (var s in States)
        {
            for (var hour = 0; hour < 24; hour++)
            {
                var sum = Transitions.Where(t => t.From == s).Sum(t => t.Probability(hour)) * 100;
                if (sum > 100 + 1e-9)
                {
                    // Located at the transition that takes the running sum past 100 %: that is the line to change.
                    var running = 0.0;
                    var culprit = Transitions.ToList().FindIndex(t => t.From == s && (running += t.Probability(hour) * 100) > 100 + 1e-9);
                    var at = Transitions.Any(t => t.Hourly is not null) ? $" at hour {hour}" : string.Empty;
                    problems.Add(new($"the probabilities leaving state '{s}' sum to {sum:0.####}% per tick{at}; they must not exceed 100% (the rest is staying)", Transition: culprit, State: s, Part: "probability"));
                    break;
                }
            }
        }

    }

    /// <summary>States the initial state cannot reach (errors) and states with no way out (warnings).</summary>
    private void CheckReachable(List<SimulationProblem> problems)
    {
        var reachable = new HashSet<string>(StringComparer.Ordinal) { Initial };
        var frontier = new Queue<string>([Initial]);
        while (frontier.TryDequeue(out var s))
        {
            foreach (var t in Transitions.Where(t => t.From == s && t.Percent > 0 && reachable.Add(t.To)))
            {
                frontier.Enqueue(t.To);
            }
        }

        foreach (var s in States.Where(s => !reachable.Contains(s)))
        {
            problems.Add(new($"state '{s}' is unreachable from the initial state '{Initial}'", State: s));
        }

        foreach (var s in States.Where(s => !Transitions.Any(t => t.From == s && t.To != s && t.Percent > 0)))
        {
            problems.Add(new($"state '{s}' has no way out: subjects that enter it stay there", IsWarning: true, State: s));
        }
    }

    /// <summary>Whether every tick's time, <paramref name="start"/> + tick × <paramref name="length"/>, is a date.</summary>
    internal static bool EndsInRange(DateTime start, TimeSpan length, long ticks) =>
        (DateTime.MaxValue.Ticks - start.Ticks) / length.Ticks >= ticks;
}
