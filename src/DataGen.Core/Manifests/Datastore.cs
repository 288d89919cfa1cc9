namespace DataGen;

/// <summary>
/// A store named in the manifest's <c>datastores:</c> section: its kind and settings (variables already
/// substituted). Settings may hold credentials: <see cref="ToString"/> never shows them.
/// </summary>
public sealed class Datastore
{
    /// <summary>The kinds a manifest may name.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["postgres", "sqlserver", "mongodb", "kafka", "sqlite", "files"];

    internal Datastore(string name, string kind, IReadOnlyDictionary<string, string> settings)
    {
        Name = name;
        Kind = kind;
        Settings = settings;
    }

    /// <summary>The name models refer to with <c>store:</c>.</summary>
    public string Name { get; }

    /// <summary>One of <see cref="Kinds"/>.</summary>
    public string Kind { get; }

    /// <summary>Kind-specific settings (connection, bootstrapServers, path, partitions, …).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>A setting's value, or null.</summary>
    public string? Get(string key) => Settings.GetValueOrDefault(key);

    /// <summary>Name and kind only: settings can contain passwords.</summary>
    public override string ToString() => $"{Name} ({Kind})";
}
