using DataGen.Generation;
using DataGen.Outputs;

namespace DataGen.Simulations;

/// <summary>A named stream of events: a model written to the run's output (or to a manifest datastore).</summary>
/// <param name="Name">The stream (and event model) name.</param>
/// <param name="Store">The datastore it goes to, when the simulation comes from a manifest with datastores.</param>
/// <param name="Target">Table, collection or topic (default: the name).</param>
public sealed record SimulationStream(string Name, string? Store = null, string? Target = null)
{
    /// <summary>The field whose value keys the stream's messages (Kafka), a field of <see cref="Value"/> when it is given; null: the subject.</summary>
    public string? Key { get; init; }

    /// <summary>
    /// The shape of each row (<c>value:</c>): which event fields, under which names, nested how; null: every field flat
    /// (at, subject, trigger, from, to, then the emitted values).
    /// </summary>
    public IReadOnlyList<StreamField>? Value { get; init; }

    /// <summary>The stream's rows as <see cref="Value"/> shapes them, and its key; <paramref name="raw"/> as it is without a shape.</summary>
    internal (ModelDescriptor Model, Func<object?[], object?[]>? Map) Shape(ModelDescriptor raw)
    {
        var orderKey = Key ?? raw.OrderKey;
        if (Value is not { } shape)
        {
            return (raw with { OrderKey = orderKey }, null);
        }

        var index = raw.Fields.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        FieldDescriptor Describe(StreamField field) => field.Fields is { } nested
            ? new FieldDescriptor(field.Name, ValueKind.Object, false) { Fields = nested.Select(Describe).ToList() }
            : raw.Fields[index[field.Source!]] with { Name = field.Name };

        object? Pick(StreamField field, object?[] row) => field.Fields is { } nested
            ? new GeneratedObject([.. nested.Select(f => f.Name)], [.. nested.Select(f => Pick(f, row))])
            : row[index[field.Source!]];

        var fields = shape.Select(Describe).ToList();
        var time = shape.FirstOrDefault(f => f.Source == raw.TimeField && f.Fields is null)?.Name;
        var model = raw with { Fields = fields, OrderKey = Key ?? shape.FirstOrDefault(f => f.Source == raw.OrderKey && f.Fields is null)?.Name, TimeField = time };
        return (model, row => [.. shape.Select(f => Pick(f, row))]);
    }
}

/// <summary>One field of a stream's <see cref="SimulationStream.Value"/> shape: an event field under a name, or a nested object.</summary>
/// <param name="Name">The field's name in the written row.</param>
/// <param name="Source">The event field it holds (at, subject, trigger, from, to or an emitted value); null for a nested object.</param>
/// <param name="Fields">For a nested object: its fields.</param>
public sealed record StreamField(string Name, string? Source, IReadOnlyList<StreamField>? Fields = null);
