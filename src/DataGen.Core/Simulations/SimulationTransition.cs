namespace DataGen.Simulations;

/// <summary>
/// One transition of a state machine: every tick, a subject in <see cref="From"/> fires <see cref="Trigger"/>
/// with probability <see cref="Percent"/> % (times the hour's factor when <see cref="Hourly"/> is set).
/// </summary>
public sealed record SimulationTransition
{
    /// <summary>Creates a transition.</summary>
    /// <param name="trigger">The trigger's name (what events carry).</param>
    /// <param name="from">The state it leaves.</param>
    /// <param name="to">The state it enters (may equal <paramref name="from"/>).</param>
    /// <param name="percent">Probability per tick, in percent (0–100).</param>
    public SimulationTransition(string trigger, string from, string to, double percent)
    {
        Trigger = trigger;
        From = from;
        To = to;
        Percent = percent;
    }

    /// <summary>The trigger's name.</summary>
    public string Trigger { get; }

    /// <summary>The state it leaves.</summary>
    public string From { get; }

    /// <summary>The state it enters.</summary>
    public string To { get; }

    /// <summary>Probability per tick, in percent.</summary>
    public double Percent { get; }

    /// <summary>
    /// Optional 24 factors by UTC hour of the tick (an hour-of-day profile): the probability at hour h is
    /// <see cref="Percent"/> × Hourly[h]. The run stays exact: candidates are drawn at the highest rate and thinned.
    /// </summary>
    public IReadOnlyList<double>? Hourly { get; init; }

    /// <summary>
    /// Runs when the transition fires, before the event is emitted: may change the subject's attributes and set
    /// event values; returning false vetoes the transition (the subject stays, nothing is emitted).
    /// </summary>
    public Func<TransitionContext, bool>? Action { get; init; }

    /// <summary>The event streams the transition's events go to (null: the first stream; empty: none).</summary>
    public IReadOnlyList<string>? Outputs { get; init; }

    internal double Probability(int hour) => Percent / 100 * (Hourly is null ? 1 : Hourly[hour]);
}
