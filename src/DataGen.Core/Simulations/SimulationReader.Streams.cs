using DataGen.Manifests;
using YamlDotNet.RepresentationModel;

namespace DataGen.Simulations;

// The streams: where each goes (store, target) and the key and value shape of its rows
internal sealed partial class SimulationReader
{
    private void ReadStreams(YamlMappingNode map, SimulationBuilder builder, List<string> emits)
    {
        if (Get(map, "streams") is YamlMappingNode streams)
        {
            string[] sources = ["at", "subject", "trigger", "from", "to", .. emits];
            foreach (var (k, v) in streams.Children)
            {
                if (ReadStream(scalars.Text(k, "a stream name", Where) ?? "events", v, sources) is { } stream)
                {
                    builder.Stream(stream);
                }
            }
        }
        else if (Get(map, "streams") is { } bad)
        {
            errors.Add(bad, "'streams' must map stream names to { store, target, key, value }", Where);
        }
    }

    /// <summary>A stream: its datastore and target, and the key and value shape of its rows.</summary>
    private SimulationStream? ReadStream(string name, YamlNode node, string[] sources)
    {
        var map = node as YamlMappingNode;
        if (map is not null)
        {
            scalars.CheckKeys(map, StreamKeys, "stream", Where);
        }

        var store = map is not null && Get(map, "store") is { } st ? scalars.Text(st, "a datastore name", Where) : null;
        var target = map is not null && Get(map, "target") is { } tg ? scalars.Text(tg, "a table, collection or topic", Where) : null;
        if (store is not null && !scalars.Datastores.Any(d => d.Name == store))
        {
            errors.Add(node, $"stream '{name}': unknown datastore '{store}'{Suggest.Hint(store, scalars.Datastores.Select(d => d.Name))}; datastores: {string.Join(", ", scalars.Datastores.Select(d => d.Name))}", Where);
        }

        var value = map is not null && Get(map, "value") is { } valueNode ? ReadShape(name, valueNode, sources) : null;
        string? key = null;
        if (map is not null && Get(map, "key") is { } keyNode && scalars.Text(keyNode, "a field name", Where) is { } keyName)
        {
            var keys = value?.Select(f => f.Name).ToList() ?? [.. sources];
            if (keys.Contains(keyName))
            {
                key = keyName;
            }
            else
            {
                errors.Add(keyNode, $"stream '{name}': key '{keyName}' is not a field of its {(value is null ? "events" : "value")}{Suggest.Hint(keyName, keys)}; fields: {string.Join(", ", keys)}", Where);
            }
        }

        return new SimulationStream(name, store, target) { Key = key, Value = value };
    }

    /// <summary>A value shape: <c>name: event field</c>, or <c>name: { … }</c> for a nested object.</summary>
    private List<StreamField>? ReadShape(string stream, YamlNode node, string[] sources)
    {
        if (node is not YamlMappingNode shape || shape.Children.Count == 0)
        {
            errors.Add(node, $"stream '{stream}': 'value' must map field names to event fields ({string.Join(", ", sources)}) or to nested mappings", Where);
            return null;
        }

        var fields = new List<StreamField>();
        foreach (var (k, v) in shape.Children)
        {
            var name = scalars.Text(k, "a field name", Where) ?? string.Empty;
            if (string.IsNullOrWhiteSpace(name) || fields.Any(f => f.Name == name))
            {
                errors.Add(k, $"stream '{stream}': value field '{name}' {(name.Length == 0 ? "needs a name" : "is named twice")}", Where);
            }
            else if (v is YamlMappingNode)
            {
                if (ReadShape(stream, v, sources) is { } nested)
                {
                    fields.Add(new StreamField(name, null, nested));
                }
            }
            else if (scalars.Text(v, "an event field", Where) is { } source)
            {
                if (sources.Contains(source))
                {
                    fields.Add(new StreamField(name, source));
                }
                else
                {
                    errors.Add(v, $"stream '{stream}': '{source}' is not an event field{Suggest.Hint(source, sources)}; event fields: {string.Join(", ", sources)} (emit: adds values)", Where);
                }
            }
        }

        return fields.Count == shape.Children.Count ? fields : null;
    }
}
