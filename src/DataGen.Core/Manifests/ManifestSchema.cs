using System.Text.Json;
using System.Text.Json.Nodes;
using DataGen.Generators;

namespace DataGen;

/// <summary>
/// The JSON Schema (draft-07, what editors support best) of a manifest, generated from the same generator catalog that
/// validates manifests, so editors complete and check exactly what DataGen accepts.
/// </summary>
public static partial class ManifestSchema
{
    /// <summary>The schema as indented JSON text.</summary>
    /// <param name="stores">The store kinds to offer under <c>datastores:</c>, with their settings (null: any kind, settings unchecked).</param>
    public static string Json(Stores.StoreCatalog? stores = null) => Build(stores).ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    internal static JsonObject Build(Stores.StoreCatalog? stores = null)
    {
        var fieldVariants = FieldVariants();
        return new JsonObject
        {
            ["$schema"] = "http://json-schema.org/draft-07/schema#",
            ["$id"] = "urn:datagen:manifest-schema",
            ["title"] = "DataGen manifest",
            ["description"] = "Models, fields, references, counts, seed, scale and variables for deterministic test data.",
            ["type"] = "object",
            ["anyOf"] = new JsonArray(new JsonObject { ["required"] = new JsonArray("models") }, new JsonObject { ["required"] = new JsonArray("events") }, new JsonObject { ["required"] = new JsonArray("journeys") }),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["$schema"] = new JsonObject { ["type"] = "string" },
                ["seed"] = new JsonObject { ["description"] = "Seed of every generated value (default 1).", ["type"] = "integer", ["minimum"] = 0 },
                ["scale"] = new JsonObject { ["description"] = "Multiplies every root count (per-parent counts follow their parent).", ["type"] = "number", ["exclusiveMinimum"] = 0 },
                ["locale"] = new JsonObject { ["description"] = "Bogus locale.", ["enum"] = Array(Bogus.Database.GetAllLocales().Order(StringComparer.Ordinal)) },
                ["referenceDate"] = new JsonObject { ["description"] = "The fixed 'now' relative dates count from (default 2025-01-01).", ["type"] = "string" },
                ["variables"] = new JsonObject
                {
                    ["description"] = "Variables for {{name}}: default values (null = must be supplied by --var or DATAGEN_VAR_name).",
                    ["type"] = "object",
                    ["additionalProperties"] = new JsonObject { ["type"] = new JsonArray("string", "number", "boolean", "null") },
                },
                ["datastores"] = new JsonObject
                {
                    ["description"] = "Named stores models are written to: { kind, settings… } (values may use {{variables}}).",
                    ["type"] = "object",
                    ["additionalProperties"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("kind"),
                        ["properties"] = DatastoreProperties(stores),
                        ["additionalProperties"] = stores is null ? new JsonObject { ["type"] = new JsonArray("string", "number", "boolean") } : false,
                    },
                },
                ["simulation"] = SimulationSchema(),
                ["events"] = EventsSchema(),
                ["journeys"] = JourneysSchema(),
                ["models"] = new JsonObject
                {
                    ["type"] = "object",
                    ["minProperties"] = 1,
                    ["additionalProperties"] = new JsonObject { ["$ref"] = "#/definitions/model" },
                },
            },
            ["definitions"] = new JsonObject
            {
                ["model"] = ModelSchema(),
                ["fields"] = new JsonObject
                {
                    ["type"] = "object",
                    ["minProperties"] = 1,
                    ["additionalProperties"] = new JsonObject { ["$ref"] = "#/definitions/field" },
                },
                ["field"] = new JsonObject { ["anyOf"] = fieldVariants },
            },
        };
    }

    /// <summary>What a field may be: a generator's name alone, a built-in generator with its options, or a Bogus method with arguments.</summary>
    private static JsonArray FieldVariants()
    {
        var generatorNames = GeneratorCatalog.BuiltIn.Select(d => d.Name).Concat(BogusCatalog.AllNames).ToArray();
        var fieldVariants = new JsonArray
        {
            new JsonObject
            {
                ["description"] = "Shorthand: a generator name with no options (uuid, name.firstName, …).",
                ["type"] = "string",
                ["anyOf"] = new JsonArray
                {
                    new JsonObject { ["enum"] = Array(generatorNames) },
                    new JsonObject { ["pattern"] = "^[a-z]+\\.[A-Za-z]+$" },
                },
            },
        };
        foreach (var d in GeneratorCatalog.BuiltIn)
        {
            fieldVariants.Add(Generator(d.Name, d.Description, d.Options, typeConst: true));
        }

        fieldVariants.Add(new JsonObject
        {
            ["description"] = "A Bogus data set method (dataset.method) with optional arguments, positional or by parameter name; text arguments may use {{field}}.",
            ["type"] = "object",
            ["required"] = new JsonArray("type"),
            ["properties"] = Properties([new("args", OptionType.Arguments, "Arguments to the Bogus method.")], new JsonObject { ["type"] = "string", ["pattern"] = "^[a-z]+\\.[A-Za-z]+$", ["examples"] = Array(BogusCatalog.AllNames.Take(400)) }),
            ["additionalProperties"] = false,
        });
        return fieldVariants;
    }

    /// <summary>A model: its count, key, store, table, indexes, mode, unique keys, fields, tracers, scale and duplicates.</summary>
    private static JsonObject ModelSchema() =>
        new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("count", "fields"),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["count"] = Count(),
                ["key"] = new JsonObject { ["description"] = "The field that identifies a row (kept unique).", ["type"] = "string" },
                ["store"] = new JsonObject { ["description"] = "The datastore (under datastores:) the model is written to.", ["type"] = "string" },
                ["table"] = new JsonObject { ["description"] = "Table, collection or topic name (default: the model name).", ["type"] = "string" },
                ["indexes"] = new JsonObject { ["description"] = "Secondary indexes: fields or lists of fields.", ["type"] = "array", ["items"] = new JsonObject { ["type"] = new JsonArray("string", "array") } },
                ["mode"] = ModeSchema(),
                ["unique"] = new JsonObject { ["description"] = "Combinations that never repeat: [a, b] (one composite key) or [[a, b], [c]].", ["type"] = "array", ["items"] = new JsonObject { ["type"] = new JsonArray("string", "array") } },
                ["fields"] = new JsonObject { ["$ref"] = "#/definitions/fields" },
                ["enabled"] = new JsonObject { ["description"] = "false: the model writes no rows and no file (a source switched off); models that reference it are refused.", ["type"] = "boolean" },
                ["tracers"] = new JsonObject
                {
                    ["description"] = "A CSV file (header = field names, relative to the manifest) whose rows are appended to the model; or { file, consume: true (each row used by one completed run, marked in file.consumed), take: n (at most n rows a run) }.",
                    ["anyOf"] = new JsonArray(
                        new JsonObject { ["type"] = "string" },
                        new JsonObject
                        {
                            ["type"] = "object",
                            ["additionalProperties"] = false,
                            ["required"] = new JsonArray("file"),
                            ["properties"] = new JsonObject { ["file"] = new JsonObject { ["type"] = "string" }, ["consume"] = new JsonObject { ["type"] = "boolean" }, ["take"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1 } },
                        }),
                },
                ["scale"] = new JsonObject { ["description"] = "false: the count stays as written under --scale (lookup tables); per-parent counts follow their parent.", ["type"] = "boolean" },
                ["duplicates"] = DuplicatesSchema(),
                ["archive"] = new JsonObject { ["description"] = "A CSV file (relative to the manifest) every completed run appends the model's rows to, ground truth included; duplicates: { archived: n } re-injects them in later runs.", ["type"] = "string", ["pattern"] = "\\.csv$" },
            },
        };

    private static JsonObject Count() => new()
    {
        ["description"] = "A number, [min, max], or { per: parent_model, min, max }.",
        ["anyOf"] = new JsonArray
        {
            new JsonObject { ["type"] = new JsonArray("integer", "string"), ["minimum"] = 0 },
            new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = new JsonArray("integer", "string") }, ["minItems"] = 2, ["maxItems"] = 2 },
            new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = false,
                ["properties"] = new JsonObject
                {
                    ["per"] = new JsonObject { ["type"] = "string" },
                    ["min"] = new JsonObject { ["type"] = new JsonArray("integer", "string") },
                    ["max"] = new JsonObject { ["type"] = new JsonArray("integer", "string") },
                },
            },
        },
    };

    private static JsonObject Generator(string name, string description, IReadOnlyList<OptionSpec> options, bool typeConst)
    {
        var implicitType = name is "object" or "array";
        return new JsonObject
        {
            ["description"] = $"{name}: {description}",
            ["type"] = "object",
            ["required"] = new JsonArray([.. (implicitType ? [] : new JsonNode[] { "type" }), .. options.Where(o => o.Required).Select(o => (JsonNode)o.Name)]),
            ["properties"] = Properties(options, typeConst ? new JsonObject { ["const"] = name } : null),
            ["additionalProperties"] = false,
        };
    }

    private static JsonObject Properties(IEnumerable<OptionSpec> options, JsonObject? type)
    {
        var properties = new JsonObject();
        foreach (var option in GeneratorCatalog.CommonOptions.Concat(options))
        {
            properties[option.Name] = option.Name == "type" && type is not null ? type : Option(option);
        }

        return properties;
    }

    private static JsonObject Option(OptionSpec option)
    {
        var schema = option.Type switch
        {
            OptionType.Integer => new JsonObject { ["type"] = new JsonArray("integer", "string") },
            OptionType.Number => new JsonObject { ["type"] = new JsonArray("number", "string") },
            OptionType.Boolean => new JsonObject { ["type"] = "boolean" },
            OptionType.Probability => new JsonObject { ["type"] = new JsonArray("number", "string") },
            OptionType.String or OptionType.DateExpression => new JsonObject { ["type"] = "string" },
            OptionType.Count => Count(),
            OptionType.List => new JsonObject { ["type"] = "array" },
            OptionType.FieldMap => new JsonObject { ["$ref"] = "#/definitions/fields" },
            OptionType.FieldSpec => new JsonObject { ["$ref"] = "#/definitions/field" },
            OptionType.Arguments => new JsonObject { ["type"] = new JsonArray("array", "object") },
            OptionType.WeightedValues => new JsonObject { ["type"] = new JsonArray("array", "object") },
            _ => new JsonObject(),
        };
        schema["description"] = option.Description;
        if (option.Allowed is { } allowed)
        {
            schema["enum"] = Array(allowed);
        }

        return schema;
    }

    private static JsonArray Array(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static JsonObject InferSchema() => new()
    {
        ["description"] = "true: every table of the database becomes a model when the manifest loads; the manifest's own models (by store and table) and fields win, the other columns are inferred from the live schema.",
        ["type"] = "boolean",
    };

    private static JsonObject ModeSchema() => new()
    {
        ["description"] = "How rows meet an existing table: create (default: create when missing, load when empty), truncate (empty it first, keep its definition), append, replace (drop and create from the manifest).",
        ["enum"] = new JsonArray("create", "truncate", "append", "replace"),
    };

    /// <summary>A datastore's <c>kind</c> and the settings of every registered kind (the reader checks which kind allows which).</summary>
    private static JsonObject DatastoreProperties(Stores.StoreCatalog? stores)
    {
        if (stores is null)
        {
            return new JsonObject { ["kind"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[A-Za-z_][A-Za-z0-9_]*$" }, ["mode"] = ModeSchema(), ["infer"] = InferSchema() };
        }

        var properties = new JsonObject { ["kind"] = new JsonObject { ["enum"] = Array(stores.Kinds) }, ["mode"] = ModeSchema(), ["infer"] = InferSchema() };
        var settings = stores.Kinds.Select(k => stores.Find(k)!).SelectMany(p => p.Settings.Select(s => (Kind: p.Kind, Name: s.Key, Description: s.Value)));
        foreach (var group in settings.GroupBy(s => s.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            properties[group.Key] = new JsonObject
            {
                ["description"] = string.Join(" ", group.Select(s => $"{s.Kind}: {s.Description}")),
                ["type"] = new JsonArray("string", "number", "boolean"),
            };
        }

        return properties;
    }
}
