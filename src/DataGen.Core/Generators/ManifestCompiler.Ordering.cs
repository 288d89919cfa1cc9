using DataGen.Manifests;
using YamlDotNet.RepresentationModel;

namespace DataGen.Generators;

internal sealed partial class ManifestCompiler
{
    private int[]? FieldOrder(ModelSource model, IReadOnlyList<(string Name, string Path, YamlNode Node)> fields, List<int>[] edges)
    {
        var state = new int[fields.Count];
        var order = new List<int>(fields.Count);
        var stack = new List<int>();
        var ok = true;

        for (var i = 0; i < fields.Count; i++)
        {
            Visit(i);
        }

        return ok ? [.. order] : null;

        void Visit(int i)
        {
            if (state[i] == 2)
            {
                return;
            }

            if (state[i] == 1)
            {
                var cycle = stack.Skip(stack.IndexOf(i)).Append(i).Select(j => fields[j].Name);
                _errors.Add(fields[i].Node, $"fields depend on each other in a cycle: {string.Join(" → ", cycle)}", model.Name, fields[i].Path);
                ok = false;
                return;
            }

            state[i] = 1;
            stack.Add(i);
            foreach (var d in edges[i])
            {
                Visit(d);
            }

            stack.RemoveAt(stack.Count - 1);
            state[i] = 2;
            order.Add(i);
        }
    }

    private void AddDependency(string from, string to, YamlNode at)
    {
        if (!_modelDependencies.TryGetValue(from, out var list))
        {
            list = [];
            _modelDependencies[from] = list;
        }

        list.Add((to, at));
    }

    /// <summary>Models in an order where every model comes after the models it references; a cycle is an error naming its path.</summary>
    private List<string>? Order()
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        var path = new List<(string Model, YamlNode? At)>();
        var ok = true;
        foreach (var model in _models)
        {
            Visit(model.Name, null);
        }

        return ok ? order : null;

        void Visit(string name, YamlNode? at)
        {
            switch (state.GetValueOrDefault(name))
            {
                case 2:
                    return;
                case 1:
                    var start = path.FindIndex(p => p.Model == name);
                    var cycle = path.Skip(start).Select(p => p.Model).Append(name);
                    var text = start == path.Count - 1
                        ? $"model '{name}' references itself; self-references are not supported (generate the hierarchy as a separate model)"
                        : $"reference cycle between models: {string.Join(" → ", cycle)}; break it by making one of these refs 'deferred: true' (its rows go in with NULL and an update sets it once the other model is written), or by removing one reference";
                    _errors.Add(at, text, path[^1].Model);
                    ok = false;
                    return;
            }

            state[name] = 1;
            path.Add((name, at));
            foreach (var (target, node) in _modelDependencies.GetValueOrDefault(name) ?? [])
            {
                Visit(target, node);
            }

            path.RemoveAt(path.Count - 1);
            state[name] = 2;
            order.Add(name);
        }
    }
}
