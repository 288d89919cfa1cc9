using System.Text.Json;
using System.Text.Json.Nodes;
using DataGen.Schemas;

namespace DataGen.Elasticsearch;

/// <summary>
/// An Elasticsearch index mapping read as tables the manifest scaffold writes models for (offline: from the JSON that
/// <c>GET /&lt;index&gt;/_mapping</c> answers, a create-index body, or bare <c>properties</c>): an index per table, a
/// top-level property per column, its kind from the field type.
/// </summary>
public static class MappingSchema
{
    private static readonly Dictionary<string, ValueKind> Kinds = new(StringComparer.Ordinal)
    {
        ["keyword"] = ValueKind.String, ["constant_keyword"] = ValueKind.String, ["wildcard"] = ValueKind.String,
        ["text"] = ValueKind.String, ["match_only_text"] = ValueKind.String, ["ip"] = ValueKind.String, ["version"] = ValueKind.String,
        ["long"] = ValueKind.Integer, ["integer"] = ValueKind.Integer, ["short"] = ValueKind.Integer, ["byte"] = ValueKind.Integer, ["unsigned_long"] = ValueKind.Integer,
        ["double"] = ValueKind.Double, ["float"] = ValueKind.Double, ["half_float"] = ValueKind.Double, ["scaled_float"] = ValueKind.Double,
        ["date"] = ValueKind.DateTime, ["date_nanos"] = ValueKind.DateTime, ["boolean"] = ValueKind.Boolean, ["binary"] = ValueKind.Bytes,
        ["object"] = ValueKind.Object, ["nested"] = ValueKind.Object, ["flattened"] = ValueKind.Object,
    };

    /// <summary>Reads a mapping file (see the type's summary); <paramref name="index"/> names the index of a body that does not say.</summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="index">The index name for a create-index body or bare properties (default: the file's name).</param>
    /// <exception cref="InvalidDataException">The file is not JSON (named at its line and column) or not a mapping, or a field has a type DataGen cannot generate.</exception>
    public static DatabaseSchema Read(string path, string? index = null)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}: not JSON: {e.Message}", e);
        }

        if (root is not JsonObject body)
        {
            throw new InvalidDataException($"{path}: a mapping is a JSON object: {{\"<index>\": {{\"mappings\": {{\"properties\": …}}}}}} (what GET /<index>/_mapping answers), {{\"mappings\": …}} or {{\"properties\": …}}");
        }

        index ??= Path.GetFileNameWithoutExtension(path);
        var indexes = body.ContainsKey("properties") ? [(index, body)]
            : body["mappings"] is JsonObject mappings ? [(index, mappings)]
            : body.Select(p => (p.Key, p.Value?["mappings"] as JsonObject ?? throw new InvalidDataException($"{path}: index '{p.Key}' has no \"mappings\" object"))).ToList();
        return new DatabaseSchema(indexes.Select(i => Table(path, i.Item1, i.Item2)).ToList());
    }

    private static TableSchema Table(string path, string index, JsonObject mappings)
    {
        var properties = mappings["properties"] as JsonObject ?? [];
        var columns = new List<ColumnSchema>();
        foreach (var (name, node) in properties)
        {
            var type = node?["type"]?.GetValue<string>() ?? "object"; // no type: an object (its properties are not generated one by one)
            if (type == "alias")
            {
                continue; // an alias stores nothing: the field it points at is generated
            }

            if (!Kinds.TryGetValue(type, out var kind))
            {
                throw new InvalidDataException($"{path}: {index}.{name} has type '{type}', which DataGen does not generate; types: {string.Join(", ", Kinds.Keys.Order(StringComparer.Ordinal))} (remove the field from the mapping file, or map it as one of them)");
            }

            var format = node?["format"]?.GetValue<string>();
            if (kind == ValueKind.DateTime && format is "strict_date" or "date" or "yyyy-MM-dd")
            {
                kind = ValueKind.Date;
            }

            columns.Add(new ColumnSchema(name, type, kind)
            {
                Nullable = false,
                MaxLength = node?["ignore_above"] is JsonValue above && above.TryGetValue<int>(out var length) ? length : null,
            });
        }

        return new TableSchema(null, index, columns);
    }
}
