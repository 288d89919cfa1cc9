using DataGen.Schemas;

namespace DataGen.Xunit;

/// <summary>Turns <see cref="SeededWithAttribute.Schema"/> into the schema that makes the tables.</summary>
internal static class ApplicationSchemas
{
    private const string EfCoreSchema = "DataGen.EntityFrameworkCore.DbContextSchema`1, DataGen.EntityFrameworkCore";

    /// <summary>An <see cref="IApplicationSchema"/> for the type: itself, or for a <c>DbContext</c> the EF Core package's schema of it.</summary>
    public static IApplicationSchema Create(Type type, string attribute)
    {
        if (typeof(IApplicationSchema).IsAssignableFrom(type))
        {
            return type.IsAbstract || type.ContainsGenericParameters || type.GetConstructor(Type.EmptyTypes) is null
                ? throw new ArgumentException($"{attribute}: Schema = typeof({type.Name}) needs a concrete type with a parameterless constructor")
                : (IApplicationSchema)Activator.CreateInstance(type)!;
        }

        if (IsDbContext(type))
        {
            var generic = Type.GetType(EfCoreSchema, throwOnError: false)
                ?? throw new ArgumentException($"{attribute}: Schema = typeof({type.Name}) is an EF Core DbContext: add the DataGen.EntityFrameworkCore package to the test project");
            return (IApplicationSchema)Activator.CreateInstance(generic.MakeGenericType(type))!;
        }

        throw new ArgumentException($"{attribute}: Schema = typeof({type.Name}) is neither an EF Core DbContext nor an IApplicationSchema");
    }

    /// <summary>
    /// The tables of a schema that can describe itself, without a database: as the first store whose provider the test
    /// project has maps them (a model's column types differ a little by provider; its tables and columns do not).
    /// </summary>
    public static DatabaseSchema DescribeWithoutDatabase(Type type, string attribute)
    {
        var schema = Create(type, attribute);
        var reasons = new List<string>();
        foreach (var (store, connectionString) in new[] { ("postgres", "Host=localhost;Database=datagen"), ("sqlserver", "Server=localhost;Database=datagen"), ("sqlite", "Data Source=:memory:") })
        {
            try
            {
                if (schema.Describe(store, connectionString) is { } described)
                {
                    return described;
                }
            }
            catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
            {
                reasons.Add($"{store}: {e.Message}");
            }
        }

        throw new ArgumentException($"{attribute}: Schema = typeof({type.Name}) cannot describe its tables without a database ({string.Join("; ", reasons)})");
    }

    private static bool IsDbContext(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.FullName == "Microsoft.EntityFrameworkCore.DbContext")
            {
                return true;
            }
        }

        return false;
    }
}
