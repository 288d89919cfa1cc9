using System.Text.Json;
using System.Text.Json.Nodes;
using DataGen.Outputs;

namespace DataGen.Elasticsearch;

/// <summary>
/// The index a model gets when it has none: a mapping derived from the model's fields, or the body the datastore's
/// <c>mappings</c> file gives for the index (what <c>PUT /&lt;index&gt;</c> takes: <c>mappings</c>, <c>settings</c>).
/// </summary>
internal static class ElasticsearchMapping
{
    // Field names whose text is prose, searched word by word: mapped as text (with a keyword sub-field for sorting and
    // aggregations); every other string is an exact value (a code, a name, an id, an e-mail) and mapped as keyword.
    private static readonly string[] ProseWords =
        ["description", "body", "text", "comment", "note", "summary", "bio", "content", "message", "review", "abstract", "details", "remarks"];

    /// <summary>The create-index body for <paramref name="model"/>: the given one, or <c>{"mappings":{"properties":…}}</c> derived from its fields.</summary>
    public static JsonObject CreateBody(ModelDescriptor model, IReadOnlyDictionary<string, string>? given)
    {
        if (given is not null && given.TryGetValue(model.Target, out var body))
        {
            return JsonNode.Parse(body)!.AsObject();
        }

        return new JsonObject { ["mappings"] = new JsonObject { ["properties"] = Properties(model.Fields, model.Key, model.References.Select(r => r.Field)) } };
    }

    /// <summary>The mapping's <c>properties</c> for top-level fields: string keys and references are keyword whatever their names say.</summary>
    public static JsonObject Properties(IReadOnlyList<FieldDescriptor> fields, string? key = null, IEnumerable<string>? references = null)
    {
        var exact = new HashSet<string>(references ?? [], StringComparer.Ordinal);
        if (key is not null)
        {
            exact.Add(key);
        }

        var properties = new JsonObject();
        foreach (var field in fields)
        {
            if ((exact.Contains(field.Name) && field.Kind is ValueKind.String ? Keyword() : Of(field)) is { } mapping)
            {
                properties[field.Name] = mapping;
            }
        }

        return properties;
    }

    /// <summary>One field's mapping, or null where the kind is not known ahead (left to dynamic mapping).</summary>
    public static JsonObject? Of(FieldDescriptor field) => field.Kind switch
    {
        ValueKind.String => IsProse(field.Name) ? Text() : Keyword(),
        ValueKind.Uuid or ValueKind.Time => Keyword(),
        ValueKind.Integer => Type("long"),
        ValueKind.Decimal or ValueKind.Double => Type("double"),
        ValueKind.Boolean => Type("boolean"),
        ValueKind.Date => new JsonObject { ["type"] = "date", ["format"] = "strict_date" },
        ValueKind.DateTime => new JsonObject { ["type"] = "date", ["format"] = "strict_date_optional_time" },
        ValueKind.Bytes => Type("binary"),
        ValueKind.Object => field.Fields is { } inner ? new JsonObject { ["type"] = "object", ["properties"] = Properties(inner) } : Type("object"),
        // Elasticsearch has no array type: a field holds one value or many of its element's mapping. Objects in an array
        // are nested, so a query matches fields of the same element, not of two different ones.
        ValueKind.Array => field.Item switch
        {
            { Kind: ValueKind.Object, Fields: { } inner } => new JsonObject { ["type"] = "nested", ["properties"] = Properties(inner) },
            { Kind: ValueKind.Object } => Type("nested"),
            { } item => Of(item),
            null => null,
        },
        _ => null,
    };

    private static bool IsProse(string name) =>
        ProseWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));

    private static JsonObject Type(string type) => new() { ["type"] = type };

    private static JsonObject Keyword() => Type("keyword");

    private static JsonObject Text() => new() { ["type"] = "text", ["fields"] = new JsonObject { ["keyword"] = new JsonObject { ["type"] = "keyword", ["ignore_above"] = 256 } } };

    /// <summary>
    /// Reads a <c>mappings</c> file: a JSON object of index name to the body <c>PUT /&lt;index&gt;</c> takes. Errors name the
    /// file and, for a bad entry, the index.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadFile(string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}: not valid JSON: {e.Message.Split(" Path:")[0]}", nameof(path), e);
        }

        if (root is not JsonObject indexes)
        {
            throw new ArgumentException($"{path}: must be a JSON object of index name to its create-index body ({{\"products\": {{\"mappings\": {{\"properties\": …}}}}}})", nameof(path));
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (index, body) in indexes)
        {
            if (body is not JsonObject entry || !entry.ContainsKey("mappings") && !entry.ContainsKey("settings"))
            {
                throw new ArgumentException($"{path}: index '{index}' must be an object with 'mappings' and/or 'settings' (the body of PUT /{index})", nameof(path));
            }

            result[index] = entry.ToJsonString();
        }

        return result;
    }
}
