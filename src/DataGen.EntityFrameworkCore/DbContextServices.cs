using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DataGen.EntityFrameworkCore;

/// <summary>
/// Points an application's <see cref="DbContext"/> at a test's database, whatever provider the application registered:
/// for <c>WebApplicationFactory</c>'s <c>ConfigureTestServices</c>, so an application that calls <c>UseNpgsql</c> runs
/// its tests on SQLite (or on the class's own PostgreSQL database) with no service surgery.
/// </summary>
public static class DbContextServices
{
    /// <summary>
    /// Makes the application's <typeparamref name="TContext"/> connect to <paramref name="connectionString"/> on
    /// <paramref name="store"/>. The application's registration (<c>AddDbContext</c>, <c>AddDbContextPool</c>,
    /// <c>AddDbContextFactory</c>) and everything it configures stay: on the same provider only the connection changes
    /// (mapped enums, plug-ins, retry policies kept); on another provider the application's provider is replaced by the
    /// store's (<c>UseNpgsql</c> → <c>UseSqlite</c>) together with the old provider's plug-ins (<c>UseNodaTime</c>,
    /// <c>UseNetTopologySuite</c>: their type mappings mean nothing to another provider), keeping the provider-neutral options (interceptors, logging,
    /// naming conventions, tracking) and the relational ones that carry over (migrations assembly and history table,
    /// command timeout, query splitting, relational nulls).
    /// </summary>
    /// <remarks>
    /// Call it after the application's own registrations: in <c>ConfigureTestServices</c>. The test project references
    /// the store's EF Core provider package (Npgsql.EntityFrameworkCore.PostgreSQL, Microsoft.EntityFrameworkCore.Sqlite,
    /// Microsoft.EntityFrameworkCore.SqlServer). A context that picks its provider in <c>OnConfiguring</c> without checking
    /// <c>optionsBuilder.IsConfigured</c> cannot be pointed elsewhere from outside.
    /// </remarks>
    /// <typeparam name="TContext">The application's context.</typeparam>
    /// <param name="services">The application's services.</param>
    /// <param name="store">The store kind: <c>postgres</c>, <c>sqlite</c> or <c>sqlserver</c> (a fixture's <c>Store</c>).</param>
    /// <param name="connectionString">The test database's connection string (a fixture's <c>ConnectionString</c>).</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="InvalidOperationException">The application registers no <typeparamref name="TContext"/>.</exception>
    /// <exception cref="NotSupportedException">No provider is known for <paramref name="store"/>.</exception>
    public static IServiceCollection PointDbContextAt<TContext>(this IServiceCollection services, string store, string connectionString)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(store);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var name = typeof(TContext).Name;
        var provider = EfProviders.ForStore(store, name);
        var registrations = services.Where(d => d.ServiceType == typeof(DbContextOptions<TContext>) && !d.IsKeyedService).ToList();
        if (registrations.Count == 0)
        {
            throw new InvalidOperationException(
                $"{name} is not registered in the application's services (AddDbContext, AddDbContextPool or AddDbContextFactory): call PointDbContextAt<{name}> after the application's registrations, e.g. in WebApplicationFactory's ConfigureTestServices");
        }

        // The options the application resolves are the last registration's; every earlier one is dropped with it.
        var registered = registrations[^1];
        foreach (var registration in registrations)
        {
            services.Remove(registration);
        }

        services.Add(new ServiceDescriptor(
            typeof(DbContextOptions<TContext>),
            serviceProvider => Retarget(Resolve<TContext>(registered, serviceProvider), provider, connectionString, name),
            registered.Lifetime));
        return services;
    }

    private static DbContextOptions<TContext> Resolve<TContext>(ServiceDescriptor registered, IServiceProvider services)
        where TContext : DbContext =>
        (DbContextOptions<TContext>)(registered.ImplementationInstance
            ?? registered.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, registered.ImplementationType!));

    /// <summary>The application's options with the store's provider and connection string.</summary>
    internal static DbContextOptions<TContext> Retarget<TContext>(DbContextOptions<TContext> options, EfProviders.Provider provider, string connectionString, string name)
        where TContext : DbContext
    {
        var current = options.Extensions.Where(e => e.Info.IsDatabaseProvider).ToList();
        var builder = new DbContextOptionsBuilder<TContext>(options);
        var infrastructure = (IDbContextOptionsBuilderInfrastructure)builder;
        if (current is [RelationalOptionsExtension same] && same.GetType().Assembly.GetName().Name == provider.Assembly)
        {
            // The same provider: every option it holds stays; only where it connects changes.
            infrastructure.AddOrUpdateExtension(WithoutDataSource(same).WithConnection(null).WithConnectionString(connectionString));
            return builder.Options;
        }

        // The old provider goes with its plug-ins (UseNodaTime, UseNetTopologySuite on UseNpgsql): extensions from its
        // assembly or from one built on it, which would add its type mappings and translations to the new provider.
        var providers = current.Select(e => e.GetType().Assembly.GetName().Name).ToHashSet(StringComparer.Ordinal);
        var kept = options.Extensions.Where(e => !e.Info.IsDatabaseProvider && !PlugsInto(e, providers)).ToDictionary(e => e.GetType(), e => e);
        builder = new DbContextOptionsBuilder<TContext>(new DbContextOptions<TContext>(kept));
        EfProviders.Use(builder, provider, connectionString, name);
        if (current.OfType<RelationalOptionsExtension>().FirstOrDefault() is { } old
            && builder.Options.Extensions.OfType<RelationalOptionsExtension>().FirstOrDefault(e => e.Info.IsDatabaseProvider) is { } made)
        {
            ((IDbContextOptionsBuilderInfrastructure)builder).AddOrUpdateExtension(Carried(old, made));
        }

        return builder.Options;
    }

    /// <summary>Whether <paramref name="extension"/> belongs to one of the provider assemblies <paramref name="providers"/> or to a plug-in built on one.</summary>
    private static bool PlugsInto(IDbContextOptionsExtension extension, HashSet<string?> providers)
    {
        var assembly = extension.GetType().Assembly;
        return providers.Contains(assembly.GetName().Name) || assembly.GetReferencedAssemblies().Any(r => providers.Contains(r.Name));
    }

    /// <summary>The settings of the application's relational provider that mean the same on another one.</summary>
    private static RelationalOptionsExtension Carried(RelationalOptionsExtension old, RelationalOptionsExtension made)
    {
        var carried = made.WithMigrationsAssembly(old.MigrationsAssembly)
            .WithMigrationsHistoryTableName(old.MigrationsHistoryTableName)
            .WithMigrationsHistoryTableSchema(old.MigrationsHistoryTableSchema)
            .WithCommandTimeout(old.CommandTimeout)
            .WithUseRelationalNulls(old.UseRelationalNulls);
        return old.QuerySplittingBehavior is { } splitting ? carried.WithUseQuerySplittingBehavior(splitting) : carried;
    }

    /// <summary>
    /// A provider extension set up with a data source (Npgsql's <c>UseNpgsql(dataSource)</c>) connects through it whatever
    /// the connection string says: the data source goes, so the connection string is used.
    /// </summary>
    private static RelationalOptionsExtension WithoutDataSource(RelationalOptionsExtension extension)
    {
        var type = extension.GetType();
        if (type.GetProperty("DataSource")?.GetValue(extension) is null)
        {
            return extension;
        }

        var without = type.GetMethods().FirstOrDefault(m => m.Name == "WithDataSource" && m.GetParameters().Length == 1);
        return without?.Invoke(extension, [null]) as RelationalOptionsExtension
            ?? throw new InvalidOperationException($"{type.Name} connects through a data source that cannot be replaced: register the context with a connection string");
    }
}
