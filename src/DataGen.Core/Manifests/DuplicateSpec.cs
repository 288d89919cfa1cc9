using YamlDotNet.RepresentationModel;

namespace DataGen.Manifests;

/// <summary>Fuzz operators applied to the fields of duplicate rows.</summary>
internal enum FuzzOp
{
    /// <summary>One insert, delete, substitute or transpose of a letter.</summary>
    Typo,

    /// <summary>A first name to a nickname or back (Robert ↔ Bob).</summary>
    Nickname,

    /// <summary>A name to its initial ("John" → "J.").</summary>
    Initials,

    /// <summary>UPPER, lower or Title case.</summary>
    Case,

    /// <summary>Extra, missing or padded spaces.</summary>
    Whitespace,

    /// <summary>The digits of a phone number in another layout.</summary>
    PhoneFormat,

    /// <summary>Day and month swapped (or one day off when they cannot swap).</summary>
    DateFormat,

    /// <summary>The value dropped (null).</summary>
    Drop,
}

/// <summary>A model's <c>duplicates:</c> section: how many rows are fuzzed copies of earlier ones, and how.</summary>
internal sealed record DuplicateSpec(
    YamlNode Node,
    double Rate,
    double Variance,
    IReadOnlyList<(string Field, YamlNode At, FuzzOp[] Ops)> Fields,
    (string First, string Second)? Swap,
    int MinEdits,
    int MaxEdits,
    string TruthField,
    bool Hidden)
{
    public static readonly string[] Keys = ["rate", "variance", "fields", "swap", "edits", "truth", "hidden", "archived"];

    /// <summary>
    /// The percentage of the run's generated rows that are fuzzed copies of rows drawn from the model's <c>archive:</c>
    /// (earlier runs' rows), their ground truth the archived row's cluster; 0 when not set.
    /// </summary>
    public double Archived { get; init; }

    public static readonly IReadOnlyDictionary<string, FuzzOp> Ops = new Dictionary<string, FuzzOp>(StringComparer.Ordinal)
    {
        ["typo"] = FuzzOp.Typo,
        ["nickname"] = FuzzOp.Nickname,
        ["initials"] = FuzzOp.Initials,
        ["case"] = FuzzOp.Case,
        ["whitespace"] = FuzzOp.Whitespace,
        ["phone_format"] = FuzzOp.PhoneFormat,
        ["date_format"] = FuzzOp.DateFormat,
        ["drop"] = FuzzOp.Drop,
    };
}

/// <summary>
/// A model's <c>archive: path.csv</c>: every completed run appends the rows it wrote there (CSV, header once, the ground-truth
/// column included when the model has duplicates); a later run's <c>duplicates: { archived: n }</c> re-injects some of them.
/// </summary>
internal sealed record ArchiveSpec(YamlNode Node, string Path);

/// <summary>Fixed rows from a CSV file appended to a model (header = field names).</summary>
internal sealed record TracerRows(YamlNode Node, string Path, IReadOnlyList<string> Header, IReadOnlyList<(int Line, string[] Values)> Rows)
{
    /// <summary>
    /// Where the rows this run takes are marked as consumed once it completes (<c>consume: true</c>): the tracer file's
    /// name with <c>.consumed</c> appended; null when the rows are used by every run.
    /// </summary>
    public string? ConsumedFile { get; init; }

    /// <summary>The CSV lines of <see cref="Rows"/> as the file has them: what <see cref="ConsumedFile"/> records.</summary>
    public IReadOnlyList<string> Lines { get; init; } = [];
}
