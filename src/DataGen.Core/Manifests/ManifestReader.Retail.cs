using YamlDotNet.RepresentationModel;

namespace DataGen.Manifests;

// Retail-style switches on a model: enabled: false turns a source off.
internal sealed partial class ManifestReader
{
    private readonly HashSet<string> _switchedOff = new(StringComparer.Ordinal);

    /// <summary>
    /// Refs of the models that are on into a model that is off (<c>enabled: false</c>): an error at the ref, since they
    /// would have no rows to point at. Per-parent models of a model that is off have no rows either, and are not checked.
    /// </summary>
    private void CheckSwitchedOff()
    {
        if (_switchedOff.Count == 0)
        {
            return;
        }

        foreach (var model in Models.Where(m => !_switchedOff.Contains(m.Name)))
        {
            foreach (var (field, node) in model.Fields)
            {
                foreach (var (at, target) in Refs(node))
                {
                    if (_switchedOff.Contains(target))
                    {
                        _errors.Add(at, $"field '{field}' refers to model '{target}', which is switched off (enabled: false): it has no rows to point at; switch it on or remove the ref", model.Name);
                    }
                }
            }
        }
    }

    /// <summary>Every <c>ref: model.field</c> under a field's node (nested objects and arrays included), with the model named.</summary>
    private static IEnumerable<(YamlNode At, string Model)> Refs(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                {
                    if (k is YamlScalarNode { Value: "ref" } && v is YamlScalarNode { Value: { } target } && target.Contains('.', StringComparison.Ordinal))
                    {
                        yield return (v, target[..target.IndexOf('.', StringComparison.Ordinal)]);
                    }
                    else
                    {
                        foreach (var inner in Refs(v))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case YamlSequenceNode list:
                foreach (var inner in list.Children.SelectMany(Refs))
                {
                    yield return inner;
                }

                break;
        }
    }

    /// <summary><c>enabled: true | false</c>; a wrong value is reported and counts as enabled.</summary>
    private bool ReadEnabled(YamlNode node, string model)
    {
        switch (Text(node, "true or false", model))
        {
            case "false":
                return false;
            case "true" or null:
                return true;
            case { } other:
                _errors.Add(node, $"'enabled' must be true or false, found '{other}'", model);
                return true;
        }
    }
}
