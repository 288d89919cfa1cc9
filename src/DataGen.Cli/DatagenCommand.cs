using System.CommandLine;

namespace DataGen.Cli;

/// <summary>The <c>datagen</c> command line.</summary>
internal static partial class DatagenCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = Build(output, error);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors)
            {
                await error.WriteLineAsync($"datagen: {e.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'datagen --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null }, cancellationToken).ConfigureAwait(false);
    }

    private static RootCommand Build(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("datagen: deterministic, related test data from a YAML manifest.")
        {
            GenerateCommand(output, error),
            ValidateCommand(output, error),
            SchemaCommand(output),
            ScaffoldCommand(output, error),
            DocumentCommand(output, error),
            JourneyCommand(output, error),
            ReplayCommand(output, error),
            SimulateCommand(output, error),
            EventsCommand(output, error),
        };
        return root;
    }
}
