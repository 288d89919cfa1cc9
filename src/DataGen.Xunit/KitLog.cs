namespace DataGen.Xunit;

/// <summary>
/// The kit's one-line notes about a fallback (a template not saved, a clone that failed, a clean-up that could not
/// run): what happened, why, and what it costs. Written to the runner's diagnostic messages and to standard error, so
/// they show whether or not diagnostic messages are switched on.
/// </summary>
internal static class KitLog
{
    /// <summary>Writes <c>[DataGen] {what}: {why}; {cost}</c>.</summary>
    public static void Fallback(string what, string why, string cost)
    {
        var line = $"[DataGen] {what}: {why}; {cost}";
        try
        {
            global::Xunit.TestContext.Current?.SendDiagnosticMessage(line);
        }
        catch (InvalidOperationException)
        {
            // No test context (a benchmark, a process exiting): standard error still has it.
        }

        Console.Error.WriteLine(line);
    }

    /// <summary>The first line of an exception's innermost message, for a fallback's reason.</summary>
    public static string Why(Exception e) => e.GetBaseException().Message.Split('\n')[0].Trim();
}
