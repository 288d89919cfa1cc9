using DataGen.Schemas;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DataGen.EntityFrameworkCore;

/// <summary>
/// The application's schema from its <typeparamref name="TContext"/>: the context's migrations are applied
/// (<c>Database.MigrateAsync</c>) when it has any, else <c>Database.EnsureCreatedAsync</c> makes the model's tables; the
/// tables are described from the model (<see cref="DbContextSchema.Describe(DbContext)"/>). What the test kit uses
/// for <c>[SeededWith("shop.yaml", Schema = typeof(ShopDbContext))]</c>.
/// </summary>
/// <remarks>
/// The context is made the way EF Core's own tools make one, pointed at the test's database: from the application's
/// <see cref="IDesignTimeDbContextFactory{TContext}"/> when it has one for the same provider (so every option it sets —
/// naming conventions, mapped enums, plug-ins — applies) with the connection string replaced, else through a
/// constructor taking <see cref="DbContextOptions{TContext}"/> with the store's provider (Npgsql for <c>postgres</c>,
/// SQLite, SQL Server), which the test project references as the application does. Derive from this class to make the
/// context yourself (<see cref="CreateContext"/>) or the schema another way (<see cref="CreateSchemaAsync"/>: SQL scripts,
/// <c>EnsureCreated</c> despite migrations), and name the derived class in <c>Schema</c>.
/// </remarks>
/// <typeparam name="TContext">The application's context.</typeparam>
public class DbContextSchema<TContext> : IApplicationSchema
    where TContext : DbContext
{
    /// <inheritdoc />
    public async Task CreateAsync(string store, string connectionString, CancellationToken cancellationToken)
    {
        var context = CreateContext(store, connectionString);
        await using (context.ConfigureAwait(false))
        {
            await CreateSchemaAsync(context, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public DatabaseSchema? Describe(string store, string connectionString)
    {
        using var context = CreateContext(store, connectionString);
        return DbContextSchema.Describe(context);
    }

    /// <summary>
    /// Applies the context's migrations when it has migrations made for the provider in use, else makes the model's
    /// tables with <c>EnsureCreated</c> (an application with PostgreSQL migrations tested on SQLite gets its model's tables
    /// there). Migrations are taken as made for another provider when their model snapshot carries another provider's
    /// annotations (<c>Npgsql:</c>, <c>SqlServer:</c>…) and none of this one's.
    /// </summary>
    /// <param name="context">A context on the empty database.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    protected virtual async Task CreateSchemaAsync(TContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var migrations = context.GetService<IMigrationsAssembly>();
        if (migrations.Migrations.Count > 0 && MadeFor(migrations.ModelSnapshot?.Model, context.Database.ProviderName))
        {
            await context.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await context.Database.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a migrations snapshot fits the provider: it names no provider, or this one.</summary>
    private static bool MadeFor(IModel? snapshot, string? provider)
    {
        if (snapshot is null)
        {
            return true;
        }

        var annotated = snapshot.GetAnnotations()
            .Concat(snapshot.GetEntityTypes().SelectMany(e => e.GetAnnotations().Concat(e.GetProperties().SelectMany(p => p.GetAnnotations()))))
            .Select(a => a.Name.Split(':')[0])
            .Where(prefix => EfProviders.All.Any(p => p.Prefix == prefix))
            .ToHashSet(StringComparer.Ordinal);
        return annotated.Count == 0 || (EfProviders.All.FirstOrDefault(p => p.Assembly == provider) is { } own && annotated.Contains(own.Prefix));
    }

    /// <summary>A context on the database: the application's design-time factory, else the store's provider and an options constructor.</summary>
    /// <param name="store">The store kind (<c>postgres</c>, <c>sqlite</c>, <c>sqlserver</c>).</param>
    /// <param name="connectionString">The database's connection string.</param>
    protected virtual TContext CreateContext(string store, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(store);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var provider = EfProviders.ForStore(store, $"{typeof(TContext).Name} (override CreateContext in a class derived from DbContextSchema<{typeof(TContext).Name}> to make it yourself)");

        if (FromDesignTimeFactory(provider.Assembly, connectionString) is { } made)
        {
            return made;
        }

        var builder = new DbContextOptionsBuilder<TContext>();
        EfProviders.Use(builder, provider, connectionString, typeof(TContext).Name);
        var options = builder.Options;
        var constructor = typeof(TContext).GetConstructor([typeof(DbContextOptions<TContext>)]) ?? typeof(TContext).GetConstructor([typeof(DbContextOptions)]);
        if (constructor is null)
        {
            throw new InvalidOperationException(
                $"{typeof(TContext).Name} has no constructor taking DbContextOptions<{typeof(TContext).Name}> (or DbContextOptions) and its assembly no IDesignTimeDbContextFactory<{typeof(TContext).Name}>: add one, or derive from DbContextSchema<{typeof(TContext).Name}> and override CreateContext");
        }

        return (TContext)constructor.Invoke([options]);
    }

    /// <summary>A context from the application's design-time factory with the connection string replaced, when the factory uses the same provider.</summary>
    private static TContext? FromDesignTimeFactory(string providerAssembly, string connectionString)
    {
        var factoryType = typeof(TContext).Assembly.GetTypes()
            .FirstOrDefault(t => !t.IsAbstract && typeof(IDesignTimeDbContextFactory<TContext>).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null);
        if (factoryType is null)
        {
            return null;
        }

        var context = ((IDesignTimeDbContextFactory<TContext>)Activator.CreateInstance(factoryType)!).CreateDbContext([]);
        if (!string.Equals(context.Database.ProviderName, providerAssembly, StringComparison.Ordinal))
        {
            context.Dispose();
            return null;
        }

        context.Database.SetConnectionString(connectionString);
        return context;
    }
}
