using DataGen.Generation;
using DataGen.Manifests;
using YamlDotNet.RepresentationModel;

namespace DataGen.Generators;

internal sealed partial class ManifestCompiler
{
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

    /// <summary>
    /// The archived rows a model re-injects (<c>duplicates: { archived: n }</c>): the archived originals (a row whose cluster
    /// is its own key; an archived duplicate is not copied again), as the fields' kinds with their cluster last; a cell that
    /// is not its field's kind is an error naming the archive's line and column.
    /// </summary>
    private object?[][] ArchivedRows(ModelSource source, CompiledObject root)
    {
        if (source is not { Archive: { } spec, Duplicates.Archived: > 0 } || Starting?.GetValueOrDefault(source.Name)?.Archive is not { } archive)
        {
            return [];
        }

        if (root.Fields.FirstOrDefault(f => f.Generator.Kind is ValueKind.Object or ValueKind.Array) is { } nested)
        {
            _errors.Add(spec.Node, $"re-injecting archived rows needs flat rows, and field '{nested.Name}' is nested (the archive holds it as JSON text)", source.Name, nested.Name);
            return [];
        }

        var keyIndex = Array.IndexOf(root.Names, source.Key);
        var names = root.Names.Append(source.Duplicates!.TruthField).ToArray();
        return archive.Rows.Select(row =>
        {
            var values = new object?[names.Length];
            for (var i = 0; i < names.Length; i++)
            {
                var kind = root.Fields[i < root.Fields.Length ? i : keyIndex].Generator.Kind;
                var text = i < row.Values.Length ? row.Values[i] : null;
                values[i] = string.IsNullOrEmpty(text) ? null : ScalarValues.Parse(text, kind);
                if (values[i] is null && !string.IsNullOrEmpty(text))
                {
                    _errors.Add(spec.Node, $"{archive.Path}:{row.Line}: column '{names[i]}': '{text}' is not a value of kind {kind.ToString().ToLowerInvariant()}", source.Name, names[i]);
                }
            }

            values[^1] ??= values[keyIndex];
            return values;
        }).Where(values => Equals(values[^1], values[keyIndex])).ToArray(); // originals only: a copy's ground truth is the row it copies
    }
}
