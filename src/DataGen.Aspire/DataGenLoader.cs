using Aspire.Hosting.ApplicationModel;
using DataGen.Kafka;
using DataGen.MongoDb;
using DataGen.MySql;
using DataGen.Outputs;
using DataGen.PostgreSql;
using DataGen.SqlServer;
using DataGen.Stores;
using Microsoft.Extensions.Logging;

namespace DataGen.Aspire;

/// <summary>
/// Loads a <see cref="DataGenResource"/>'s manifest with DataGen's library API (<see cref="Manifest.LoadAsync"/>,
/// <see cref="DataGenerator.GenerateAsync"/>, the stores' outputs), the datastores bound to Aspire resources by name and
/// their connection strings taken from Aspire.
/// </summary>
internal static class DataGenLoader
{
    /// <summary>The store kinds DataGen.Aspire loads into, registered explicitly as the CLI does.</summary>
    internal static StoreCatalog Stores { get; } = new(
    [
        PostgresStoreProvider.Instance,
        MySqlStoreProvider.Instance,
        SqlServerStoreProvider.Instance,
        MongoStoreProvider.Instance,
        KafkaStoreProvider.Instance,
    ]);

    /// <summary>The tables DataGen or the app's tooling keep for themselves, never models.</summary>
    private static readonly string[] ToolTables = ["__EFMigrationsHistory"];

    /// <summary>
    /// Generates the manifest into the bound stores. <paramref name="refill"/> (reset, reseed): every table is emptied and
    /// filled again in one transaction per store, keeping its definition; topics, which cannot be emptied, are left as they are.
    /// </summary>
    public static async Task<DataGenLoad> LoadAsync(DataGenResource resource, ulong? seed, bool refill, ILogger logger, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var path = resource.Manifest;
        if (!resource.SchemaRead)
        {
            // The app's tables (its migrations ran before this): the manifest's models without store: fill them.
            var primary = resource.Bindings[0];
            var kind = primary.Kind ?? (await Manifest.LoadAsync(path, null, cancellationToken).ConfigureAwait(false)).Datastores.FirstOrDefault(d => d.Name == primary.Datastore)?.Kind;
            resource.Schema = kind is null ? null : await ReadSchemaAsync(await DatastoreAsync(primary, kind, null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            resource.SchemaRead = true;
        }

        var manifest = await Manifest.LoadAsync(path, new ManifestOptions { Seed = seed, Schema = resource.Schema }, cancellationToken).ConfigureAwait(false);
        var bound = await ResolveAsync(resource, manifest.Datastores, cancellationToken).ConfigureAwait(false);
        CheckBound(manifest, bound, path);

        var options = new StoreLoadOptions { CreateTables = true, Warning = w => logger.LogWarning("{Warning}", w) };
        var outputs = new Dictionary<string, IDataOutput>(StringComparer.Ordinal);
        try
        {
            foreach (var (_, store) in bound)
            {
                outputs[store.Name] = Stores.CreateOutput(store, options);
            }
        }
        catch
        {
            foreach (var made in outputs.Values)
            {
                await made.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        var router = new StoreRouter(outputs, bound.ToDictionary(b => b.Store.Name, b => b.Store.Kind, StringComparer.Ordinal), bound[0].Store.Name, refill);
        GenerationSummary summary;
        await using (router.ConfigureAwait(false))
        {
            summary = await DataGenerator.GenerateAsync(manifest, router, null, cancellationToken).ConfigureAwait(false);
        }

        var counts = summary.Models.Where(m => !m.Updates).ToDictionary(m => m.Model, m => m.Rows, StringComparer.Ordinal);
        foreach (var skipped in router.Skipped)
        {
            // A topic left as it is still holds the messages of the earlier load: its count stays that load's.
            if (resource.LastLoad?.Counts.TryGetValue(skipped, out var kept) == true)
            {
                counts[skipped] = kept;
            }
            else
            {
                counts.Remove(skipped);
            }
        }

        var load = new DataGenLoad(summary.Seed, counts, System.Diagnostics.Stopwatch.GetElapsedTime(started))
        {
            Stores = bound.Select(b => new DataGenStoreLoad(b.Binding.Resource.Name, b.Store, router.ModelsOf(b.Store.Name))).ToList(),
        };
        Log(logger, path, load, router.Skipped, refill);
        return load;
    }

    private static void Log(ILogger logger, string path, DataGenLoad load, IReadOnlyList<string> skipped, bool refill)
    {
        logger.LogInformation(
            "DataGen {Action} {Manifest} with seed {Seed} in {Elapsed:0} ms: {Total} rows",
            refill ? "refilled" : "loaded",
            Path.GetFileName(path),
            load.Seed,
            load.Elapsed.TotalMilliseconds,
            load.Counts.Values.Sum());
        foreach (var store in load.Stores)
        {
            foreach (var model in store.Models.Where(m => load.Counts.ContainsKey(m.Name) && !skipped.Contains(m.Name)))
            {
                logger.LogInformation("  {Model} -> {Resource} ({Kind}) {Target}: {Rows} rows", model.Name, store.Resource, store.Store.Kind, model.Target, load.Counts[model.Name]);
            }
        }

        foreach (var model in skipped)
        {
            logger.LogInformation("  {Model}: left as it is (a topic cannot be emptied; its messages of the earlier load stay)", model);
        }
    }

    /// <summary>Each binding with its datastore: the manifest's settings for it, its kind, and the connection from Aspire.</summary>
    private static async Task<List<(DataGenBinding Binding, Datastore Store)>> ResolveAsync(DataGenResource resource, IReadOnlyList<Datastore> declared, CancellationToken cancellationToken)
    {
        var result = new List<(DataGenBinding, Datastore)>();
        foreach (var binding in resource.Bindings)
        {
            var own = declared.FirstOrDefault(d => d.Name == binding.Datastore);
            var kind = binding.Kind ?? own?.Kind
                ?? throw new InvalidOperationException($"{resource.Manifest}: resource '{binding.Resource.Name}' ({binding.Resource.GetType().Name}) is bound to datastore '{binding.Datastore}', which the manifest does not declare, and its kind cannot be told from its type: pass kind: (postgres, mysql, sqlserver, mongodb, kafka) to WithDataGen or declare the datastore with its kind");
            if (own is not null && binding.Kind is not null && !string.Equals(own.Kind, binding.Kind, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{resource.Manifest}: datastore '{own.Name}' is of kind {own.Kind}, but resource '{binding.Resource.Name}' is {binding.Kind}");
            }

            result.Add((binding, await DatastoreAsync(binding, kind, own, cancellationToken).ConfigureAwait(false)));
        }

        return result;
    }

    /// <summary>The datastore for a binding: the manifest's settings (partitions, keyField…) with the connection from Aspire, never the YAML's.</summary>
    private static async Task<Datastore> DatastoreAsync(DataGenBinding binding, string kind, Datastore? declared, CancellationToken cancellationToken)
    {
        var connection = await binding.Resource.GetConnectionStringAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"resource '{binding.Resource.Name}' has no connection string yet");
        var key = ConnectionSetting(kind);
        var settings = (declared?.Settings ?? new Dictionary<string, string>()).Where(s => s.Key != key).ToDictionary(StringComparer.Ordinal);
        settings[key] = connection;
        return new Datastore(binding.Datastore, kind, settings);
    }

    /// <summary>The setting that holds a store kind's connection (Kafka's bootstrap servers).</summary>
    internal static string ConnectionSetting(string kind) => kind == "kafka" ? "bootstrapServers" : "connection";

    /// <summary>Every datastore the manifest declares must be bound to a resource: nothing comes from the YAML's connections.</summary>
    private static void CheckBound(Manifest manifest, List<(DataGenBinding Binding, Datastore Store)> bound, string path)
    {
        var names = bound.Select(b => b.Store.Name).ToHashSet(StringComparer.Ordinal);
        var unbound = manifest.Datastores.Where(d => !names.Contains(d.Name)).Select(d => $"'{d.Name}' ({d.Kind})").ToList();
        if (unbound.Count > 0)
        {
            throw new InvalidOperationException(
                $"{path}: datastore(s) {string.Join(", ", unbound)} are bound to no resource; call WithDataGen(\"{Path.GetFileName(path)}\") on the resource that stands for each "
                + $"(named like the datastore, or with store: \"name\"). Bound: {string.Join(", ", bound.Select(b => $"'{b.Store.Name}' = {b.Binding.Resource.Name}"))}");
        }
    }

    /// <summary>The tables the app made in the primary store (its migrations), for the manifest's models to fill; null for a store without tables.</summary>
    private static async Task<DataGen.Schemas.DatabaseSchema?> ReadSchemaAsync(Datastore store, CancellationToken cancellationToken)
    {
        var provider = Stores.Find(store.Kind);
        if (provider is not { CanReadSchema: true })
        {
            return null;
        }

        var schema = await provider.ReadSchemaAsync(store, null, cancellationToken).ConfigureAwait(false);
        var tables = schema.Tables.Where(t => !ToolTables.Contains(t.Name, StringComparer.Ordinal) && t.Schema != "datagen_baseline").ToList();
        return tables.Count == 0 ? null : new DataGen.Schemas.DatabaseSchema(tables);
    }
}
