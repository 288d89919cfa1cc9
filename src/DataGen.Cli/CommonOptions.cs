using System.CommandLine;

namespace DataGen.Cli;

/// <summary>Options several commands share, declared once (each command gets its own instance).</summary>
internal static class CommonOptions
{
    /// <summary><c>--seed</c> overriding a definition's own seed.</summary>
    public static Option<ulong?> SeedOverride(string description) => new("--seed") { Description = description };

    /// <summary><c>--seed</c> with the default seed.</summary>
    public static Option<ulong> Seed() => new("--seed") { Description = $"Seed (default {Manifest.DefaultSeed}).", DefaultValueFactory = _ => Manifest.DefaultSeed };

    /// <summary><c>--var name=value</c>, repeatable.</summary>
    public static Option<string[]> Variables() => new("--var") { Description = "A variable, name=value (repeatable).", Arity = ArgumentArity.ZeroOrMore };

    /// <summary><c>--out</c> of the commands that write a manifest's models.</summary>
    public static Option<DirectoryInfo> ManifestOut() => new("--out", "-o") { Description = "Where output goes. Without --format: the directory of <manifest name>.db (default ./out). With --format: the directory the files go to (default ./out/<manifest name>)." };

    /// <summary><c>--drop-conflicting</c>.</summary>
    public static Option<bool> DropConflicting() => new("--drop-conflicting") { Description = "Load into tables the manifest names that already hold data: an application's table is emptied and keeps its definition, only a table DataGen made is dropped and recreated (a warning names each)." };

    /// <summary><c>--max-values</c>: raises the run's estimated-work limit.</summary>
    public static Option<double?> MaxValues() => new("--max-values") { Description = "Most values a run may generate, estimated before it starts (default 1e12)." };

    /// <summary><c>--quiet</c>.</summary>
    public static Option<bool> Quiet(string description) => new("--quiet", "-q") { Description = description };

    /// <summary><c>--print</c>: a line per event or transition from a template.</summary>
    public static Option<string?> Print() => new("--print") { Description = "Print a line per event to standard output from a template of {{field}} placeholders, e.g. \"{{subject}} {{from}} → {{to}}\" or \"{{at}} {{event}} {{data.sku}}\"." };
}
