namespace DataGen;

/// <summary>
/// A store named in the manifest's <c>datastores:</c> section: its kind and settings (variables already
/// substituted). Settings may hold credentials: <see cref="ToString"/> never shows them.
/// </summary>
public sealed class Datastore
{
    /// <summary>Creates a datastore entry (the manifest reader makes these; tests of a store provider may too).</summary>
    /// <param name="name">The name models refer to with <c>store:</c>.</param>
    /// <param name="kind">The store kind (a registered <see cref="Stores.StoreProvider.Kind"/>).</param>
    /// <param name="settings">Kind-specific settings.</param>
    public Datastore(string name, string kind, IReadOnlyDictionary<string, string> settings)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(settings);
        Name = name;
        Kind = kind;
        Settings = settings;
    }

    /// <summary>The name models refer to with <c>store:</c>.</summary>
    public string Name { get; }

    /// <summary>The store kind (<c>postgres</c>, <c>files</c>, …): a <see cref="Stores.StoreProvider.Kind"/>.</summary>
    public string Kind { get; }

    /// <summary>Kind-specific settings (connection, bootstrapServers, path, partitions, …).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>A setting's value, or null.</summary>
    public string? Get(string key) => Settings.GetValueOrDefault(key);

    /// <summary>Name and kind only: settings can contain passwords.</summary>
    public override string ToString() => $"{Name} ({Kind})";
}
