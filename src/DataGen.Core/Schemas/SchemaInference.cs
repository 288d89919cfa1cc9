using DataGen.Manifests;
using YamlDotNet.RepresentationModel;

namespace DataGen.Schemas;

/// <summary>
/// Partial manifests: a datastore with <c>infer: true</c> gets a model for every table of its database, and a model the
/// manifest declares for one of those tables (its <c>store:</c> and <c>table:</c>) keeps everything it says — count,
/// fields, options — while the columns it does not name are filled in from the live schema, as the scaffold would
/// write them. Done on the YAML tree before the manifest is read, so the merged manifest is checked like any other.
/// </summary>
internal static class SchemaInference
{
    /// <summary>The names of the datastores that ask for inference, from the raw tree (before anything is read).</summary>
    public static List<string> InferringStores(YamlMappingNode root) =>
        ManifestReader.Get(root, "datastores") is YamlMappingNode stores
            ? stores.Children
                .Where(kv => kv.Value is YamlMappingNode store && ManifestReader.Get(store, "infer") is YamlScalarNode { Value: "true" })
                .Select(kv => ((YamlScalarNode)kv.Key).Value ?? string.Empty)
                .ToList()
            : [];

    /// <summary>Merges the live schema of each inferring datastore into <paramref name="root"/>'s models.</summary>
    public static async Task ApplyAsync(YamlMappingNode root, string source, ManifestOptions options, CancellationToken cancellationToken)
    {
        var inferring = InferringStores(root);
        if (inferring.Count == 0)
        {
            return;
        }

        var errors = new ErrorSink(source);
        if (options.Stores is null)
        {
            errors.Add(root, $"datastore '{inferring[0]}' says infer: true, which reads its live schema: register the store kinds (ManifestOptions.Stores)");
            errors.ThrowIfAny();
        }

        var reader = new ManifestReader(errors, new Variables(options.Variables, options.Environment ?? Environment.GetEnvironmentVariable), options.Stores);
        reader.ReadDatastoresOnly(root);
        errors.ThrowIfAny();
        var models = ManifestReader.Get(root, "models") as YamlMappingNode ?? new YamlMappingNode();
        foreach (var store in reader.Datastores.Where(d => inferring.Contains(d.Name)))
        {
            var provider = options.Stores!.Find(store.Kind)!;
            if (!provider.CanReadSchema)
            {
                errors.Add(root, $"datastore '{store.Name}' ({store.Kind}) cannot describe a schema, so it cannot infer: true");
                continue;
            }

            var schema = await provider.ReadSchemaAsync(store, null, cancellationToken).ConfigureAwait(false);
            models = Merge(models, schema, store);
        }

        errors.ThrowIfAny();
        root.Children[new YamlScalarNode("models")] = models;
    }

    private static YamlMappingNode Merge(YamlMappingNode declared, DatabaseSchema schema, Datastore store)
    {
        // The manifest's models of this store name their tables; the scaffold uses those names so refs line up.
        var names = new Dictionary<TableSchema, string>();
        foreach (var (key, value) in declared.Children)
        {
            if (key is YamlScalarNode { Value: { } name } && value is YamlMappingNode model && Scalar(model, "store") == store.Name)
            {
                var table = Scalar(model, "table") ?? name;
                if (schema.Find(table) is { } found)
                {
                    names[found] = name;
                }
            }
        }

        var scaffold = ManifestScaffold.Models(schema, new ScaffoldOptions { Kind = store.Kind, DatastoreName = store.Name }, names);
        var inferred = (YamlMappingNode)ManifestReader.Get(ParseYaml(scaffold), "models")!;
        var merged = new YamlMappingNode();
        foreach (var (key, value) in inferred.Children)
        {
            var own = declared.Children.TryGetValue(key, out var mine) ? mine as YamlMappingNode : null;
            merged.Children[key] = own is null ? value : MergeModel((YamlMappingNode)value, own);
        }

        // Models of other stores, and this store's models whose table is not in the schema (validation names them), stay as written.
        foreach (var (key, value) in declared.Children.Where(kv => !merged.Children.ContainsKey(kv.Key)))
        {
            merged.Children[key] = value;
        }

        return merged;
    }

    /// <summary>The scaffold's model with the manifest's own keys and fields on top (the manifest wins).</summary>
    private static YamlMappingNode MergeModel(YamlMappingNode inferred, YamlMappingNode own)
    {
        var merged = new YamlMappingNode();
        foreach (var (key, value) in inferred.Children)
        {
            merged.Children[key] = value;
        }

        foreach (var (key, value) in own.Children)
        {
            if (key is YamlScalarNode { Value: "fields" } && value is YamlMappingNode ownFields && merged.Children.TryGetValue(key, out var inferredFields) && inferredFields is YamlMappingNode columns)
            {
                var fields = new YamlMappingNode();
                foreach (var (column, spec) in columns.Children)
                {
                    fields.Children[column] = ownFields.Children.TryGetValue(column, out var mine) ? mine : spec;
                }

                foreach (var (field, spec) in ownFields.Children.Where(kv => !fields.Children.ContainsKey(kv.Key)))
                {
                    fields.Children[field] = spec;
                }

                merged.Children[key] = fields;
            }
            else
            {
                merged.Children[key] = value;
            }
        }

        return merged;
    }

    private static string? Scalar(YamlMappingNode map, string key) => ManifestReader.Get(map, key) is YamlScalarNode { Value: { } value } ? value : null;

    private static YamlMappingNode ParseYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }
}
