using System.CommandLine;
using DataGen.Outputs;

namespace DataGen.Cli;

/// <summary>
/// Where a runtime's stream goes (event flows, a simulation's streams, journey steps): a datastore of the manifest, or
/// a store named by its kind on the command line, into a table, collection or topic, meeting what is there as
/// <see cref="Mode"/> says. The same store kinds and settings as a manifest's <c>datastores:</c>.
/// </summary>
/// <param name="Store">The datastore (from the manifest, or made from <c>--to kind</c> and <c>--setting</c>).</param>
/// <param name="Target">The table, collection or topic (null: the stream's own name).</param>
/// <param name="Mode">How the stream meets an existing table or topic.</param>
internal sealed record StreamTarget(Datastore Store, string? Target, LoadMode Mode)
{
    /// <summary>An output that writes the streams to the store, under <see cref="Target"/> and <see cref="Mode"/>.</summary>
    public IDataOutput Open(StoreLoadOptions options) =>
        new DescribingOutput(Targets.Stores.CreateOutput(Store, options), m => m with { Target = Target ?? m.Target, Mode = Mode });

    /// <summary>For messages: the store (never its settings, which may hold passwords) and the target.</summary>
    public string Describe(string stream) => $"{Store} {Target ?? stream}";
}

/// <summary>The options that choose a <see cref="StreamTarget"/>: <c>--to</c>, <c>--setting</c> and <c>--mode</c>.</summary>
internal sealed class StreamTargetOptions
{
    public Option<string?> To { get; } = new("--to")
    {
        Description = "Send the stream to a datastore of the manifest (by name) or to a store of a kind (kafka, postgres, mysql, sqlserver, sqlite, mongodb, files) "
            + "configured with --setting, optionally into a table/topic: --to kafka/clicks, --to warehouse/events.",
    };

    public Option<string[]> Settings { get; } = new("--setting")
    {
        Description = "A setting of the --to store, key=value (repeatable): connection, bootstrapServers, valueFormat=avro, schemaRegistryUrl, partitions, keyField… Overrides a manifest datastore's own.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<LoadMode?> Mode { get; } = new("--mode")
    {
        Description = "How the stream meets an existing table or topic: create (default: a table or topic holding rows is refused), append, truncate or replace.",
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(To);
        command.Options.Add(Settings);
        command.Options.Add(Mode);
    }

    /// <summary>
    /// The target the command line asks for, else the manifest's own (<paramref name="manifestStore"/>, a datastore name,
    /// with <paramref name="manifestTarget"/>), else null (the command's default output). A problem is returned in
    /// <paramref name="error"/>: an unknown datastore or kind, a malformed or unknown setting, a missing one.
    /// </summary>
    public StreamTarget? Resolve(ParseResult parse, Manifest? manifest, string? manifestStore, string? manifestTarget, out string? error)
    {
        error = null;
        var to = parse.GetValue(To);
        var given = parse.GetValue(Settings) ?? [];
        if (to is null)
        {
            if (given.Length > 0 || parse.GetValue(Mode) is not null)
            {
                error = "--setting and --mode need --to (the store the stream goes to)";
                return null;
            }

            if (manifestStore is null)
            {
                return null;
            }

            to = manifestTarget is null ? manifestStore : $"{manifestStore}/{manifestTarget}";
        }

        var slash = to.IndexOf('/', StringComparison.Ordinal);
        var (name, target) = slash < 0 ? (to, null) : (to[..slash], to[(slash + 1)..]);
        if (name.Length == 0 || target is { Length: 0 })
        {
            error = $"--to expects <datastore or kind>[/<table or topic>], found '{to}'";
            return null;
        }

        var store = Store(name, manifest, given, out error);
        return store is null ? null : new StreamTarget(store, target, parse.GetValue(Mode) ?? LoadMode.Create);
    }

    private static Datastore? Store(string name, Manifest? manifest, string[] given, out string? error)
    {
        error = null;
        var declared = manifest?.Datastores.FirstOrDefault(d => d.Name == name);
        var kind = declared?.Kind ?? name;
        if (Targets.Stores.Find(kind) is not { } provider)
        {
            var names = manifest?.Datastores.Select(d => d.Name).ToList() ?? [];
            error = $"--to '{name}' is neither a datastore of the manifest ({(names.Count == 0 ? "it has none" : string.Join(", ", names))}) nor a store kind ({string.Join(", ", Targets.Stores.Kinds)})";
            return null;
        }

        var settings = new Dictionary<string, string>(declared?.Settings ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var setting in given)
        {
            var eq = setting.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = $"--setting expects key=value, found '{setting.Split('=')[0]}…'";
                return null;
            }

            var key = setting[..eq];
            if (!provider.Settings.ContainsKey(key))
            {
                error = $"--setting '{key}' is not a setting of {kind} stores; known: {string.Join(", ", provider.Settings.Keys.Order(StringComparer.Ordinal))}";
                return null;
            }

            settings[key] = setting[(eq + 1)..];
        }

        var store = new Datastore(declared?.Name ?? kind, kind, settings);
        var problems = provider.Validate(store).ToList();
        if (problems.Count > 0)
        {
            error = string.Join("; ", problems) + (declared is null ? " (give settings with --setting key=value)" : string.Empty);
            return null;
        }

        return store;
    }
}

/// <summary>
/// A simulation's output with its streams sent elsewhere: models named in <paramref name="streams"/> go to
/// <paramref name="streamOutput"/>, every other model to <paramref name="models"/> (the manifest's datastores).
/// </summary>
internal sealed class SplitOutput(IDataOutput models, IDataOutput streamOutput, IReadOnlySet<string> streams) : IDataOutput
{
    private IDataOutput Of(ModelDescriptor model) => streams.Contains(model.Name) ? streamOutput : models;

    public async ValueTask PrepareAsync(IReadOnlyList<ModelDescriptor> descriptors, CancellationToken cancellationToken = default)
    {
        await models.PrepareAsync(descriptors.Where(m => !streams.Contains(m.Name)).ToList(), cancellationToken).ConfigureAwait(false);
        await streamOutput.PrepareAsync(descriptors.Where(m => streams.Contains(m.Name)).ToList(), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default) => Of(model).OpenModelAsync(model, cancellationToken);

    public ValueTask<IModelWriter> OpenUpdatesAsync(ModelDescriptor model, CancellationToken cancellationToken = default) => Of(model).OpenUpdatesAsync(model, cancellationToken);

    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        await models.CompleteAsync(cancellationToken).ConfigureAwait(false);
        await streamOutput.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await models.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await streamOutput.DisposeAsync().ConfigureAwait(false);
        }
    }
}
