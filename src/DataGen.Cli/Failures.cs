using DataGen.Outputs;

namespace DataGen.Cli;

/// <summary>The one place that turns a command's failures into a message and an exit code.</summary>
internal static class Failures
{
    /// <summary>
    /// Runs a command's work: cancellation (Ctrl+C, SIGTERM) says so and exits <see cref="ExitCodes.Cancelled"/>; an
    /// expected failure (generation, a store, a file, a bad argument) prints its message — and <paramref name="afterFailure"/>,
    /// what was kept — and exits <see cref="ExitCodes.Failure"/>. Anything else is a bug: its type and message, exit
    /// <see cref="ExitCodes.InternalError"/>, never a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(TextWriter error, string? afterFailure, Func<Task<int>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("datagen: cancelled; nothing was written.").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is GenerationException or Simulations.SimulationException or StoreConflictException or ArgumentException
            or InvalidDataException or IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            await error.WriteLineAsync($"datagen: {e.Message}").ConfigureAwait(false);
            if (afterFailure is not null)
            {
                await error.WriteLineAsync($"datagen: {afterFailure}").ConfigureAwait(false);
            }

            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A failure DataGen did not foresee is a bug; the user still gets its cause and an exit code, not a stack trace.
            await error.WriteLineAsync($"datagen: internal error ({e.GetType().Name}: {e.Message}); nothing was written. Please report this with the manifest and command.").ConfigureAwait(false);
            return ExitCodes.InternalError;
        }
    }
}
