using DataGen.Documents;
using DataGen.Outputs;

namespace DataGen.Core.Tests.Documents;

public sealed class DocumentTests
{
    [Fact]
    public void Starfleet_types_are_discoverable_by_name()
    {
        DocumentCatalog.Find(StarfleetAccount.Name).Should().NotBeNull();
        DocumentCatalog.Find(StarfleetApplication.Name).Should().NotBeNull();
        DocumentCatalog.Find("nope").Should().BeNull();
    }

    [Fact]
    public void Starfleet_account_has_the_documented_shape()
    {
        var account = DocumentCatalog.Find(StarfleetAccount.Name)!.Generate(seed: 42, index: 0);

        account.Keys.Should().Equal("id", "stardate_of_birth", "surname", "forename", "title", "subspace_address", "communicator", "auth", "federation_citizen_id");
        ((string)account["communicator"]!).Should().MatchRegex("^07[0-9]{9}$");
        ((string)account["federation_citizen_id"]!).Should().MatchRegex("^[A-Z]{2}[0-9]{3}[A-Z]{3}[0-9][A-Z][0-9]{3}[A-Z]$");
        ((string)account["subspace_address"]!).Should().StartWith(((string)account["forename"]!).ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Aggregate("", (a, c) => a + c));
        ((IReadOnlyDictionary<string, object?>)account["auth"]!)["logins"].Should().BeOfType<object?[]>().Which.Should().BeEmpty();
    }

    [Fact]
    public void Documents_depend_only_on_seed_type_and_index()
    {
        var type = DocumentCatalog.Find(StarfleetApplication.Name)!;
        var all = type.GenerateMany(seed: 7, count: 20).ToList();

        type.Generate(seed: 7, index: 13).Should().BeEquivalentTo(all[13], o => o.WithStrictOrdering());
        type.Generate(seed: 8, index: 13)["id"].Should().NotBe(all[13]["id"]);
        all.Select(d => d["id"]).Should().OnlyHaveUniqueItems();
        var details = (IReadOnlyDictionary<string, object?>)all[0]["details"]!;
        ((object?[])details["references"]!).Length.Should().BeInRange(1, 3);
    }

    [Fact]
    public void Documents_convert_to_typed_objects()
    {
        var account = DocumentCatalog.Find(StarfleetAccount.Name)!.Generate<Account>(seed: 1, index: 3);
        account.Id.Should().NotBeEmpty();
        account.Surname.Should().NotBeNullOrEmpty();
        account.Communicator.Should().StartWith("07");
    }

    [Fact]
    public async Task Documents_are_written_one_json_file_each()
    {
        var directory = Directory.CreateTempSubdirectory("datagen-docs-");
        try
        {
            await using (var output = new FileOutput(directory.FullName, FileFormat.Json))
            {
                var written = await DocumentCatalog.Find(StarfleetAccount.Name)!.WriteAsync(output, seed: 1, count: 5, TestContext.Current.CancellationToken);
                written.Should().Be(5);
            }

            Directory.GetFiles(Path.Combine(directory.FullName, "starfleet_account")).Should().HaveCount(5)
                .And.OnlyContain(f => Path.GetFileName(f).StartsWith("starfleet_account-", StringComparison.Ordinal));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_custom_document_type_can_read_earlier_fields()
    {
        var type = DocumentType.Create("ticket", d => d
            .Field("n", f => f.Random.Int(1, 9))
            .Field("label", (_, doc) => $"T-{doc["n"]}")
            .Array("tags", 2, 2, f => f.Lorem.Word()));
        var doc = type.Generate(1, 0);

        doc["label"].Should().Be($"T-{doc["n"]}");
        ((object?[])doc["tags"]!).Should().HaveCount(2);
    }

    private sealed record Account(Guid Id, string Surname, string Forename, string Communicator);
}
