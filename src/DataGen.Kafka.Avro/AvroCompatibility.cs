using Avro;

namespace DataGen.Kafka.Avro;

/// <summary>
/// Avro schema resolution as the specification (and the Schema Registry) define it: whether a reader schema can read
/// data written with a writer schema, with each reason it cannot. Named types match by unqualified name or the
/// reader's aliases; numbers promote (int → long → float → double), strings and bytes convert; a reader field the
/// writer lacks needs a default; a writer enum symbol the reader lacks needs the reader's enum default; unions
/// resolve branch by branch. Logical types are resolved as their underlying types.
/// </summary>
internal static class AvroCompatibility
{
    /// <summary>Why <paramref name="reader"/> cannot read data written with <paramref name="writer"/>; empty when it can.</summary>
    public static IReadOnlyList<string> ReaderProblems(Schema reader, Schema writer)
    {
        var problems = new List<string>();
        Check(reader, writer, "/", problems, []);
        return problems;
    }

    private static void Check(Schema reader, Schema writer, string path, List<string> problems, HashSet<(Schema, Schema)> inProgress)
    {
        reader = reader is LogicalSchema lr ? lr.BaseSchema : reader;
        writer = writer is LogicalSchema lw ? lw.BaseSchema : writer;
        if (!inProgress.Add((reader, writer)))
        {
            // A recursive type already being compared: assume it resolves (any problem is reported where it starts).
            return;
        }

        try
        {
            if (writer is UnionSchema writerUnion)
            {
                for (var i = 0; i < writerUnion.Schemas.Count; i++)
                {
                    Check(reader, writerUnion.Schemas[i], $"{path}{(path.EndsWith('/') ? string.Empty : "/")}{i}", problems, inProgress);
                }

                return;
            }

            if (reader is UnionSchema readerUnion)
            {
                if (!readerUnion.Schemas.Any(branch => ReaderProblems(branch, writer, inProgress).Count == 0))
                {
                    problems.Add($"{path}: the reader's union [{string.Join(", ", readerUnion.Schemas.Select(AvroWriters.Describe))}] has no branch for the writer's {AvroWriters.Describe(writer)}");
                }

                return;
            }

            if (reader.Tag != writer.Tag && !Promotes(writer.Tag, reader.Tag))
            {
                problems.Add($"{path}: the reader's type {AvroWriters.Describe(reader)} does not match the writer's {AvroWriters.Describe(writer)}");
                return;
            }

            switch (reader)
            {
                case RecordSchema r when writer is RecordSchema w:
                    if (!NamesMatch(r, w))
                    {
                        problems.Add($"{path}: the reader's record name {r.Fullname} does not match the writer's {w.Fullname}");
                        return;
                    }

                    foreach (var field in r.Fields)
                    {
                        var written = w.Fields.FirstOrDefault(f => f.Name == field.Name)
                            ?? w.Fields.FirstOrDefault(f => field.Aliases?.Contains(f.Name) == true);
                        if (written is null)
                        {
                            if (field.DefaultValue is null)
                            {
                                problems.Add($"{path}{field.Name}: the reader's field '{field.Name}' has no default value and is missing from the writer's schema");
                            }
                        }
                        else
                        {
                            Check(field.Schema, written.Schema, $"{path}{field.Name}/", problems, inProgress);
                        }
                    }

                    return;
                case EnumSchema r when writer is EnumSchema w:
                    if (!NamesMatch(r, w))
                    {
                        problems.Add($"{path}: the reader's enum name {r.Fullname} does not match the writer's {w.Fullname}");
                        return;
                    }

                    var missing = w.Symbols.Where(s => !r.Symbols.Contains(s)).ToList();
                    if (missing.Count > 0 && r.Default is null)
                    {
                        problems.Add($"{path}: the reader's enum {r.Fullname} lacks the writer's symbols {string.Join(", ", missing)} and has no default");
                    }

                    return;
                case FixedSchema r when writer is FixedSchema w:
                    if (!NamesMatch(r, w))
                    {
                        problems.Add($"{path}: the reader's fixed name {r.Fullname} does not match the writer's {w.Fullname}");
                    }
                    else if (r.Size != w.Size)
                    {
                        problems.Add($"{path}: the reader's fixed {r.Fullname} has size {r.Size}, the writer's {w.Size}");
                    }

                    return;
                case ArraySchema r when writer is ArraySchema w:
                    Check(r.ItemSchema, w.ItemSchema, path + "items/", problems, inProgress);
                    return;
                case MapSchema r when writer is MapSchema w:
                    Check(r.ValueSchema, w.ValueSchema, path + "values/", problems, inProgress);
                    return;
            }
        }
        finally
        {
            inProgress.Remove((reader, writer));
        }
    }

    private static List<string> ReaderProblems(Schema reader, Schema writer, HashSet<(Schema, Schema)> inProgress)
    {
        var problems = new List<string>();
        Check(reader, writer, "/", problems, inProgress);
        return problems;
    }

    /// <summary>The specification's promotions: what the writer wrote can be read as the reader's type.</summary>
    private static bool Promotes(Schema.Type writer, Schema.Type reader) => (writer, reader) switch
    {
        (Schema.Type.Int, Schema.Type.Long or Schema.Type.Float or Schema.Type.Double) => true,
        (Schema.Type.Long, Schema.Type.Float or Schema.Type.Double) => true,
        (Schema.Type.Float, Schema.Type.Double) => true,
        (Schema.Type.String, Schema.Type.Bytes) => true,
        (Schema.Type.Bytes, Schema.Type.String) => true,
        _ => false,
    };

    private static bool NamesMatch(NamedSchema reader, NamedSchema writer) =>
        reader.Name == writer.Name || Aliases(reader).Any(a => a == writer.Fullname || a == writer.Name || (reader.Namespace is { } ns && a == $"{ns}.{writer.Name}"));

    /// <summary>A named schema's aliases (Apache.Avro keeps them to itself; its JSON form has them).</summary>
    private static IEnumerable<string> Aliases(NamedSchema schema) =>
        System.Text.Json.Nodes.JsonNode.Parse(schema.ToString())?["aliases"] is System.Text.Json.Nodes.JsonArray aliases
            ? aliases.Select(a => a?.GetValue<string>() ?? string.Empty)
            : [];

}
