using DataGen.Outputs;

namespace DataGen.Stores;

/// <summary>
/// The store kinds an application can write to, each registered by its package
/// (<c>new StoreCatalog([FileStoreProvider.Instance, PostgresStoreProvider.Instance])</c>). Immutable; give it to
/// <see cref="ManifestOptions.Stores"/> to check datastore kinds and settings when a manifest loads, and use
/// <see cref="CreateOutput(Manifest, StoreLoadOptions, IDataOutput?)"/> to write each model to its datastore.
/// </summary>
public sealed class StoreCatalog
{
    private readonly Dictionary<string, StoreProvider> _providers = new(StringComparer.Ordinal);

    /// <summary>Creates a catalog; two providers of one kind are an error.</summary>
    public StoreCatalog(IEnumerable<StoreProvider> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        foreach (var provider in providers)
        {
            ArgumentNullException.ThrowIfNull(provider);
            if (!Manifests.ManifestReader.IsIdentifier(provider.Kind))
            {
                throw new ArgumentException($"store kind '{provider.Kind}' ({provider.GetType().Name}) must be letters, digits and underscores", nameof(providers));
            }

            if (!_providers.TryAdd(provider.Kind, provider))
            {
                throw new ArgumentException($"store kind '{provider.Kind}' is registered twice ({_providers[provider.Kind].GetType().Name} and {provider.GetType().Name})", nameof(providers));
            }
        }

        Kinds = _providers.Keys.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A catalog that knows only <c>files</c>.</summary>
    public static StoreCatalog FilesOnly { get; } = new([FileStoreProvider.Instance]);

    /// <summary>The registered kinds, sorted.</summary>
    public IReadOnlyList<string> Kinds { get; }

    /// <summary>The provider of a kind, or null.</summary>
    public StoreProvider? Find(string kind) => _providers.GetValueOrDefault(kind);

    /// <summary>A new catalog with one more provider.</summary>
    public StoreCatalog With(StoreProvider provider) => new(_providers.Values.Append(provider));

    /// <summary>Opens an output for one datastore.</summary>
    /// <exception cref="ArgumentException">The kind is not registered, or a required setting is missing.</exception>
    public IDataOutput CreateOutput(Datastore store, StoreLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        var provider = Find(store.Kind) ?? throw new ArgumentException(UnknownKind(store.Name, store.Kind));
        return provider.CreateOutput(store, options ?? new StoreLoadOptions());
    }

    /// <summary>
    /// An output that sends each model to its datastore's output and models without <c>store:</c> to
    /// <paramref name="defaultOutput"/>. The datastores' outputs are created now; a failure disposes those already made.
    /// </summary>
    public IDataOutput CreateOutput(Manifest manifest, StoreLoadOptions options, IDataOutput? defaultOutput)
    {
        ArgumentNullException.ThrowIfNull(manifest);

        // Every kind is resolved before any output exists, so an unregistered kind leaves nothing to clean up.
        var providers = manifest.Datastores.Select(d => (Store: d, Provider: Find(d.Kind) ?? throw new ArgumentException(UnknownKind(d.Name, d.Kind)))).ToList();
        var outputs = new Dictionary<string, IDataOutput>(StringComparer.Ordinal);
        try
        {
            foreach (var (store, provider) in providers)
            {
                outputs[store.Name] = provider.CreateOutput(store, options ?? new StoreLoadOptions());
            }
        }
        catch
        {
            // A provider refused its settings after others were made: release those (a cold path, so synchronously).
            foreach (var made in outputs.Values)
            {
                made.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            throw;
        }

        return new RoutingOutput(outputs, defaultOutput);
    }

    internal string UnknownKind(string name, string kind)
    {
        var suggestion = Manifests.Suggest.Closest(kind, Kinds);
        return $"datastore '{name}': unknown kind '{kind}'" + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)")
            + $"; registered kinds: {string.Join(", ", Kinds)}";
    }
}
