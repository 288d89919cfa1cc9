using DataGen.Generation;
using DataGen.Manifests;
using YamlDotNet.RepresentationModel;

namespace DataGen.Generators;

/// <summary>The names visible from an object being compiled: its own fields, then the enclosing objects'.</summary>
internal sealed class ScopeInfo(IReadOnlyList<(string Name, YamlNode Node)> fields, ScopeInfo? parent)
{
    public IReadOnlyList<(string Name, YamlNode Node)> Fields { get; } = fields;

    public ScopeInfo? Parent { get; } = parent;

    public int IndexOf(string name)
    {
        for (var i = 0; i < Fields.Count; i++)
        {
            if (Fields[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Finds a field by name from this scope outwards: how many scopes up, and its index there.</summary>
    public (int Up, int Index)? Resolve(string name)
    {
        var up = 0;
        for (var s = this; s is not null; s = s.Parent, up++)
        {
            var i = s.IndexOf(name);
            if (i >= 0)
            {
                return (up, i);
            }
        }

        return null;
    }

    public ScopeInfo At(int up)
    {
        var s = this;
        for (var i = 0; i < up; i++)
        {
            s = s!.Parent;
        }

        return s!;
    }
}

/// <summary>What a generator factory may ask of the compiler while it builds a field.</summary>
internal sealed class CompileContext(ManifestCompiler compiler, ModelSource model, ScopeInfo scope)
{
    private readonly List<(int Up, int Index)> _dependencies = [];

    public ManifestCompiler Compiler { get; } = compiler;

    public ModelSource Model { get; } = model;

    public ScopeInfo Scope { get; } = scope;

    public IReadOnlyList<(int Up, int Index)> Dependencies => _dependencies;

    public string Locale => Compiler.Locale;

    public DateTime ReferenceDate => Compiler.ReferenceDate;

    /// <summary>Records that this field reads another field's value (so it is generated after it).</summary>
    public void DependOn(int up, int index) => _dependencies.Add((up, index));

    /// <summary>Compiles a nested object's fields in a new scope below this one.</summary>
    public CompiledObject? CompileObject(FieldSpec spec, YamlNode fieldsNode) =>
        Compiler.CompileObject(Model, spec.Path, fieldsNode, Scope, this);
}
