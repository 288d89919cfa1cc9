using DataGen.Outputs;

namespace DataGen.Xunit;

/// <content>Templates: a class with the same data as an earlier class clones its store instead of loading.</content>
public abstract partial class DataGenFixture
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<Template?>> Templates = new(StringComparer.Ordinal);

    /// <summary>Forgets this process's templates, as a new test run starts without them (for tests of kept templates).</summary>
    internal static void ForgetTemplates() => Templates.Clear();

    /// <summary>What a class that loaded a manifest leaves for the next class with the same data: the store's copy and what the fixture knew.</summary>
    private sealed record Template(string Name, ulong Seed, string SeedSource, string Data, IReadOnlyDictionary<string, long> Counts, IReadOnlyList<ModelDescriptor> Loaded, MemoryOutput? Rows);

    private string? _templateKey;

    /// <summary>
    /// The template this class's data will be cloned from — known when <see cref="StartAsync"/> runs, so a store can
    /// start from a copy it made ahead — or null (the class loads, or is the first with its data).
    /// </summary>
    protected string? TemplateToClone { get; private set; }

    /// <summary>True when this class's data came from a template another class loaded (not generated again).</summary>
    internal bool Cloned { get; private set; }

    /// <summary>
    /// Whether the store can keep what a class loaded as a template and give later classes a copy of it
    /// (<see cref="SaveTemplateAsync"/>, <see cref="CloneTemplateAsync"/>). Default false: every class loads.
    /// </summary>
    protected virtual bool SupportsTemplates => false;

    /// <summary>
    /// Keeps what this fixture loaded (its baseline captured) as the template <paramref name="name"/>, with
    /// <paramref name="info"/> (what the fixture knew: seed, counts, tables) stored where <see cref="FindTemplateAsync"/>
    /// reads it back; false when it cannot now.
    /// </summary>
    protected virtual Task<bool> SaveTemplateAsync(string name, string info, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>
    /// Whether templates outlive the test process: kept on a server that is reused (<c>DATAGEN_REUSE=1</c>) under a name
    /// made of the hash of their inputs, and cloned by the next run with exactly those inputs. Default false.
    /// </summary>
    protected virtual bool KeepsTemplates => false;

    /// <summary>The info a template kept from an earlier run was saved with, or null when the store has no template <paramref name="name"/>.</summary>
    protected virtual Task<string?> FindTemplateAsync(string name, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>Makes this fixture's store a copy of template <paramref name="name"/>, baseline included; false when it cannot.</summary>
    protected virtual Task<bool> CloneTemplateAsync(string name, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>
    /// Loads the class's data and captures the baseline — or, when a class with the same data (manifest content, seed,
    /// scale, variables, schema, store) loaded it already in this process, clones that class's template instead of
    /// generating and loading again.
    /// </summary>
    private async Task LoadBaselineAsync(DataGenAttribute data, CancellationToken cancellationToken)
    {
        Cloned = false;
        var key = SupportsTemplates && data is SeededWithAttribute seeded ? (ReferenceEquals(data, _classData) ? _templateKey : null) ?? TemplateKey(seeded) : null;
        if (key is null)
        {
            await LoadAsync(data, cancellationToken).ConfigureAwait(false);
            await CaptureBaselineAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var mine = new TaskCompletionSource<Template?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var entry = Templates.GetOrAdd(key, mine);
        if (entry == mine)
        {
            try
            {
                // Kept templates are named by their inputs' hash (and checked against it): a changed input is a new name.
                var keep = KeepsTemplates && !KeepsRows;
                var name = keep ? $"dg_tmpl_{key[..40]}" : StoreNames.Template(key);
                if (keep && TemplateInfo.Read(await FindTemplateAsync(name, cancellationToken).ConfigureAwait(false), key, name) is { } kept)
                {
                    mine.SetResult(kept);
                    if (await CloneFromAsync(kept, data, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }
                }

                await LoadAsync(data, cancellationToken).ConfigureAwait(false);
                await CaptureBaselineAsync(cancellationToken).ConfigureAwait(false);
                var made = new Template(name, Seed, SeedSource, Data!, Counts, _loaded.ToList(), BaselineRows);
                var saved = await SaveTemplateAsync(name, TemplateInfo.Write(key, made), cancellationToken).ConfigureAwait(false);
                mine.TrySetResult(saved ? made : null);
            }
            catch
            {
                // The next class with this data loads it itself (and may make the template).
                Templates.TryRemove(new KeyValuePair<string, TaskCompletionSource<Template?>>(key, mine));
                mine.TrySetResult(null);
                throw;
            }

            return;
        }

        var template = await entry.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (template is not null && await CloneFromAsync(template, data, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await LoadAsync(data, cancellationToken).ConfigureAwait(false);
        await CaptureBaselineAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes over what the template's class knew, then has the store copy the template; false when it could not.</summary>
    private async Task<bool> CloneFromAsync(Template template, DataGenAttribute data, CancellationToken cancellationToken)
    {
        // What the template's class knew, first: the store's clone plans its restore from the loaded tables.
        _loaded.Clear();
        _loaded.AddRange(template.Loaded);
        (Seed, SeedSource, Data, Counts, BaselineRows) = (template.Seed, template.SeedSource, template.Data, template.Counts, template.Rows);
        (Journeys, Simulation) = ([], null);
        if (!await CloneTemplateAsync(template.Name, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        Cloned = true;
        _schemaApplied = data is SeededWithAttribute { Schema: not null };
        return true;
    }

    /// <summary>A template's info as a kept template stores it: its key (checked on reading), seed, data, counts and tables.</summary>
    private static class TemplateInfo
    {
        private static readonly System.Text.Json.JsonSerializerOptions Options = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

        public static string Write(string key, Template template) =>
            System.Text.Json.JsonSerializer.Serialize(new Stored(key, template.Seed, template.SeedSource, template.Data, template.Counts.ToDictionary(), template.Loaded.ToList()), Options);

        /// <summary>The template, or null when there is no info or it was made from other inputs.</summary>
        public static Template? Read(string? info, string key, string name)
        {
            if (info is null)
            {
                return null;
            }

            try
            {
                var stored = System.Text.Json.JsonSerializer.Deserialize<Stored>(info, Options);
                return stored is not null && stored.Key == key
                    ? new Template(name, stored.Seed, stored.SeedSource, stored.Data, stored.Counts, stored.Loaded, null)
                    : null;
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }

        private sealed record Stored(string Key, ulong Seed, string SeedSource, string Data, Dictionary<string, long> Counts, List<ModelDescriptor> Loaded);
    }

    /// <summary>
    /// A hash of everything that shapes a manifest's data in this store: the fixture type, the manifest's bytes, the
    /// seed (attribute and DATAGEN_SEED), scale, variables (attribute and DATAGEN_VAR_*), the application schema (type and
    /// build) and DataGen's version. Null when the manifest cannot be read (the load then reports why).
    /// </summary>
    private string? TemplateKey(SeededWithAttribute data)
    {
        string path;
        byte[] content;
        try
        {
            path = DataLoader.Locate(data.Manifest);
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var text = new System.Text.StringBuilder()
            .Append(GetType().AssemblyQualifiedName).Append('|').Append(Store).Append('|').Append(path).Append('|')
            .Append(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content))).Append('|')
            .Append(data.ExplicitSeed?.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('|')
            .Append(Environment.GetEnvironmentVariable(DataGenSeeds.Variable)).Append('|')
            .Append(data.Scale.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('|')
            .AppendJoin(',', data.Variables.Order(StringComparer.Ordinal)).Append('|')
            .AppendJoin(',', Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("DATAGEN_VAR_", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}")).Append('|')
            .Append(data.Schema?.AssemblyQualifiedName).Append(data.Schema?.Assembly.ManifestModule.ModuleVersionId).Append('|')
            .Append(typeof(DataGenFixture).Assembly.ManifestModule.ModuleVersionId);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }
}
