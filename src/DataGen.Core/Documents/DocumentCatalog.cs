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

    // Scanning assemblies is slow: once per set of loaded assemblies.
    private static (int Assemblies, IReadOnlyDictionary<string, DocumentType> Types)? _discovered;

    /// <summary>Registers a document type (replacing one of the same name).</summary>
    public static void Register(DocumentType document)
    {
        ArgumentNullException.ThrowIfNull(document);
        Registered[document.Name] = document;
    }

    /// <summary>All known document types by name.</summary>
    public static IReadOnlyDictionary<string, DocumentType> All()
    {
        var all = new SortedDictionary<string, DocumentType>((IDictionary<string, DocumentType>)Discovered(), StringComparer.Ordinal);

        foreach (var (name, document) in Registered)
        {
            all[name] = document;
        }

        return all;
    }

    /// <summary>Finds a document type by name, or null.</summary>
    public static DocumentType? Find(string name) =>
        Registered.TryGetValue(name, out var registered) ? registered : Discovered().GetValueOrDefault(name);

    private static IReadOnlyDictionary<string, DocumentType> Discovered()
    {
        var loaded = AppDomain.CurrentDomain.GetAssemblies().Length;
        if (_discovered is not { } discovered || discovered.Assemblies != loaded)
        {
            discovered = (loaded, Discovery.Instances<IDocumentProvider>().GroupBy(p => p.Document.Name).ToDictionary(g => g.Key, g => g.Last().Document, StringComparer.Ordinal));
            _discovered = discovered;
        }

        return discovered.Types;
    }
}
