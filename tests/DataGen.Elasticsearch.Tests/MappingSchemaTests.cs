namespace DataGen.Elasticsearch.Tests;

/// <summary><see cref="MappingSchema"/>: the three shapes a saved mapping comes in, read as tables for the scaffold.</summary>
public sealed class MappingSchemaTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-es-mapping-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Theory]
    [InlineData("""{ "orders": { "mappings": { "properties": { "id": { "type": "long" }, "day": { "type": "date", "format": "strict_date" } } } }, "users": { "mappings": { "properties": { "email": { "type": "keyword" } } } } }""", "orders,users")]
    [InlineData("""{ "settings": { "number_of_shards": 1 }, "mappings": { "properties": { "id": { "type": "long" }, "day": { "type": "date", "format": "strict_date" } } } }""", "saved")]
    [InlineData("""{ "properties": { "id": { "type": "long" }, "day": { "type": "date", "format": "strict_date" } } }""", "saved")]
    public void Each_shape_reads_an_index_per_table_with_kinds_from_the_types(string json, string tables)
    {
        var path = Path.Combine(_directory.FullName, "saved.json");
        File.WriteAllText(path, json);

        var schema = MappingSchema.Read(path);

        schema.Tables.Select(t => t.Name).Should().Equal(tables.Split(','));
        var first = schema.Tables[0];
        first.Column("id")!.Kind.Should().Be(ValueKind.Integer);
        first.Column("day")!.Kind.Should().Be(ValueKind.Date);
    }

    [Fact]
    public void The_index_name_of_a_body_that_does_not_say_can_be_given()
    {
        var path = Path.Combine(_directory.FullName, "saved.json");
        File.WriteAllText(path, """{ "properties": { "note": { "type": "text" }, "at": { "type": "date" }, "tags": { "properties": { "a": { "type": "keyword" } } } } }""");

        var table = MappingSchema.Read(path, "notes").Tables.Single();

        table.Name.Should().Be("notes");
        table.Columns.Select(c => (c.Name, c.Kind)).Should().Equal(("note", ValueKind.String), ("at", ValueKind.DateTime), ("tags", ValueKind.Object));
    }
}
