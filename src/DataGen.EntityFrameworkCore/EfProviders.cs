using System.Reflection;
using Microsoft.EntityFrameworkCore;

namespace DataGen.EntityFrameworkCore;

/// <summary>
/// The EF Core providers DataGen knows: the store kind a context can be made for (null: recognised in migration
/// snapshots only), the provider's assembly (<c>Database.ProviderName</c>), its annotation prefix, and its <c>UseX</c>
/// extension, called by reflection so the package references no provider.
/// </summary>
internal static class EfProviders
{
    public static readonly Provider[] All =
    [
        new("postgres", "Npgsql.EntityFrameworkCore.PostgreSQL", "Npgsql", "Microsoft.EntityFrameworkCore.NpgsqlDbContextOptionsBuilderExtensions", "UseNpgsql"),
        new("sqlite", "Microsoft.EntityFrameworkCore.Sqlite", "Sqlite", "Microsoft.EntityFrameworkCore.SqliteDbContextOptionsBuilderExtensions", "UseSqlite"),
        new("sqlserver", "Microsoft.EntityFrameworkCore.SqlServer", "SqlServer", "Microsoft.EntityFrameworkCore.SqlServerDbContextOptionsExtensions", "UseSqlServer"),
        new("mysql", "Pomelo.EntityFrameworkCore.MySql", "MySql", null, null),
        new(null, "Oracle.EntityFrameworkCore", "Oracle", null, null),
    ];

    /// <summary>The provider for a store kind (<c>postgres</c>, <c>sqlite</c>, <c>sqlserver</c>), or an error naming the context and the kinds known.</summary>
    public static Provider ForStore(string store, string context)
    {
        var provider = All.FirstOrDefault(p => p.Store is not null && string.Equals(p.Store, store, StringComparison.OrdinalIgnoreCase));
        if (provider?.Method is null)
        {
            throw new NotSupportedException(
                $"{context}: no EF Core provider is known for store '{store}' (known: {string.Join(", ", All.Where(p => p.Method is not null).Select(p => p.Store))})"
                + (provider is null ? string.Empty : $"; configure {provider.Assembly} yourself"));
        }

        return provider;
    }

    /// <summary>Calls the provider's <c>UseX(builder, connectionString, null)</c>.</summary>
    public static void Use(DbContextOptionsBuilder builder, Provider provider, string connectionString, string context)
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(provider.Assembly);
        }
        catch (FileNotFoundException)
        {
            throw new InvalidOperationException($"{context} on {provider.Store}: the test project needs the EF Core provider package {provider.Assembly} (add a PackageReference to it)");
        }

        var method = assembly.GetType(provider.Type!)?.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .FirstOrDefault(m => m.Name == provider.Method && !m.IsGenericMethod && m.GetParameters() is [{ } first, { } second, { } third]
                && first.ParameterType == typeof(DbContextOptionsBuilder) && second.ParameterType == typeof(string) && third.ParameterType.IsGenericType)
            ?? throw new InvalidOperationException($"{provider.Assembly} has no {provider.Method}(DbContextOptionsBuilder, string, Action<…>) for {context}: configure the context yourself");
        method.Invoke(null, [builder, connectionString, null]);
    }

    /// <summary>A provider: its store kind, assembly, annotation prefix, the type and name of its <c>UseX</c> extension.</summary>
    internal sealed record Provider(string? Store, string Assembly, string Prefix, string? Type, string? Method);
}
