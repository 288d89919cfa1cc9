using System.Text;

namespace DataGen.Simulations;

// The state machine drawn as a Mermaid diagram.
public sealed partial class Simulation
{
    /// <summary>The state machine as a Mermaid state diagram (probabilities in % per tick).</summary>
    public string ToMermaid()
    {
        var text = new StringBuilder();
        text.Append("stateDiagram-v2\n");
        text.Append("    [*] --> ").Append(Initial).Append('\n');
        foreach (var t in Transitions)
        {
            text.Append("    ").Append(t.From).Append(" --> ").Append(t.To).Append(" : ").Append(t.Trigger)
                .Append(" (").Append(t.Percent.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)).Append("%")
                .Append(t.Hourly is null ? string.Empty : ", hourly").Append(t.Action is null ? string.Empty : ", action").Append(")\n");
        }

        return text.ToString();
    }
}
