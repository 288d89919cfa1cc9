using DataGen.Generation;
using DataGen.Manifests;
using DataGen.Randomness;
using YamlDotNet.RepresentationModel;

namespace DataGen.Generators;

/// <summary>Turns model sources into a <see cref="GenerationPlan"/>: compiled fields, dependency order, reference columns.</summary>
internal sealed class ManifestCompiler
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

    /// <summary>What the target tables held before an append run, by model (null: a run that reads nothing first).</summary>
    public IReadOnlyDictionary<string, Outputs.StartingRead>? Starting { get; init; }

    /// <summary>
    /// The key a model's field streams start from: the seed's and the model's, and for a model appended to a table that
    /// holds rows, what it held too (so the next day's rows differ from the first day's, and UUIDs are new).
    /// </summary>
    private ulong ModelKey(string model) =>
        Starting?.GetValueOrDefault(model)?.Fingerprint() is { } held
            ? StableHash.Combine(StableHash.Combine(_seedKey, model), held)
            : StableHash.Combine(_seedKey, model);

    /// <summary>Where a top-level sequence of an appended model starts: after the largest value its column holds (step above 0).</summary>
    public long SequenceStart(ModelSource model, string path, long start, long step) =>
        step > 0 && Starting?.GetValueOrDefault(model.Name)?.HighestOf(path) is { } highest && highest >= start ? highest + 1 : start;

    /// <summary>The values a model's column held before the run (what an <c>existing: true</c> ref also draws from).</summary>
    public IReadOnlyList<object> ExistingValues(string model, string field, ValueKind kind) =>
        Starting?.GetValueOrDefault(model) is { Answered: true } read ? read.ValuesOf(field, kind) : [];

    /// <summary>The values the model's unique top-level fields held before the run, by field index (new values avoid them).</summary>
    private Dictionary<int, IReadOnlyList<object>> ExistingUniques(ModelSource source, CompiledObject root)
    {
        var found = new Dictionary<int, IReadOnlyList<object>>();
        if (Starting?.GetValueOrDefault(source.Name) is { Answered: true } read)
        {
            for (var i = 0; i < root.Fields.Length; i++)
            {
                if ((root.Fields[i].Unique || root.Names[i] == source.Key) && !root.Fields[i].Generator.UniqueByConstruction)
                {
                    found[i] = read.ValuesOf(root.Names[i], root.Fields[i].Generator.Kind);
                }
            }
        }

        return found;
    }

    public DateTime ReferenceDate { get; }

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
        var plansSoFar = 0;
        var plans = order.Select(name =>
        {
            var source = FindModel(name)!;
            var root = compiled[name]!;
            var columns = _columns.Values.Where(c => c.Model == name).Select(c => (Array.IndexOf(root.Names, c.Field), c)).ToArray();
            return new ModelPlan(source, root, StableHash.Combine(_seedKey, name), columns, plansSoFar++) { Tracers = Tracers(source, root), ExistingValues = ExistingUniques(source, root) };
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

    /// <summary>
    /// A deferred ref whose target field is computed from the row's position (a sequence, or a uuid in a model whose rows
    /// no other unique field or key can make retry), never null, in a model whose count is known before it is generated
    /// (fixed or a range, no tracers or duplicates) gets its value with the row: the reference cycle is filled in one pass
    /// and the store holds the foreign key's checks until the run completes. NOT NULL cycles load this way.
    /// </summary>
    private void BindInlineDeferred(Dictionary<string, CompiledObject?> compiled)
    {
        foreach (var root in compiled.Values.OfType<CompiledObject>())
        {
            foreach (var field in root.Fields)
            {
                if (field.Generator is not ReferenceGenerators.DeferredRefGenerator deferred || deferred.Source is not { } column
                    || FindModel(column.Model) is not { } target || compiled.GetValueOrDefault(column.Model) is not { } targetRoot)
                {
                    continue;
                }

                var key = targetRoot.Fields.FirstOrDefault(f => f.Name == column.Field);
                var keysKnown = key is { NullRate: 0, Generator.PositionOnly: true }
                    && target.Count is CountSpec.Fixed or CountSpec.Range
                    && target.Tracers is null && target.Duplicates is null
                    && (key.Generator.Kind != ValueKind.Uuid || (target.UniqueKeys.Count == 0 && !targetRoot.Fields.Any(f => f != key && (f.Unique || f.Name == target.Key) && !f.Generator.UniqueByConstruction)));
                if (keysKnown)
                {
                    deferred.BindInline();
                }
            }
        }
    }

    /// <summary>
    /// A model with deferred refs has its rows updated by key once every model is generated: it needs a key, and the
    /// deferred fields cannot be part of what makes rows unique or be set by tracers (their rows go in with NULL).
    /// </summary>
    private void CheckDeferred(ModelPlan plan)
    {
        foreach (var index in plan.DeferredFields)
        {
            var field = plan.Root.Fields[index];
            var at = ((ReferenceGenerators.DeferredRefGenerator)field.Generator).At;
            if (plan.KeyIndex < 0)
            {
                _errors.Add(at, $"a deferred ref is set by updating its row, found by the model's key: give model '{plan.Name}' a key (a unique field, e.g. key: id)", plan.Name, field.Path);
            }
            else if (index == plan.KeyIndex || plan.UniqueKeys.Any(k => k.Contains(index)))
            {
                _errors.Add(at, $"a deferred ref is NULL until every model is written, so it cannot be the key or part of a unique key of model '{plan.Name}'", plan.Name, field.Path);
            }

            if (plan.Tracers.Any(t => t.Any(v => v.Field == index && v.Value is not null)))
            {
                _errors.Add(at, $"a tracer sets '{field.Name}', a deferred ref (NULL until every model is written); leave it out of the tracer", plan.Name, field.Path);
            }
        }
    }

    /// <summary>
    /// Points each reference to the model's own rows at its field, which must be a sequence or uuid: earlier rows' values
    /// are recomputed from their position, so the row need not wait for them (generation runs in parallel).
    /// </summary>
    private void BindSelfReferences(ModelPlan plan)
    {
        foreach (var field in plan.Root.Fields)
        {
            if (field.Generator is not ReferenceGenerators.SelfRefGenerator self)
            {
                continue;
            }

            var index = Array.IndexOf(plan.Root.Names, self.Field);
            var target = plan.Root.Fields[index];
            if (!target.Generator.PositionOnly)
            {
                _errors.Add(self.At, $"a reference to the model's own rows needs '{self.Field}' to be a sequence or uuid (a value computed from the row's position)", plan.Name, field.Name);
            }
            else if (target.Generator.Kind == ValueKind.Uuid && (plan.UniqueFields.Length > 0 || plan.Source.Tracers is not null || plan.Source.Duplicates is not null))
            {
                _errors.Add(self.At, $"a reference to the model's own rows through a uuid needs a model without other unique fields, tracers or duplicates (they change rows' uuids); use a sequence key", plan.Name, field.Name);
            }
            else if (target.NullRate > 0)
            {
                _errors.Add(self.At, $"a reference to the model's own rows needs '{self.Field}' never to be null", plan.Name, field.Name);
            }
            else
            {
                self.Bind(index, target.Generator.Kind, plan.Index);
            }
        }
    }

    /// <summary>Tracer rows' CSV values as the fields' kinds (empty = null).</summary>
    private (int Field, object? Value)[][] Tracers(ModelSource source, CompiledObject root)
    {
        if (source.Tracers is not { } tracers)
        {
            return [];
        }

        if (source.Count is CountSpec.PerParent)
        {
            _errors.Add(tracers.Node, "tracers are for models with a fixed or ranged count, not per-parent ones", source.Name);
            return [];
        }

        var fields = tracers.Header.Select(h => Array.IndexOf(root.Names, h)).ToArray();
        return tracers.Rows.Select(row => row.Values.Select((text, c) =>
        {
            var kind = root.Fields[fields[c]].Generator.Kind;
            var value = text.Length == 0 ? null : ScalarValues.Parse(text, kind);
            if (text.Length > 0 && value is null)
            {
                _errors.Add(tracers.Node, $"{tracers.Path}({row.Line}): column '{tracers.Header[c]}': '{text}' is not a {kind.ToString().ToLowerInvariant()}", source.Name, tracers.Header[c]);
            }

            return (fields[c], value);
        }).ToArray()).ToArray();
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

        var spec = new FieldSpec(model.Name, path, node, map, type, typeNode, _errors, _variables);
        FieldGenerator? generator;
        var descriptor = GeneratorCatalog.Find(type);
        if (descriptor is null && !BogusCatalog.LooksLikeBogus(type))
        {
            var suggestion = Suggest.Closest(type, GeneratorCatalog.BuiltIn.Select(d => d.Name).Concat(BogusCatalog.AllNames));
            spec.Error(typeNode, $"unknown generator '{type}'"
                + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)")
                + $"; built-in generators: {string.Join(", ", GeneratorCatalog.BuiltIn.Select(d => d.Name))}, or a Bogus data set method such as name.firstName");
            return null;
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
            spec.Error(node, $"'{type}' cannot be built from these options: {e.Message}");
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

        return generator is null
            ? null
            : new CompiledField(name, path, StableHash.Combine(ModelKey(model.Name), path), generator, nullRate, unique) { Where = Simulations.Expressions.Locate(_errors.File, node) };
    }

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
