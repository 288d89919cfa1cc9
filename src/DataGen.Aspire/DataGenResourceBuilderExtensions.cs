using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace DataGen.Aspire;

/// <summary>Seeds an app model's databases and topics with a DataGen manifest.</summary>
public static class DataGenResourceBuilderExtensions
{
    /// <summary>
    /// Loads <paramref name="manifest"/> into this resource once it is ready — and after every resource the DataGen
    /// resource waits for (<c>configure: d =&gt; d.WaitForCompletion(migrator)</c>: the app's migrations), so the
    /// manifest's models fill the tables the app made. The manifest's models without <c>store:</c>, and its datastore named
    /// like the resource (or <paramref name="store"/>), go to this resource; its connection string comes from Aspire,
    /// never from the YAML. Call it on every resource a multi-store manifest names (each binds one datastore).
    /// The load appears in the dashboard as a resource of its own, with its log (rows per model, seed) and the commands
    /// "Reset data" and "Reseed with…".
    /// </summary>
    /// <param name="builder">A database, server or connection-string resource.</param>
    /// <param name="manifest">The manifest file; a relative path is resolved against the app host's directory.</param>
    /// <param name="seed">The seed (default: the manifest's).</param>
    /// <param name="store">The manifest datastore this resource stands for (default: the resource's name).</param>
    /// <param name="kind">The store kind (postgres, mysql, sqlserver, mongodb, kafka) when neither the resource's type nor the manifest tells it.</param>
    /// <param name="configure">Configures the DataGen resource (what it waits for, e.g. <c>WaitForCompletion(migrator)</c>).</param>
    /// <returns>The resource builder, for chaining.</returns>
    public static IResourceBuilder<T> WithDataGen<T>(
        this IResourceBuilder<T> builder,
        string manifest,
        ulong? seed = null,
        string? store = null,
        string? kind = null,
        Action<IResourceBuilder<DataGenResource>>? configure = null)
        where T : IResourceWithConnectionString
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(manifest);
        var app = builder.ApplicationBuilder;
        var path = Path.GetFullPath(manifest, app.AppHostDirectory);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"WithDataGen on '{builder.Resource.Name}': manifest '{manifest}' not found (looked for {path})", path);
        }

        var existing = app.Resources.OfType<DataGenResource>().FirstOrDefault(r => r.Manifest == path);
        var dataGen = existing is null ? DataGenLifecycle.Add(app, path, builder.Resource) : app.CreateResourceBuilder(existing);
        if (seed is { } s)
        {
            if (dataGen.Resource.Seed is { } other && other != s)
            {
                throw new ArgumentException($"WithDataGen(\"{manifest}\") on '{builder.Resource.Name}': seed {s} differs from seed {other} given on '{dataGen.Resource.Parent.Name}' (one manifest, one seed)", nameof(seed));
            }

            dataGen.Resource.Seed = s;
        }

        var datastore = store ?? builder.Resource.Name;
        if (dataGen.Resource.Bindings.Any(b => b.Datastore == datastore))
        {
            throw new ArgumentException($"WithDataGen(\"{manifest}\"): datastore '{datastore}' is bound twice (to '{dataGen.Resource.Bindings.First(b => b.Datastore == datastore).Resource.Name}' and '{builder.Resource.Name}')", nameof(store));
        }

        dataGen.Resource.Bindings.Add(new DataGenBinding(builder.Resource, datastore, kind ?? KindOf(builder.Resource)));
        dataGen.WithRelationship(builder.Resource, "Seeds");
        configure?.Invoke(dataGen);
        return builder;
    }

    /// <summary>
    /// A Kafka connection-string resource served by librdkafka's mock cluster inside the app host process: for machines
    /// with no Kafka image (development, CI). Its topics are created here (the mock has no admin API). Not a broker:
    /// no transactions, retention capped at 5 MiB per partition; see DataGen's embedded Kafka notes.
    /// </summary>
    /// <param name="builder">The app host builder.</param>
    /// <param name="name">The resource (and connection string) name.</param>
    /// <param name="topics">Topics to create.</param>
    /// <param name="partitions">Partitions per topic.</param>
    /// <returns>The connection-string resource (bootstrap servers).</returns>
    public static IResourceBuilder<ConnectionStringResource> AddEmbeddedKafka(this IDistributedApplicationBuilder builder, string name, IEnumerable<string>? topics = null, int partitions = 3)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var cluster = DataGen.Kafka.EmbeddedKafkaCluster.Start(brokers: 1);
        foreach (var topic in topics ?? [])
        {
            cluster.CreateTopic(topic, partitions);
        }

        Microsoft.Extensions.DependencyInjection.ServiceCollectionHostedServiceExtensions.AddHostedService(builder.Services, _ => new EmbeddedKafkaOwner(cluster));
        var bootstrap = new ReferenceExpressionBuilder();
        bootstrap.AppendLiteral(cluster.BootstrapServers);
        return builder.AddConnectionString(name, bootstrap.Build());
    }

    /// <summary>The store kind of a hosting integration's resource type, or null (a connection string, a parameter).</summary>
    internal static string? KindOf(IResource resource) => resource.GetType().Name switch
    {
        "PostgresDatabaseResource" or "PostgresServerResource" => "postgres",
        "MySqlDatabaseResource" or "MySqlServerResource" => "mysql",
        "SqlServerDatabaseResource" or "SqlServerServerResource" => "sqlserver",
        "MongoDBDatabaseResource" or "MongoDBServerResource" => "mongodb",
        "KafkaServerResource" => "kafka",
        _ => null,
    };

    /// <summary>Owns the embedded cluster: destroyed when the app host stops.</summary>
    private sealed class EmbeddedKafkaOwner(DataGen.Kafka.EmbeddedKafkaCluster cluster) : Microsoft.Extensions.Hosting.IHostedService, IDisposable
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose() => cluster.Dispose();
    }
}
