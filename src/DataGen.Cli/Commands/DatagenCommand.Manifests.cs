
namespace DataGen.Cli;

// Loading a manifest named on the command line (variables, scale, errors with locations)
internal static partial class DatagenCommand
{
    private static async Task<(Manifest? Manifest, int ExitCode)> LoadAsync(FileInfo file, ulong? seed, double? scale, string[]? vars, double? maxValues, TextWriter error, CancellationToken ct)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in vars ?? [])
        {
            var eq = v.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                await error.WriteLineAsync($"datagen: --var expects name=value, found '{v}'").ConfigureAwait(false);
                return (null, ExitCodes.Usage);
            }

            variables[v[..eq]] = v[(eq + 1)..];
        }

        if (scale is <= 0)
        {
            await error.WriteLineAsync("datagen: --scale must be greater than 0").ConfigureAwait(false);
            return (null, ExitCodes.Usage);
        }

        if (maxValues is <= 0)
        {
            await error.WriteLineAsync("datagen: --max-values must be greater than 0").ConfigureAwait(false);
            return (null, ExitCodes.Usage);
        }

        if (!file.Exists)
        {
            await error.WriteLineAsync($"datagen: manifest not found: {file.FullName}").ConfigureAwait(false);
            return (null, ExitCodes.Usage);
        }

        try
        {
            var manifest = await Manifest.LoadAsync(file.FullName, new ManifestOptions { Seed = seed, Scale = scale, Variables = variables, Stores = Targets.Stores, MaxValues = maxValues ?? new ManifestOptions().MaxValues }, ct).ConfigureAwait(false);
            return (manifest, ExitCodes.Success);
        }
        catch (ManifestException e)
        {
            foreach (var problem in e.Errors)
            {
                await error.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            }

            await error.WriteLineAsync($"datagen: {e.Errors.Count} error(s) in {file.Name}; nothing was written.").ConfigureAwait(false);
            return (null, ExitCodes.InvalidManifest);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // Every problem of a manifest should be a located ManifestException; one that is not is a bug, but the user
            // still gets the file and the cause rather than a stack trace.
            await error.WriteLineAsync($"{file.FullName}(1,1): error: the manifest could not be read ({e.GetType().Name}: {e.Message}); please report this with the manifest").ConfigureAwait(false);
            return (null, ExitCodes.InvalidManifest);
        }
    }
}
