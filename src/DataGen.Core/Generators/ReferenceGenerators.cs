using DataGen.Generation;
using DataGen.Manifests;
using DataGen.Randomness;
using YamlDotNet.RepresentationModel;

namespace DataGen.Generators;

/// <summary>
/// A field of a model whose values later models read through references and lookups. Part of the immutable plan:
/// the values themselves are per run (<see cref="GenerationRun.Values"/>), indexed by <see cref="Id"/>.
/// </summary>
internal sealed class ReferenceColumn(string model, string field, int id)
{
    public string Model { get; } = model;

    public string Field { get; } = field;

    /// <summary>The column's index among the plan's reference columns.</summary>
    public int Id { get; } = id;
}

/// <summary><c>ref</c> (a key of another model) and <c>lookup</c> (another field of the referenced row).</summary>
internal static partial class ReferenceGenerators
{
    private static readonly string[] Distributions = ["uniform", "skewed"];

    public static readonly GeneratorDescriptor Ref = new(
        "ref",
        "A value of another model's field (usually its key), chosen uniformly or skewed towards the first rows. In a model counted per parent, a ref to the parent model is the row's own parent.",
        [
            new("ref", OptionType.String, "model.field to point at, e.g. customers.id.", Required: true),
            new("distribution", OptionType.String, "uniform (default) or skewed.", Allowed: Distributions),
            new("skew", OptionType.Number, "For skewed: the exponent; higher favours the first rows more (default 2)."),
            new("roots", OptionType.Probability, "For a reference to the model's own key (a hierarchy: manager, parent category): the share of rows with no parent (default 10%; the first row is always a root)."),
            new("maxDepth", OptionType.Integer, "For a hierarchy: the most levels it has (rows are split into that many bands in row order; a row's parent is in the band before its own, the first band are the roots)."),
            new("existing", OptionType.Boolean, "Also point at the rows the referenced table already holds (read once before the run, with mode append or into a table that has rows): the value is drawn from those and this run's rows together, deterministically for the same seed and starting data. Needs a store that can read the table (the SQL stores); a lookup through it copies the held row's field, read with it."),
            new("deferred", OptionType.Boolean, "Set the value after every model is written: rows go in with NULL and an update fills it in by the model's key. How a reference cycle is filled (departments.manager_id → employees while employees.department_id → departments); the referenced model may come later. Needs a key on this model and an output that can update rows (SQL stores, files: a <model>.updates file, memory)."),
        ],
        static (spec, ctx) => CreateRef(spec, ctx));

    public static readonly GeneratorDescriptor Lookup = new(
        "lookup",
        "Copies a field of the row that a ref field of this object points at (an order's customer_email = its customer's email).",
        [
            new("from", OptionType.String, "The ref field (in this object or an enclosing one) whose row to read.", Required: true),
            new("field", OptionType.String, "The field of the referenced model to copy, or a path through its refs (store_id.name).", Required: true),
        ],
        static (spec, ctx) => CreateLookup(spec, ctx));

    /// <summary>Splits and checks <c>model.field</c> against the manifest's models.</summary>
    internal static (ModelSource Model, string Field)? ResolveTarget(string text, YamlNode at, FieldSpec spec, CompileContext ctx)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == text.Length - 1)
        {
            spec.Error(at, $"a reference is written model.field (e.g. customers.id), found '{text}'");
            return null;
        }

        var modelName = text[..dot];
        var fieldName = text[(dot + 1)..];
        var target = ctx.Compiler.FindModel(modelName);
        if (target is null)
        {
            var suggestion = Suggest.Closest(modelName, ctx.Compiler.ModelNames);
            spec.Error(at, $"reference to unknown model '{modelName}'"
                + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)")
                + $"; models: {string.Join(", ", ctx.Compiler.ModelNames)}");
            return null;
        }

        if (target.Fields.All(f => f.Name != fieldName))
        {
            var suggestion = Suggest.Closest(fieldName, target.Fields.Select(f => f.Name));
            spec.Error(at, $"model '{modelName}' has no field '{fieldName}'"
                + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)")
                + $"; its fields: {string.Join(", ", target.Fields.Select(f => f.Name))}");
            return null;
        }

        return (target, fieldName);
    }

    private static FieldGenerator? CreateRef(FieldSpec spec, CompileContext ctx)
    {
        var node = spec.Require("ref", "model.field");
        var text = node is null ? null : spec.Scalar(node, "model.field");
        var distribution = spec.GetString("distribution") ?? "uniform";
        var skew = spec.GetDouble("skew") ?? 2.0;
        if (!Distributions.Contains(distribution))
        {
            spec.Error(spec.Find("distribution"), $"unknown distribution '{distribution}'; expected one of: {string.Join(", ", Distributions)}");
        }

        if (skew <= 0)
        {
            spec.Error(spec.Find("skew"), "'skew' must be greater than 0");
        }

        if (text is null || ResolveTarget(text, node!, spec, ctx) is not { } target)
        {
            return null;
        }

        if (target.Model == ctx.Model)
        {
            // A hierarchy: each row points at an earlier row of its own model (checked after compiling: the key must be
            // a sequence or uuid, recomputable from the row's position).
            if (ctx.Scope.Parent is not null)
            {
                spec.Error(node, "a reference to the model's own rows goes on a top-level field");
                return null;
            }

            var maxDepth = spec.GetLong("maxDepth");
            if (maxDepth is < 1 or > 1_000_000)
            {
                spec.Error(spec.Find("maxDepth"), "'maxDepth' must be between 1 and 1,000,000");
                return null;
            }

            if (maxDepth is not null && spec.Find("roots") is { } both)
            {
                spec.Error(both, "'roots' and 'maxDepth' are two shapes of a hierarchy: give one (with maxDepth, the first band of rows are the roots)");
                return null;
            }

            if (spec.GetBool("deferred") == true)
            {
                spec.Error(spec.Find("deferred"), "a reference to the model's own rows is a hierarchy, filled in one pass (each row points at an earlier one): it needs no 'deferred'");
                return null;
            }

            return new SelfRefGenerator(target.Field, spec.GetProbability("roots") ?? 0.1, (int?)maxDepth, node!);
        }

        if ((spec.Find("roots") ?? spec.Find("maxDepth")) is { } shapeNode)
        {
            spec.Error(shapeNode, "'roots' and 'maxDepth' apply to a reference to the model's own rows (a hierarchy)");
        }

        if (spec.GetBool("deferred") == true)
        {
            return CreateDeferred(spec, ctx, target.Model, target.Field, node!, distribution == "skewed" ? skew : null, Shuffle(spec, ctx, distribution));
        }

        var column = ctx.Compiler.RequireColumn(ctx.Model, target.Model, target.Field, node!);
        var toParent = ctx.Model.Count is CountSpec.PerParent p && p.Parent == target.Model.Name;
        var index = ctx.Scope.IndexOf(spec.Path[(spec.Path.LastIndexOf('.') + 1)..]);
        if (spec.GetBool("existing") == true)
        {
            if (toParent || spec.GetBool("unique") == true || ctx.Scope.Parent is not null)
            {
                spec.Error(spec.Find("existing"), ctx.Scope.Parent is not null ? "an existing ref goes on a model's top-level field" : toParent
                    ? $"a ref to the parent model '{target.Model.Name}' this model is counted per is that row's own parent: it cannot also draw from existing rows"
                    : "an existing ref draws from the table's rows and this run's together, with repeats: it cannot be unique");
                return null;
            }

            return new RefGenerator(column, false, distribution == "skewed" ? skew : null, index, null)
            {
                Existing = ctx.Compiler.Existing(target.Model.Name, target.Field),
            };
        }

        return new RefGenerator(column, toParent, distribution == "skewed" ? skew : null, index, Shuffle(spec, ctx, distribution));
    }

    /// <summary>
    /// For a uniform unique top-level ref (one-to-one: a store's manager), the key of the shuffle its rows take the
    /// referenced rows in, each at most once, so it never needs retries at any scale; null otherwise.
    /// </summary>
    private static ulong? Shuffle(FieldSpec spec, CompileContext ctx, string distribution) =>
        spec.GetBool("unique") == true && distribution == "uniform" && ctx.Scope.Parent is null
            ? StableHash.Combine(StableHash.Combine(ctx.Compiler.SeedKey, ctx.Model.Name), "$unique-ref:" + spec.Path)
            : null;

    /// <summary>The referenced row for model row <paramref name="row"/>: from the shuffle while rows last, else drawn.</summary>
    private static long PickRow(ref DeterministicRandom random, long rows, double? skew, ulong? shuffle, long row) =>
        shuffle is { } key && row >= 0 && row < rows ? new RowPermutation(key, rows)[row] : Pick(ref random, rows, skew);

    /// <summary>A ref set after every model is generated, by key: the model's key column is kept for the updates.</summary>
    private static DeferredRefGenerator? CreateDeferred(FieldSpec spec, CompileContext ctx, ModelSource target, string field, YamlNode node, double? skew, ulong? shuffle)
    {
        var at = spec.Find("deferred")!;
        if (ctx.Scope.Parent is not null)
        {
            spec.Error(at, "a deferred ref goes on a top-level field (the update finds the row by its key)");
            return null;
        }

        if (ctx.Model.Count is CountSpec.PerParent p && p.Parent == target.Name)
        {
            spec.Error(at, $"model '{ctx.Model.Name}' is counted per '{target.Name}', which is generated first: the ref needs no 'deferred'");
            return null;
        }

        if (ctx.Model.Key is { } key && ctx.Model.Fields.Any(f => f.Name == key))
        {
            ctx.Compiler.RequireColumn(ctx.Model, ctx.Model, key, node, ordered: false);
        }

        return new DeferredRefGenerator(ctx.Compiler.RequireColumn(ctx.Model, target, field, node, ordered: false), skew, at, shuffle);
    }

    private static bool IsDeferred(YamlMappingNode map) => ReadScalar(map, "deferred") is { } text && FieldSpec.ParseBool(text) == true;

    private static LookupGenerator? CreateLookup(FieldSpec spec, CompileContext ctx)
    {
        var fromNode = spec.Require("from", "the name of a ref field");
        var from = fromNode is null ? null : spec.Scalar(fromNode, "the name of a ref field");
        var fieldNode = spec.Require("field", "a field of the referenced model");
        var field = fieldNode is null ? null : spec.Scalar(fieldNode, "a field of the referenced model");
        if (from is null || field is null)
        {
            return null;
        }

        if (ctx.Scope.Resolve(from) is not { } found)
        {
            spec.Error(fromNode, $"lookup 'from: {from}' names no field of this object or an enclosing one");
            return null;
        }

        var fromField = ctx.Scope.At(found.Up).Fields[found.Index];
        if (fromField.Node is not YamlMappingNode fromMap || ReadScalar(fromMap, "type") != "ref" || ReadScalar(fromMap, "ref") is not { } target)
        {
            spec.Error(fromNode, $"lookup 'from: {from}' must name a field of type 'ref'");
            return null;
        }

        if (IsDeferred(fromMap))
        {
            spec.Error(fromNode, $"lookup 'from: {from}' names a deferred ref, which has no row until every model is written; look up through a ref that is not deferred");
            return null;
        }

        if (ResolveTarget(target, fromNode!, spec, ctx) is not { } resolved)
        {
            return null;
        }

        // field: a field of the referenced model, or a path through its refs (store_id.name: the name of the store of
        // the referenced inventory row). A field whose own name has dots is taken whole.
        var model = resolved.Model;
        var hops = new List<(ReferenceColumn Via, ReferenceColumn Key)>();
        var rest = field;
        while (model.Fields.All(f => f.Name != rest) && rest.IndexOf('.', StringComparison.Ordinal) is var dot and > 0)
        {
            var via = rest[..dot];
            if (model.Fields.FirstOrDefault(f => f.Name == via) is not { Node: { } viaNode })
            {
                break;
            }

            if (viaNode is not YamlMappingNode viaMap || ReadScalar(viaMap, "type") != "ref" || ReadScalar(viaMap, "ref") is not { } viaTarget)
            {
                spec.Error(fieldNode, $"lookup 'field: {field}': '{via}' of model '{model.Name}' is not a ref, so the path cannot go through it");
                return null;
            }

            if (IsDeferred(viaMap))
            {
                spec.Error(fieldNode, $"lookup 'field: {field}': '{via}' of model '{model.Name}' is a deferred ref (set after every model is written), so the path cannot go through it");
                return null;
            }

            if (ResolveTarget(viaTarget, fieldNode!, spec, ctx) is not { } next)
            {
                return null;
            }

            if (next.Model == ctx.Model)
            {
                spec.Error(fieldNode, $"lookup 'field: {field}': the path comes back to model '{ctx.Model.Name}', whose rows are still being generated");
                return null;
            }

            hops.Add((ctx.Compiler.RequireColumn(ctx.Model, model, via, fieldNode!), ctx.Compiler.RequireColumn(ctx.Model, next.Model, next.Field, fieldNode!)));
            model = next.Model;
            rest = rest[(dot + 1)..];
        }

        if (ResolveTarget($"{model.Name}.{rest}", fieldNode!, spec, ctx) is null)
        {
            return null;
        }

        // Through an existing ref, a held row's field is read with the referenced column, once, before the run.
        var existing = ReadScalar(fromMap, "existing") is { } flag && FieldSpec.ParseBool(flag) == true;
        if (existing && hops.Count > 0)
        {
            spec.Error(fieldNode, $"lookup 'field: {field}' follows a path from '{from}', an existing ref: a row the table held is read from table '{resolved.Model.Name}' alone, so the path cannot go on from it; look up a field of '{resolved.Model.Name}' itself");
            return null;
        }

        ctx.DependOn(found.Up, found.Index);
        var column = ctx.Compiler.RequireColumn(ctx.Model, model, rest, fieldNode!);
        return new LookupGenerator(column, found.Up, found.Index, hops.ToArray())
        {
            Existing = existing && ctx.Compiler.Existing(resolved.Model.Name, resolved.Field) is { } held ? (held, held.Include(rest)) : null,
        };
    }

    private static string? ReadScalar(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key).Value is YamlScalarNode v ? v.Value : null;
}
