using System.IO.Compression;
using System.Xml.Linq;
using Xunit;

namespace PackageSmoke;

/// <summary>
/// The packed packages' dependency graph, read from their .nuspec files: a store kit pulls in its own store only,
/// the way Testcontainers' modules do.
/// </summary>
public sealed class PackageGraphTests
{
    private static readonly string[] OtherStores = ["Confluent.Kafka", "librdkafka.redist", "Testcontainers.Kafka", "MongoDB.Driver", "Testcontainers.MongoDb", "Microsoft.Data.SqlClient", "Testcontainers.MsSql", "Respawn", "Npgsql", "Testcontainers.PostgreSql", "Microsoft.Data.Sqlite", "AutoFixture.Xunit3", "MySqlConnector", "Testcontainers.MySql", "Confluent.SchemaRegistry", "Apache.Avro", "Elastic.Clients.Elasticsearch"];

    [Theory]
    [InlineData("DataGen.Xunit.PostgreSql", "Npgsql", "Testcontainers.PostgreSql")]
    [InlineData("DataGen.Xunit.Sqlite", "Microsoft.Data.Sqlite")]
    [InlineData("DataGen.Xunit.MySql", "MySqlConnector", "Testcontainers.MySql")]
    [InlineData("DataGen.Xunit.Kafka", "Confluent.Kafka", "librdkafka.redist", "Testcontainers.Kafka")]
    [InlineData("DataGen.Xunit.Kafka.Avro", "Confluent.Kafka", "librdkafka.redist", "Testcontainers.Kafka", "Confluent.SchemaRegistry", "Apache.Avro")]
    [InlineData("DataGen.Kafka.Avro", "Confluent.Kafka", "librdkafka.redist", "Confluent.SchemaRegistry", "Apache.Avro")]
    [InlineData("DataGen.Xunit.MongoDb", "MongoDB.Driver", "Testcontainers.MongoDb")]
    [InlineData("DataGen.Xunit.Elasticsearch", "Elastic.Clients.Elasticsearch")]
    [InlineData("DataGen.Xunit.Containers")]
    [InlineData("DataGen.Xunit.SqlServer", "Microsoft.Data.SqlClient", "Testcontainers.MsSql", "Respawn")]
    [InlineData("DataGen.Xunit.AutoFixture", "AutoFixture.Xunit3")]
    [InlineData("DataGen.Xunit")]
    [InlineData("DataGen.Core")]
    [InlineData("DataGen.EntityFrameworkCore")]
    public void A_kit_package_depends_on_its_own_store_only(string package, params string[] own)
    {
        var closure = Closure(package);

        Assert.Empty(closure.Intersect(OtherStores.Except(own)));
        Assert.All(own, p => Assert.Contains(p, closure));
    }

    [Theory]
    [InlineData("DataGen.Xunit.Containers")]
    [InlineData("DataGen.Xunit.MongoDb")]
    [InlineData("DataGen.Xunit.Kafka")]
    [InlineData("DataGen.Xunit.Kafka.Avro")]
    public void A_kit_without_tables_carries_no_SQL_pipeline(string package) => Assert.DoesNotContain("DataGen.Sql", Closure(package));

    [Fact]
    public void The_xunit_glue_depends_on_the_core_and_xunit_extensibility_only()
    {
        // Central transitive pinning repeats the core's own dependencies (Bogus, YamlDotNet) in each nuspec: set those aside.
        var own = Dependencies("DataGen.Xunit").Except(Closure("DataGen.Core")).Order(StringComparer.Ordinal);
        Assert.Equal(["DataGen.Core", "xunit.v3.assert", "xunit.v3.extensibility.core"], own);
    }

    /// <summary>Every package id reachable from <paramref name="root"/>: DataGen packages followed through their nuspecs, others listed.</summary>
    private static HashSet<string> Closure(string root)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<string>([root]);
        while (queue.TryDequeue(out var id))
        {
            foreach (var dependency in Dependencies(id).Where(seen.Add).Where(d => d.StartsWith("DataGen.", StringComparison.Ordinal)))
            {
                queue.Enqueue(dependency);
            }
        }

        return seen;
    }

    private static IEnumerable<string> Dependencies(string id)
    {
        var folder = Environment.GetEnvironmentVariable("DATAGEN_PACKAGES") ?? throw new InvalidOperationException("DATAGEN_PACKAGES names the folder of packed packages");
        var file = Directory.GetFiles(folder, $"{id}.*.nupkg").Where(f => !f.EndsWith(".snupkg", StringComparison.Ordinal))
            .Single(f => Path.GetFileName(f)[(id.Length + 1)..].TakeWhile(c => c != '.').All(char.IsDigit));
        using var zip = ZipFile.OpenRead(file);
        using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var document = XDocument.Load(nuspec);
        return document.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).Distinct().ToList();
    }
}
