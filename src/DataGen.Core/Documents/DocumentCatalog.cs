using System.Collections.Concurrent;

namespace DataGen.Documents;

/// <summary>
/// Document types by name: the built-in ones (<c>starfleet_account</c>, <c>starfleet_application</c>) and those
/// registered with <see cref="Register"/>. Nothing is found by scanning assemblies.
/// </summary>
public static class DocumentCatalog
{
    private static readonly ConcurrentDictionary<string, DocumentType> Registered = new(
        [
            new(StarfleetAccount.Name, StarfleetAccount.Document),
            new(StarfleetApplication.Name, StarfleetApplication.Document),
        ],
        StringComparer.Ordinal);

    /// <summary>Registers a document type (replacing one of the same name).</summary>
    public static void Register(DocumentType document)
    {
        ArgumentNullException.ThrowIfNull(document);
        Registered[document.Name] = document;
    }

    /// <summary>All known document types by name.</summary>
    public static IReadOnlyDictionary<string, DocumentType> All() => new SortedDictionary<string, DocumentType>(Registered, StringComparer.Ordinal);

    /// <summary>Finds a document type by name, or null.</summary>
    public static DocumentType? Find(string name) => Registered.GetValueOrDefault(name);
}
