using YamlDotNet.RepresentationModel;

namespace DataGen.Manifests;

/// <summary>How many rows a model has.</summary>
internal abstract record CountSpec(YamlNode Node)
{
    /// <summary>Exactly <paramref name="Count"/> rows (times the scale).</summary>
    public sealed record Fixed(YamlNode At, long Count) : CountSpec(At);

    /// <summary>A count drawn once from [min, max] by the seed (times the scale).</summary>
    public sealed record Range(YamlNode At, long Min, long Max) : CountSpec(At);

    /// <summary>Between min and max rows for every row of the parent model (scaled through the parent).</summary>
    public sealed record PerParent(YamlNode At, string Parent, YamlNode ParentNode, long Min, long Max) : CountSpec(At);
}

/// <summary>A model as read from the manifest, before its fields are compiled.</summary>
internal sealed class ModelSource(string name, YamlNode node, IReadOnlyList<(string Name, YamlNode Node)> fields, CountSpec count, string? key, YamlNode? keyNode)
{
    public string Name { get; } = name;

    public YamlNode Node { get; } = node;

    public IReadOnlyList<(string Name, YamlNode Node)> Fields { get; } = fields;

    public CountSpec Count { get; } = count;

    public string? Key { get; } = key;

    public YamlNode? KeyNode { get; } = keyNode;

    /// <summary>The datastore the model is written to (null: the run's default output).</summary>
    public string? Store { get; init; }

    public YamlNode? StoreNode { get; init; }

    /// <summary>Table, collection or topic name (default: the model name).</summary>
    public string Target { get; init; } = name;

    /// <summary>Whether the manifest's scale multiplies this model's count (<c>scale: false</c> keeps lookup tables as they are).</summary>
    public bool Scales { get; init; } = true;

    /// <summary>The <c>duplicates:</c> section, if any.</summary>
    public DuplicateSpec? Duplicates { get; init; }

    /// <summary>Where the model's rows are kept across runs (<c>archive:</c>), if anywhere.</summary>
    public ArchiveSpec? Archive { get; init; }

    /// <summary>Fixed rows from a CSV file appended to the model, if any.</summary>
    public TracerRows? Tracers { get; init; }

    /// <summary>How the rows meet an existing table: the model's <c>mode:</c>, else its datastore's, else <see cref="Outputs.LoadMode.Create"/>.</summary>
    public Outputs.LoadMode Mode { get; set; }

    /// <summary>True when the model's datastore sets a <c>mode:</c> of its own.</summary>
    public bool DatastoreModeIsExplicit { get; set; }

    /// <summary>The <c>table:</c> value's node, when given.</summary>
    public YamlNode? TableNode { get; init; }

    /// <summary>The <c>mode:</c> value's node, when given.</summary>
    public YamlNode? ModeNode { get; init; }

    /// <summary>The <c>fields:</c> node.</summary>
    public YamlNode? FieldsNode { get; init; }

    /// <summary>The model's own <c>mode:</c> (null: the datastore's applies).</summary>
    public Outputs.LoadMode? OwnMode { get; init; }

    /// <summary>Composite unique keys (<c>unique: [actor_id, film_id]</c>), each a list of top-level fields.</summary>
    public IReadOnlyList<IReadOnlyList<string>> UniqueKeys { get; init; } = [];

    /// <summary>Secondary indexes, each a list of fields.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Indexes { get; init; } = [];
}
