using System.Collections.Concurrent;

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
        foreach (var provider in Discovery.Instances<IDocumentProvider>())
        {
            all[provider.Document.Name] = provider.Document;
        }

        foreach (var (name, document) in Registered)
        {
            all[name] = document;
        }

        return all;
    }

    /// <summary>Finds a document type by name, or null.</summary>
    public static DocumentType? Find(string name) => All().GetValueOrDefault(name);
}
