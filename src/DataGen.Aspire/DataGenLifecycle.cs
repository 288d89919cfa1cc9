using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DataGen.Aspire;

/// <summary>The DataGen resource's life: wait for its dependencies, load, and the dashboard commands.</summary>
internal static class DataGenLifecycle
{
    /// <summary>The command that loads the seeded baseline again.</summary>
    public const string ResetCommand = "datagen-reset";

    /// <summary>The command that loads the data again with another seed (argument <c>seed</c>).</summary>
    public const string ReseedCommand = "datagen-reseed";

    private static readonly ResourceStateSnapshot Seeding = new("Seeding", KnownResourceStateStyles.Info);

    /// <summary>Adds the DataGen resource for <paramref name="path"/>, shown under <paramref name="parent"/>.</summary>
    public static IResourceBuilder<DataGenResource> Add(IDistributedApplicationBuilder app, string path, IResource parent)
    {
        var name = $"{parent.Name}-data";
        for (var i = 2; app.Resources.Any(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)); i++)
        {
            name = $"{parent.Name}-data{i}";
        }

        var resource = new DataGenResource(name, path, parent);
        app.Eventing.Subscribe<InitializeResourceEvent>(resource, (e, initializing) =>
        {
            // In the background: the orchestrator goes on starting the resources this one waits for.
            var stopping = e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = Task.Run(() => StartAsync(resource, e.Notifications, e.Logger, stopping), stopping);
            return Task.CompletedTask;
        });
        return app.AddResource(resource)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "DataGen",
                State = KnownResourceStates.NotStarted,
                Properties = [new("datagen.manifest", path)],
            })
            .ExcludeFromManifest()
            .WithCommand(ResetCommand, "Reset data", context => ExecuteAsync(resource, context, reseed: false), new CommandOptions
            {
                Description = "Loads the seeded baseline again: every table emptied and filled with the same seed (topics are left as they are).",
                IconName = "ArrowReset",
                UpdateState = Enabled,
            })
            .WithCommand(ReseedCommand, "Reseed with…", context => ExecuteAsync(resource, context, reseed: true), new CommandOptions
            {
                Description = "Loads the data again with another seed: every table emptied and filled (topics are left as they are).",
                IconName = "ArrowShuffle",
                UpdateState = Enabled,
                Arguments = [new InteractionInput { Name = "seed", Label = "Seed", InputType = InputType.Number, Required = true, Description = "A whole number from 0 to 18446744073709551615." }],
            });
    }

    private static ResourceCommandState Enabled(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    private static async Task StartAsync(DataGenResource resource, ResourceNotificationService notifications, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Waiting }).ConfigureAwait(false);
            // The bound resources (Aspire refuses WaitFor on a parent, so they are waited for here), then what the
            // DataGen resource was told to wait for (the migrator's completion).
            foreach (var binding in resource.Bindings)
            {
                await notifications.WaitForResourceHealthyAsync(binding.Resource.Name, cancellationToken).ConfigureAwait(false);
            }

            await notifications.WaitForDependenciesAsync(resource, cancellationToken).ConfigureAwait(false);
            await notifications.PublishUpdateAsync(resource, s => s with { State = Seeding, StartTimeStamp = DateTime.UtcNow }).ConfigureAwait(false);
            await LoadAsync(resource, resource.Seed, refill: false, notifications, logger, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "DataGen could not load {Manifest}: {Message}", resource.Manifest, e.Message);
            await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.FailedToStart }).ConfigureAwait(false);
        }
    }

    /// <summary>Loads (one load at a time per resource) and publishes the result: state Running, seed and rows.</summary>
    internal static async Task<DataGenLoad> LoadAsync(DataGenResource resource, ulong? seed, bool refill, ResourceNotificationService notifications, ILogger logger, CancellationToken cancellationToken)
    {
        await resource.Exclusive.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var load = await DataGenLoader.LoadAsync(resource, seed, refill, logger, cancellationToken).ConfigureAwait(false);
            resource.LastLoad = load;
            await notifications.PublishUpdateAsync(resource, s => s with
            {
                State = KnownResourceStates.Running,
                Properties = [.. s.Properties.Where(p => !p.Name.StartsWith("datagen.", StringComparison.Ordinal)),
                    new("datagen.manifest", resource.Manifest),
                    new("datagen.seed", load.Seed.ToString(CultureInfo.InvariantCulture)),
                    new("datagen.rows", load.Counts.Values.Sum().ToString(CultureInfo.InvariantCulture))],
            }).ConfigureAwait(false);
            return load;
        }
        finally
        {
            resource.Exclusive.Release();
        }
    }

    private static async Task<ExecuteCommandResult> ExecuteAsync(DataGenResource resource, ExecuteCommandContext context, bool reseed)
    {
        ulong seed;
        if (reseed)
        {
            var text = context.Arguments?["seed"].Value;
            if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seed))
            {
                return CommandResults.Failure($"seed must be a whole number from 0 to {ulong.MaxValue}, found '{text}'");
            }
        }
        else
        {
            seed = resource.LastLoad?.Seed ?? resource.Seed ?? 0;
            if (resource.LastLoad is null)
            {
                return CommandResults.Failure("nothing is loaded yet");
            }
        }

        var services = context.Services;
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var logger = services.GetRequiredService<ResourceLoggerService>().GetLogger(resource);
        try
        {
            await notifications.PublishUpdateAsync(resource, s => s with { State = Seeding }).ConfigureAwait(false);
            var load = await LoadAsync(resource, seed, refill: true, notifications, logger, context.CancellationToken).ConfigureAwait(false);
            return CommandResults.Success($"{load.Counts.Values.Sum()} rows loaded with seed {load.Seed}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "DataGen could not reload {Manifest}: {Message}", resource.Manifest, e.Message);
            await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Running }).ConfigureAwait(false);
            return CommandResults.Failure(e.Message);
        }
    }
}
