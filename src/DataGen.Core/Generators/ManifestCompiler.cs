using DataGen.Generation;
using DataGen.Manifests;
using DataGen.Randomness;
using YamlDotNet.RepresentationModel;

namespace DataGen.Generators;

/// <summary>Turns model sources into a <see cref="GenerationPlan"/>: compiled fields, dependency order, reference columns.</summary>
internal sealed partial class ManifestCompiler
{
    private readonly ErrorSink _errors;
    private readonly Variables _variables;
    private readonly IReadOnlyList<ModelSource> _models;
    private readonly ulong _seedKey;

    /// <summary>Hash of the seed: what seeds per-field keys decided at compile time (a unique ref's shuffle).</summary>
    public ulong SeedKey => _seedKey;
    private readonly Dictionary<(string Model, string Field), ReferenceColumn> _columns = [];
    private readonly Dictionary<string, List<(string Target, YamlNode At)>> _modelDependencies = new(StringComparer.Ordinal);

    public ManifestCompiler(ErrorSink errors, Variables variables, IReadOnlyList<ModelSource> models, ulong seed, string locale, DateTime referenceDate)
    {
        _errors = errors;
        _variables = variables;
        _models = models;
        _seedKey = StableHash.Mix(seed ^ 0x5DEECE66DUL);
        Locale = locale;
        ReferenceDate = referenceDate;
    }

    public string Locale { get; }

    public DateTime ReferenceDate { get; }

    /// <summary>The application's own generators (<see cref="ManifestOptions.Generators"/>), found by name after the built-in ones.</summary>
    public CustomGenerators Custom { get; init; } = CustomGenerators.None;

    public IEnumerable<string> ModelNames => _models.Select(m => m.Name);

    public ModelSource? FindModel(string name) => _models.FirstOrDefault(m => m.Name == name);

    /// <summary>
    /// Asks for a column of <paramref name="target"/> to be kept for references from <paramref name="from"/>, which is
    /// generated after it (unless <paramref name="ordered"/> is false: a deferred ref, read once every model is generated).
    /// </summary>
    public ReferenceColumn RequireColumn(ModelSource from, ModelSource target, string field, YamlNode at, bool ordered = true)
    {
        if (ordered)
        {
            AddDependency(from.Name, target.Name, at);
        }

        if (!_columns.TryGetValue((target.Name, field), out var column))
        {
            column = new ReferenceColumn(target.Name, field, _columns.Count);
            _columns[(target.Name, field)] = column;
        }

        return column;
    }

    public IReadOnlyList<ModelPlan> Compile()
    {
        var compiled = new Dictionary<string, CompiledObject?>(StringComparer.Ordinal);
        foreach (var model in _models)
        {
            if (model.Count is CountSpec.PerParent per)
            {
                if (FindModel(per.Parent) is null)
                {
                    _errors.Add(per.ParentNode, $"count 'per: {per.Parent}' names an unknown model; models: {string.Join(", ", ModelNames)}", model.Name);
                }
                else
                {
                    AddDependency(model.Name, per.Parent, per.ParentNode);
                }
            }

            var scope = new ScopeInfo(model.Fields, null);
            compiled[model.Name] = CompileObject(model, null, scope, model.Fields.Select(f => (f.Name, f.Name, f.Node)).ToList(), parent: null);
        }

        var order = Order();
        if (order is null || _errors.HasErrors)
        {
            return [];
        }

        BindInlineDeferred(compiled!);
        _compiled = compiled.Where(c => c.Value is not null).ToDictionary(c => c.Key, c => c.Value!, StringComparer.Ordinal);
        var plansSoFar = 0;
        var plans = order.Select(name =>
        {
            var source = FindModel(name)!;
            var root = compiled[name]!;
            var columns = _columns.Values.Where(c => c.Model == name).Select(c => (Array.IndexOf(root.Names, c.Field), c)).ToArray();
            return new ModelPlan(source, root, StableHash.Combine(_seedKey, name), columns, plansSoFar++) { Tracers = Tracers(source, root), HeldKeys = HeldKeys(source, root), Archived = ArchivedRows(source, root) };
        }).ToList();
        foreach (var plan in plans)
        {
            BindSelfReferences(plan);
            CheckDeferred(plan);
        }

        foreach (var plan in plans.Where(p => p.Source.Duplicates is not null && p.KeyIndex >= 0))
        {
            var spec = plan.Source.Duplicates!;
            if (!plan.Root.Fields[plan.KeyIndex].Generator.UniqueByConstruction)
            {
                _errors.Add(plan.Source.KeyNode ?? spec.Node, $"duplicates need a uuid or sequence key (found '{plan.Source.Key}' from another generator), so every cluster id names exactly one original", plan.Name);
            }

            foreach (var unique in plan.Root.Fields.Where((f, i) => f.Unique && i != plan.KeyIndex))
            {
                _errors.Add(spec.Node, $"field '{unique.Name}' is unique, but duplicates copy it; drop 'unique' or fuzz it", plan.Name, unique.Name);
            }
        }

        return _errors.HasErrors ? [] : plans;
    }

    /// <summary>Compiles one nested object's fields below <paramref name="outer"/>; outward dependencies go to <paramref name="parent"/>.</summary>
    public CompiledObject? CompileObject(ModelSource model, string? path, YamlNode fieldsNode, ScopeInfo outer, CompileContext parent)
    {
        var reader = new ManifestReader(_errors, _variables);
        var fields = reader.ReadFields(fieldsNode, fieldsNode, model.Name, path);
        var scope = new ScopeInfo(fields, outer);
        return CompileObject(model, path, scope, fields.Select(f => (f.Name, $"{path}.{f.Name}", f.Node)).ToList(), parent);
    }

    public CompiledObject? CompileObject(ModelSource model, string? path, ScopeInfo scope, IReadOnlyList<(string Name, string Path, YamlNode Node)> fields, CompileContext? parent)
    {
        var compiled = new CompiledField?[fields.Count];
        var edges = new List<int>[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            var ctx = new CompileContext(this, model, scope);
            compiled[i] = CompileField(model, fields[i].Path, fields[i].Name, fields[i].Node, scope, ctx);
            edges[i] = [];
            foreach (var (up, index) in ctx.Dependencies)
            {
                if (up == 0)
                {
                    edges[i].Add(index);
                }
                else
                {
                    parent?.DependOn(up - 1, index);
                }
            }
        }

        var order = FieldOrder(model, fields, edges);
        return order is null || compiled.Any(c => c is null) ? null : new CompiledObject(compiled!, order);
    }

    public CompiledField? CompileField(ModelSource model, string path, string name, YamlNode node, ScopeInfo scope, CompileContext ctx)
    {
        if (FieldType(model, path, node) is not var (map, type, typeNode))
        {
            return null;
        }

        var spec = new FieldSpec(model.Name, path, node, map, type, typeNode, _errors, _variables);
        if (!CreateGenerator(spec, ctx, out var generator))
        {
            return null;
        }

        var nullRate = spec.GetProbability("nullRate") ?? 0;
        var unique = spec.GetBool("unique") ?? false;
        if (spec.GetLong("maxLength") is { } maxLength && generator is not null)
        {
            if (maxLength < 1)
            {
                spec.Error(spec.Find("maxLength"), "'maxLength' must be at least 1");
            }
            else
            {
                generator = new MaxLengthGenerator(generator, (int)Math.Min(maxLength, int.MaxValue));
            }
        }

        if (unique && scope.Parent is not null)
        {
            spec.Error(spec.Find("unique"), "'unique' is supported on a model's top-level fields");
        }

        var notEqual = NotEqual(spec, name, scope, generator, ctx);
        return generator is null
            ? null
            : new CompiledField(name, path, StableHash.Combine(ModelKey(model.Name), path), generator, nullRate, unique) { Where = Simulations.Expressions.Locate(_errors.File, node), NotEqual = notEqual };
    }

    /// <summary>The field's generator name: a scalar, a map's <c>type</c>, or <c>object</c>/<c>array</c> for a map with <c>fields</c>/<c>items</c>.</summary>
    private (YamlMappingNode? Map, string Type, YamlNode TypeNode)? FieldType(ModelSource model, string path, YamlNode node)
    {
        YamlMappingNode? map = null;
        string? type;
        YamlNode typeNode;
        switch (node)
        {
            case YamlScalarNode s:
                type = s.Value;
                typeNode = s;
                break;
            case YamlMappingNode m:
                map = m;
                typeNode = ManifestReader.Get(m, "type") ?? m;
                type = typeNode is YamlScalarNode ts ? ts.Value : null;
                if (ManifestReader.Get(m, "type") is null)
                {
                    type = ManifestReader.Get(m, "fields") is not null ? "object" : ManifestReader.Get(m, "items") is not null ? "array" : null;
                }

                break;
            default:
                _errors.Add(node, "a field must be a generator name (e.g. name.firstName) or a map with 'type'", model.Name, path);
                return null;
        }

        if (string.IsNullOrEmpty(type))
        {
            _errors.Add(typeNode, "the field has no 'type'", model.Name, path);
            return null;
        }

        return (map, type, typeNode);
    }

    /// <summary>
    /// A built-in, the application's own (<see cref="Custom"/>) or a Bogus method's generator; null with the problem
    /// reported. False when no generator has the field's type or it cannot be built (the field's other options are not read then).
    /// </summary>
    private bool CreateGenerator(FieldSpec spec, CompileContext ctx, out FieldGenerator? generator)
    {
        generator = null;
        var type = spec.Type;
        var descriptor = GeneratorCatalog.Find(type) ?? Custom.Find(type);
        if (descriptor is null && !BogusCatalog.LooksLikeBogus(type))
        {
            var suggestion = Suggest.Closest(type, GeneratorCatalog.BuiltIn.Select(d => d.Name).Concat(Custom.Names).Concat(BogusCatalog.AllNames));
            spec.Error(spec.TypeNode, $"unknown generator '{type}'"
                + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)")
                + $"; built-in generators: {string.Join(", ", GeneratorCatalog.BuiltIn.Select(d => d.Name))}"
                + (Custom.Names.Any() ? $"; the application's: {string.Join(", ", Custom.Names)}" : string.Empty)
                + ", or a Bogus data set method such as name.firstName");
            return false;
        }

        try
        {
            generator = descriptor is not null ? descriptor.Create(spec, ctx) : BogusCatalog.Create(spec, ctx);
            if (descriptor is not null)
            {
                GeneratorCatalog.CheckOptions(spec, descriptor);
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or ArithmeticException)
        {
            // Options that read fine but cannot make a generator (a decimal bound past what the generator can hold, …).
            spec.Error(spec.Node, $"'{type}' cannot be built from these options: {e.Message}");
            generator = null;
            return false;
        }

        return true;
    }

    /// <summary>The field of the same object <c>notEqual</c> names (read first, so this field depends on it); −1 for none or on error.</summary>
    private static int NotEqual(FieldSpec spec, string name, ScopeInfo scope, FieldGenerator? generator, CompileContext ctx)
    {
        if (spec.GetString("notEqual") is not { } other)
        {
            return -1;
        }

        var index = other == name ? -1 : scope.IndexOf(other);
        if (index < 0)
        {
            var suggestion = Suggest.Closest(other, scope.Fields.Select(f => f.Name).Where(n => n != name));
            spec.Error(spec.Find("notEqual"), $"'notEqual' names '{other}', which is not another field of this object" + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)"));
            return -1;
        }

        if (generator is { PositionOnly: true })
        {
            spec.Error(spec.Find("notEqual"), $"'notEqual' draws a value again when it equals '{other}', but this generator's value is fixed by the row's position (a sequence, a uuid)");
            return -1;
        }

        ctx.DependOn(0, index);
        return index;
    }
}
