using System.Globalization;
using System.Text.RegularExpressions;

namespace DataGen;

/// <summary>Durations as manifests write them: <c>500ms</c>, <c>30s</c>, <c>1m</c>, <c>2h</c>, <c>1d</c> or <c>00:01:00</c>.</summary>
public static partial class Durations
{
    /// <summary>Parses a duration; false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        var parsed = text is null ? null : Parse(text);
        duration = parsed ?? default;
        return parsed is not null;
    }

    /// <summary>The duration, or null when <paramref name="text"/> is not one.</summary>
    internal static TimeSpan? Parse(string text)
    {
        var m = Unit().Match(text);
        if (m.Success)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            try
            {
                return m.Groups[2].Value switch
                {
                    "ms" => TimeSpan.FromMilliseconds(n),
                    "s" => TimeSpan.FromSeconds(n),
                    "m" => TimeSpan.FromMinutes(n),
                    "h" => TimeSpan.FromHours(n),
                    _ => TimeSpan.FromDays(n),
                };
            }
            catch (OverflowException)
            {
                return null;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
    }

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Unit();
}
