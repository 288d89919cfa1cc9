using DataGen.Generation;
using DataGen.Manifests;

namespace DataGen.Schemas;

/// <summary>
/// Checks a manifest's models against the live schema of their datastore, every problem located in the manifest: a
/// table that does not exist (unless the model's mode says <c>create</c> explicitly), fields that are not columns,
/// NOT NULL columns the model leaves to nobody, and values that cannot fit the column's type, length, enum or check.
/// </summary>
internal static class SchemaCheck
{
    /// <param name="plan">The compiled manifest.</param>
    /// <param name="store">The datastore whose models are checked (null: the models that name no store).</param>
    /// <param name="where">The database, for messages (<c>postgres 'db'</c>).</param>
    /// <param name="schema">Its tables.</param>
    /// <param name="errors">Where problems go.</param>
    public static void Check(GenerationPlan plan, string? store, string where, DatabaseSchema schema, ErrorSink errors)
    {
        foreach (var model in plan.Models.Where(m => m.Source.Store == store))
        {
            var source = model.Source;
            var table = schema.Find(source.Target);
            if (table is null)
            {
                if (source.Mode == Outputs.LoadMode.Replace || (source.Mode == Outputs.LoadMode.Create && (source.OwnMode is not null || source.DatastoreModeIsExplicit)))
                {
                    continue;
                }

                errors.Add(source.TableNode ?? source.Node, MissingTable(source.Target, where, schema), source.Name);
                continue;
            }

            var rules = new Dictionary<string, ColumnRule>(StringComparer.Ordinal);
            foreach (var check in table.Checks)
            {
                CheckConstraints.Apply(check, table.Columns.Select(c => c.Name).ToList(), rules);
            }

            foreach (var (field, index) in model.Root.Fields.Select((f, i) => (f, i)))
            {
                var node = source.Fields.FirstOrDefault(f => f.Name == field.Name).Node;
                var column = table.Column(field.Name);
                if (column is null)
                {
                    var suggestion = Suggest.Closest(field.Name, table.Columns.Select(c => c.Name));
                    errors.Add(node, $"table '{table.QualifiedName}' has no column '{field.Name}'" + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)")
                        + $"; its columns: {string.Join(", ", table.Columns.Select(c => c.Name))}", source.Name, field.Name);
                    continue;
                }

                if (column.Computed)
                {
                    errors.Add(node, $"column '{column.Name}' of '{table.QualifiedName}' is computed by the database and cannot be written; remove the field", source.Name, field.Name);
                    continue;
                }

                if (Fits(field.Generator, column, rules.GetValueOrDefault(column.Name)) is { } problem)
                {
                    errors.Add(node, problem, source.Name, field.Name);
                }
            }

            var missing = table.Columns.Where(c => !c.Nullable && !c.FilledByDatabase && model.Root.Fields.All(f => f.Name != c.Name)).Select(c => c.Name).ToList();
            if (missing.Count > 0)
            {
                errors.Add(source.FieldsNode ?? source.Node, $"table '{table.QualifiedName}' has NOT NULL column(s) without a default that the model does not fill: {string.Join(", ", missing)}; add a field for each", source.Name);
            }
        }
    }

    /// <summary>The message for a model whose table is not in <paramref name="schema"/>: a suggestion (else the tables there are) and how to have it created.</summary>
    public static string MissingTable(string target, string where, DatabaseSchema schema)
    {
        var suggestion = Suggest.Closest(target, schema.Tables.Select(t => t.Name).Concat(schema.Tables.Where(t => t.Schema is not null).Select(t => t.QualifiedName)));
        return $"table '{target}' does not exist in {where}"
            + (suggestion is not null
                ? $" (did you mean '{suggestion}'?)"
                : $"; its tables: {string.Join(", ", schema.Tables.Take(30).Select(t => t.QualifiedName))}{(schema.Tables.Count > 30 ? ", …" : string.Empty)}")
            + "; to have DataGen create it, say so: mode: create";
    }

    /// <summary>Why a field's values cannot go into a column, or null when they can (as far as can be known before generating).</summary>
    private static string? Fits(FieldGenerator generator, ColumnSchema column, ColumnRule? rule)
    {
        var kind = generator.Kind;
        var compatible = kind == ValueKind.Unknown || column.Kind == ValueKind.Unknown || column.Kind == ValueKind.String || (column.Kind, kind) switch
        {
            (ValueKind.Integer, ValueKind.Integer) => true,
            (ValueKind.Decimal or ValueKind.Double, ValueKind.Integer or ValueKind.Decimal or ValueKind.Double) => true,
            (ValueKind.Date or ValueKind.DateTime, ValueKind.Date or ValueKind.DateTime) => true,
            (ValueKind.Time, ValueKind.Time) => true,
            (ValueKind.Boolean, ValueKind.Boolean) => true,
            (ValueKind.Uuid, ValueKind.Uuid) => true,
            (ValueKind.Object or ValueKind.Array, ValueKind.Object or ValueKind.Array or ValueKind.String) => true,
            (ValueKind.Bytes, ValueKind.Bytes or ValueKind.String) => true, // text goes into a blob as its UTF-8

            _ => false,
        };
        if (!compatible)
        {
            return $"column '{column.Name}' is {column.DataType}, but the field's values are {kind.ToString().ToLowerInvariant()}";
        }

        if (generator is Generators.ReferenceGenerators.DeferredRefGenerator { Inline: false } && !column.Nullable)
        {
            return $"column '{column.Name}' is NOT NULL, but this deferred ref goes in NULL and is set by an update after every model is written (the referenced key is not a sequence or uuid with a count known ahead, so its values cannot be written with the row); give the referenced model such a key, or cut the cycle at a nullable column";
        }

        var allowed = rule?.Allowed ?? (column.AllowedValues is { } labels ? new HashSet<string>(labels, StringComparer.Ordinal) : null);
        if (allowed is not null && generator.PossibleValues is { } values)
        {
            var outside = values.Where(v => v is not null && !allowed.Contains(Outputs.ValueText.Format(v))).Select(v => Outputs.ValueText.Format(v)).Distinct().ToList();
            if (outside.Count > 0)
            {
                return $"column '{column.Name}' allows only {string.Join(", ", allowed.Order(StringComparer.Ordinal))}; the field can produce {string.Join(", ", outside)}";
            }
        }

        if (column.MaxLength is { } max && column.Kind == ValueKind.String && generator.MaxTextLength is { } longest && longest > max)
        {
            return $"column '{column.Name}' holds at most {max} characters ({column.DataType}); the field can produce {longest} (add maxLength: {max})";
        }

        return null;
    }
}
