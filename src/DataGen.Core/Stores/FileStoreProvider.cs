using DataGen.Outputs;

namespace DataGen.Stores;

/// <summary>The <c>files</c> store kind: <c>path</c> (a directory) and <c>format</c> (ndjson, csv or json; default ndjson).</summary>
public sealed class FileStoreProvider : StoreProvider
{
    private FileStoreProvider()
    {
    }

    /// <summary>The provider.</summary>
    public static FileStoreProvider Instance { get; } = new();

    /// <inheritdoc />
    public override string Kind => "files";

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["path"] = "Directory the files are written to.",
        ["format"] = "File format: ndjson (default), csv or json.",
    };

    /// <inheritdoc />
    protected override IReadOnlyList<string> RequiredSettings { get; } = ["path"];

    /// <summary>Files honour <c>mode: append</c> (CSV and NDJSON rows added to the existing file); the other modes replace the file, as <c>create</c> does.</summary>
    public override bool SupportsLoadModes => true;

    /// <inheritdoc />
    public override IEnumerable<string> Validate(Datastore store)
    {
        var problems = base.Validate(store);
        return store.Get("format") is { } format && !TryParseFormat(format, out _)
            ? problems.Append($"datastore '{store.Name}' (files): format must be ndjson, csv or json, found '{format}'")
            : problems;
    }

    /// <inheritdoc />
    public override IDataOutput CreateOutput(Datastore store, StoreLoadOptions options)
    {
        var path = Required(store, "path");
        return TryParseFormat(store.Get("format") ?? "ndjson", out var format)
            ? new FileOutput(path, format)
            : throw new ArgumentException($"datastore '{store.Name}' (files): format must be ndjson, csv or json");
    }

    private static bool TryParseFormat(string text, out FileFormat format) =>
        Enum.TryParse(text, ignoreCase: true, out format) && Enum.IsDefined(format) && !int.TryParse(text, out _);
}
