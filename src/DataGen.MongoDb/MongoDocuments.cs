using DataGen.Outputs;
using MongoDB.Bson;

namespace DataGen.MongoDb;

/// <summary>Generated rows as BSON documents: nested objects and arrays natively, the model key as <c>_id</c>.</summary>
internal static class MongoDocuments
{
    public static BsonDocument ToDocument(ModelDescriptor model, object?[] row)
    {
        var document = new BsonDocument();
        if (model.Key is { } key && model.Fields.ToList().FindIndex(f => f.Name == key) is var k and >= 0 && row[k] is { } id)
        {
            document["_id"] = ToBson(id);
        }

        for (var i = 0; i < model.Fields.Count; i++)
        {
            document[model.Fields[i].Name] = ToBson(row[i]);
        }

        return document;
    }

    public static BsonValue ToBson(object? value) => value switch
    {
        null => BsonNull.Value,
        string s => new BsonString(s),
        long l => new BsonInt64(l),
        int i => new BsonInt32(i),
        decimal d => new BsonDecimal128(d),
        double d => new BsonDouble(d),
        bool b => b ? BsonBoolean.True : BsonBoolean.False,
        Guid g => new BsonBinaryData(g, GuidRepresentation.Standard),
        DateTime dt => new BsonDateTime(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        DateOnly d => new BsonDateTime(d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)),
        IReadOnlyDictionary<string, object?> o => new BsonDocument(o.Select(kv => new BsonElement(kv.Key, ToBson(kv.Value)))),
        System.Collections.IEnumerable list => new BsonArray(list.Cast<object?>().Select(ToBson)),
        _ => new BsonString(ValueText.Format(value)),
    };
}
