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
        if (options.Schema is not null)
        {
            var declared = ManifestReader.Get(root, "models") as YamlMappingNode ?? new YamlMappingNode();
            MissingTables(declared, options.Schema, source);
            root.Children[new YamlScalarNode("models")] = Merge(declared, options.Schema, null);
        }

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
            models = Merge(models, schema, store.Name);
        }

        errors.ThrowIfAny();
        root.Children[new YamlScalarNode("models")] = models;
    }

    /// <summary>
    /// A model without a store and without fields whose table is not in the application's schema: said now, with the
    /// tables, rather than as "a model needs fields" (one with fields is checked against the schema after it is read).
    /// </summary>
    private static void MissingTables(YamlMappingNode declared, DatabaseSchema schema, string source)
    {
        var errors = new ErrorSink(source);
        foreach (var (key, value) in declared.Children)
        {
            if (key is YamlScalarNode { Value: { } name } && value is YamlMappingNode model && Scalar(model, "store") is null && ManifestReader.Get(model, "fields") is null
                && Scalar(model, "mode") is not ("create" or "replace"))
            {
                var table = Scalar(model, "table") ?? name;
                if (schema.Find(table) is null && Loosely(schema.Tables, table, t => t.Name) is null)
                {
                    errors.Add(ManifestReader.Get(model, "table") ?? key, $"model '{name}': {SchemaCheck.MissingTable(table, "the application's schema", schema)}");
                }
            }
        }

        errors.ThrowIfAny();
    }

    /// <summary>Merges <paramref name="schema"/> into the models of datastore <paramref name="store"/> (null: the models that name no store).</summary>
    private static YamlMappingNode Merge(YamlMappingNode declared, DatabaseSchema schema, string? store)
    {
        // The manifest's models of this store name their tables; the scaffold uses those names so refs line up.
        var names = new Dictionary<TableSchema, string>();
        var tables = new Dictionary<string, TableSchema>(StringComparer.Ordinal);
        foreach (var (key, value) in declared.Children)
        {
            if (key is YamlScalarNode { Value: { } name } && value is YamlMappingNode model && Scalar(model, "store") == store)
            {
                var table = Scalar(model, "table") ?? name;
                if ((schema.Find(table) ?? Loosely(schema.Tables, table, t => t.Name)) is { } found && !names.ContainsKey(found))
                {
                    names[found] = name;
                    tables[name] = found;
                }
            }
        }

        var scaffold = ManifestScaffold.Models(schema, new ScaffoldOptions { Kind = "sql", DatastoreName = store ?? string.Empty }, names);
        var inferred = (YamlMappingNode)ManifestReader.Get(ParseYaml(scaffold), "models")!;
        var merged = new YamlMappingNode();
        foreach (var (key, value) in inferred.Children)
        {
            var own = declared.Children.TryGetValue(key, out var mine) ? mine as YamlMappingNode : null;
            merged.Children[key] = own is null ? value : MergeModel((YamlMappingNode)value, own, tables[((YamlScalarNode)key).Value!]);
        }

        // Models of other stores, and this store's models whose table is not in the schema (validation names them), stay as written.
        foreach (var (key, value) in declared.Children.Where(kv => !merged.Children.ContainsKey(kv.Key)))
        {
            merged.Children[key] = value;
        }

        return merged;
    }

    /// <summary>The scaffold's model with the manifest's own keys and fields on top (the manifest wins).</summary>
    private static YamlMappingNode MergeModel(YamlMappingNode inferred, YamlMappingNode own, TableSchema table)
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
                // A field named like a column but for case and underscores (placed_at for PlacedAt) is that column's.
                var byColumn = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
                var unmatched = new List<KeyValuePair<YamlNode, YamlNode>>();
                foreach (var (field, spec) in ownFields.Children)
                {
                    var name = ((YamlScalarNode)field).Value ?? string.Empty;
                    var column = table.Column(name) ?? Loosely(table.Columns, name, c => c.Name);
                    if (column is not null && !byColumn.ContainsKey(column.Name))
                    {
                        byColumn[column.Name] = spec;
                    }
                    else
                    {
                        unmatched.Add(new(field, spec));
                    }
                }

                var fields = new YamlMappingNode();
                foreach (var (column, spec) in columns.Children)
                {
                    fields.Children[column] = byColumn.TryGetValue(((YamlScalarNode)column).Value ?? string.Empty, out var mine) ? mine : spec;
                }

                foreach (var (field, spec) in unmatched)
                {
                    fields.Children[field] = spec;
                }

                merged.Children[key] = fields;
            }
            else if (key is not YamlScalarNode { Value: "table" })
            {
                // The table found through the model's own name or table: is written as the schema spells it.
                merged.Children[key] = value;
            }
        }

        return merged;
    }

    /// <summary>The one item whose name equals <paramref name="name"/> ignoring case and underscores, or null (none, or more than one).</summary>
    private static T? Loosely<T>(IEnumerable<T> items, string name, Func<T, string> nameOf)
        where T : class
    {
        var wanted = Normalize(name);
        var found = items.Where(i => Normalize(nameOf(i)) == wanted).Take(2).ToList();
        return found.Count == 1 ? found[0] : null;

        static string Normalize(string text) => text.Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
    }

    private static string? Scalar(YamlMappingNode map, string key) => ManifestReader.Get(map, key) is YamlScalarNode { Value: { } value } ? value : null;

    private static YamlMappingNode ParseYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }
}
