using System.Reflection;

namespace DataGen.Documents;

/// <summary>Finds public, concrete implementations of a provider type with a parameterless constructor in the loaded assemblies.</summary>
internal static class Discovery
{
    public static IEnumerable<T> Instances<T>()
        where T : class
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic))
        {
            Type[] types;
            try
            {
                types = assembly.GetTypes();
            }
            catch (ReflectionTypeLoadException e)
            {
                types = e.Types.Where(t => t is not null).ToArray()!;
            }

            foreach (var type in types.Where(t => t is { IsAbstract: false, IsInterface: false, IsGenericTypeDefinition: false } && typeof(T).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null))
            {
                yield return (T)Activator.CreateInstance(type)!;
            }
        }
    }
}
