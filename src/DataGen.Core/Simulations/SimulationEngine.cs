using DataGen.Randomness;

namespace DataGen.Simulations;

/// <summary>A transition that fired: its tick, subject, transition index and the state it left.</summary>
internal readonly record struct Fired(long Tick, int Subject, int Transition, int From);

/// <summary>
/// Runs a simulation's subjects. <see cref="Run"/> is the event-driven engine: per subject, the number of ticks
/// until its next candidate is geometric with the state's (highest hourly) leaving probability, drawn in one
/// step from a single uniform; a candidate picks a transition by its probability at that tick's hour, or is
/// thinned away with the remaining probability (exact for a Bernoulli process). <see cref="RunTickByTick"/>
/// evaluates every subject at every tick: the reference the fast engine is proven equal to in distribution.
/// </summary>
internal sealed class SimulationEngine
{
    private readonly Simulation _simulation;
    private readonly Simulation.RunSettings _run;
    private readonly StatePlan[] _states;
    private readonly int[] _to;
    private readonly bool _hourly;

    public SimulationEngine(Simulation simulation, Simulation.RunSettings run)
    {
        _simulation = simulation;
        _run = run;
        var stateIndex = simulation.States.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        _to = simulation.Transitions.Select(t => stateIndex[t.To]).ToArray();
        _hourly = simulation.Transitions.Any(t => t.Hourly is not null);
        _states = simulation.States.Select(s =>
        {
            var transitions = simulation.Transitions.Select((t, i) => (t, i)).Where(x => x.t.From == s && x.t.Percent > 0).Select(x => x.i).ToArray();
            var probabilities = new double[24][];
            var max = 0.0;
            for (var hour = 0; hour < 24; hour++)
            {
                probabilities[hour] = transitions.Select(i => simulation.Transitions[i].Probability(hour)).ToArray();
                max = Math.Max(max, probabilities[hour].Sum());
            }

            return new StatePlan(transitions, probabilities, Math.Min(max, 1));
        }).ToArray();
    }

    public IEnumerable<Fired> Run(ArraySegment<SimulationSubject> subjects, TransitionContext context)
    {
        var n = subjects.Count;
        if (n == 0)
        {
            yield break;
        }

        if (_run.Ticks > long.MaxValue / n)
        {
            throw new SimulationException($"{n} subjects × {_run.Ticks} ticks is too large a run");
        }

        var calendar = new Calendar(n);
        for (var i = 0; i < n; i++)
        {
            Schedule(calendar, subjects[i], i, -1);
        }

        while (calendar.Next(out var tick, out var due))
        {
            foreach (var i in due)
            {
                var subject = subjects[i];
                if (TryFire(subject, tick, subject.Schedule.NextDouble() * _states[subject.StateIndex].Max, context, out var fired))
                {
                    yield return fired;
                }

                Schedule(calendar, subject, i, tick);
            }
        }
    }

    public IEnumerable<Fired> RunTickByTick(ArraySegment<SimulationSubject> subjects, TransitionContext context)
    {
        for (long tick = 0; tick < _run.Ticks; tick++)
        {
            for (var i = 0; i < subjects.Count; i++)
            {
                var subject = subjects[i];
                if (_states[subject.StateIndex].Max > 0 && TryFire(subject, tick, subject.Schedule.NextDouble(), context, out var fired))
                {
                    yield return fired;
                }
            }
        }
    }

    /// <summary>Picks the transition <paramref name="u"/> falls in at this tick's hour (none: staying), runs its action, moves the subject.</summary>
    private bool TryFire(SimulationSubject subject, long tick, double u, TransitionContext context, out Fired fired)
    {
        fired = default;
        var plan = _states[subject.StateIndex];
        var at = _run.At(tick);
        var probabilities = plan.Probabilities[_hourly ? at.Hour : 0];
        var cumulative = 0.0;
        var chosen = -1;
        for (var j = 0; j < probabilities.Length; j++)
        {
            cumulative += probabilities[j];
            if (u < cumulative)
            {
                chosen = plan.Transitions[j];
                break;
            }
        }

        if (chosen < 0)
        {
            return false;
        }

        var transition = _simulation.Transitions[chosen];
        context.Reset(subject, transition, at);
        if (transition.Action is { } action)
        {
            bool proceed;
            try
            {
                proceed = action(context);
            }
            catch (Exception e) when (e is not OperationCanceledException and not GenerationException)
            {
                throw new GenerationException($"the action of transition '{transition.Trigger}' ({transition.From} → {transition.To}) failed for subject {subject.Id} at tick {tick} ({context.At:O}): {e.Message}", _simulation.Name, null, subject.Index, e);
            }

            if (!proceed)
            {
                return false;
            }
        }

        fired = new Fired(tick, (int)subject.Index, chosen, subject.StateIndex);
        subject.StateIndex = _to[chosen];
        return true;
    }

    private void Schedule(Calendar calendar, SimulationSubject subject, int index, long after)
    {
        var plan = _states[subject.StateIndex];
        if (plan.Max <= 0)
        {
            return;
        }

        long gap = 1;
        if (plan.Max < 1)
        {
            if (plan.LogStay == 0)
            {
                // 1 − p rounds to 1: the wait is beyond any run (validation refuses such probabilities; this keeps the draw finite).
                return;
            }

            // P(gap = k) = (1 − p)^(k−1) p: inverse transform of one uniform in (0, 1].
            var g = Math.Floor(DeterministicMath.Log(1 - subject.Schedule.NextDouble()) / plan.LogStay);
            if (g >= _run.Ticks - after)
            {
                return;
            }

            gap = 1 + (long)g;
        }

        var next = after + gap;
        if (next < _run.Ticks)
        {
            calendar.Add(index, next);
        }
    }

    /// <summary>
    /// Subjects by the tick of their next candidate: a ring of buckets for the next <see cref="Window"/> ticks
    /// (most gaps) and a heap for later ones; each tick's subjects come out in index order, so events are ordered
    /// by (tick, subject). Empty stretches are skipped, so a run's cost does not grow with idle ticks.
    /// </summary>
    private sealed class Calendar(int subjects)
    {
        private const int Window = 4096;
        private readonly List<int>[] _ring = Enumerable.Range(0, Window).Select(_ => new List<int>()).ToArray();
        private readonly PriorityQueue<int, long> _later = new();
        private readonly List<int> _due = [];
        private long _current;
        private long _inRing;

        public void Add(int subject, long tick)
        {
            if (tick - _current < Window)
            {
                _ring[tick % Window].Add(subject);
                _inRing++;
            }
            else
            {
                _later.Enqueue(subject, (tick * subjects) + subject);
            }
        }

        /// <summary>The next tick with due subjects (in index order); false when none are left.</summary>
        public bool Next(out long tick, out List<int> due)
        {
            while (true)
            {
                if (_inRing == 0)
                {
                    if (!_later.TryPeek(out _, out var first))
                    {
                        tick = 0;
                        due = _due;
                        return false;
                    }

                    _current = Math.Max(_current, first / subjects);
                }

                var bucket = _ring[_current % Window];
                while (_later.TryPeek(out var s, out var key) && key / subjects == _current)
                {
                    _later.Dequeue();
                    bucket.Add(s);
                    _inRing++;
                }

                tick = _current++;
                if (bucket.Count > 0)
                {
                    _due.Clear();
                    _due.AddRange(bucket);
                    _inRing -= bucket.Count;
                    bucket.Clear();
                    _due.Sort();
                    due = _due;
                    return true;
                }
            }
        }
    }

    private sealed class StatePlan(int[] transitions, double[][] probabilities, double max)
    {
        public int[] Transitions { get; } = transitions;

        /// <summary>Per UTC hour, each transition's probability per tick.</summary>
        public double[][] Probabilities { get; } = probabilities;

        /// <summary>The highest total leaving probability over the hours: the candidate rate.</summary>
        public double Max { get; } = max;

        public double LogStay { get; } = max < 1 ? DeterministicMath.Log(1 - max) : double.NegativeInfinity;
    }
}
