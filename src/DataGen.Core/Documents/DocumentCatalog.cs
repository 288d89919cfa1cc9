using System.Collections.Concurrent;
using System.Reflection;

namespace DataGen.Documents;

/// <summary>Supplies a document type; public implementations with a parameterless constructor are discovered by name.</summary>
public interface IDocumentProvider
{
    /// <summary>The document type.</summary>
    DocumentType Document { get; }
}

/// <summary>
/// Finds document types by name: the built-in ones, those registered explicitly, and every
/// <see cref="IDocumentProvider"/> in the loaded assemblies.
/// </summary>
public static class DocumentCatalog
{
    private static readonly ConcurrentDictionary<string, DocumentType> Registered = new(StringComparer.Ordinal);

    /// <summary>Registers a document type (replacing one of the same name).</summary>
    public static void Register(DocumentType document)
    {
        ArgumentNullException.ThrowIfNull(document);
        Registered[document.Name] = document;
    }

    /// <summary>All known document types by name.</summary>
    public static IReadOnlyDictionary<string, DocumentType> All()
    {
        var all = new SortedDictionary<string, DocumentType>(StringComparer.Ordinal);
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic))
        {
            foreach (var type in ProviderTypes(assembly))
            {
                if (Activator.CreateInstance(type) is IDocumentProvider provider)
                {
                    all[provider.Document.Name] = provider.Document;
                }
            }
        }

        foreach (var (name, document) in Registered)
        {
            all[name] = document;
        }

        return all;
    }

    /// <summary>Finds a document type by name, or null.</summary>
    public static DocumentType? Find(string name) => All().GetValueOrDefault(name);

    private static IEnumerable<Type> ProviderTypes(Assembly assembly)
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

        return types.Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IDocumentProvider).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null);
    }
}
