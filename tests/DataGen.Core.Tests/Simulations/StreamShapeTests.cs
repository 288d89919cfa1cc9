using DataGen.Outputs;

namespace DataGen.Core.Tests.Simulations;

/// <summary>Issue 28 item 4: a stream's key and value shape (choose fields, rename, nest) per target.</summary>
public sealed class StreamShapeTests
{
    private const string Manifest = """
        models:
          users:
            count: 30
            key: id
            fields:
              id: { type: sequence, start: 1 }
              balance: { type: decimal, min: 0, max: 100, scale: 2 }
        simulation:
          subjects: users
          states: [offline, online]
          tick: 1m
          ticks: 600
          emit: [balance]
          streams:
            flat: {}
            shaped:
              key: user
              value:
                user: subject
                kind: trigger
                move: { from: from, to: to, when: { utc: at } }
                money: balance
          transitions:
            - { trigger: login, from: offline, to: online, probability: 2%, outputs: [flat, shaped] }
            - { trigger: logout, from: online, to: offline, probability: 5%, outputs: [flat, shaped] }
        """;

    [Fact]
    public async Task A_value_shape_picks_renames_and_nests_the_event_fields_and_its_key_keys_the_messages()
    {
        var output = new MemoryOutput();
        await TestGeneration.Parse(Manifest).Simulation!.RunAsync(output, cancellationToken: TestContext.Current.CancellationToken);

        var shaped = output.Models["shaped"];
        shaped.Fields.Select(f => (f.Name, f.Kind)).Should().Equal(("user", ValueKind.Integer), ("kind", ValueKind.String), ("move", ValueKind.Object), ("money", ValueKind.Decimal));
        shaped.Fields[2].Fields!.Select(f => f.Name).Should().Equal("from", "to", "when");
        shaped.OrderKey.Should().Be("user");
        output.Models["flat"].OrderKey.Should().Be("subject");

        var flat = output.Records("flat").ToList();
        var rows = output.Records("shaped").ToList();
        rows.Should().HaveCount(flat.Count).And.NotBeEmpty();
        for (var i = 0; i < rows.Count; i++)
        {
            var move = (IReadOnlyDictionary<string, object?>)rows[i]["move"]!;
            (rows[i]["user"], rows[i]["kind"], move["from"], move["to"], ((IReadOnlyDictionary<string, object?>)move["when"]!)["utc"], rows[i]["money"])
                .Should().Be((flat[i]["subject"], flat[i]["trigger"], flat[i]["from"], flat[i]["to"], flat[i]["at"], flat[i]["balance"]));
        }
    }

    [Theory]
    [InlineData("money: balance", "money: balanse", "'balanse' is not an event field (did you mean 'balance'?)", 22, 16)]
    [InlineData("key: user", "key: usr", "key 'usr' is not a field of its value (did you mean 'user'?)", 17, 12)]
    [InlineData("key: user", "kye: user", "unknown stream key 'kye' (did you mean 'key'?)", 17, 7)]
    public void Shape_errors_name_line_and_column(string find, string replace, string message, int line, int column)
    {
        var act = () => TestGeneration.Parse(Manifest.Replace(find, replace, StringComparison.Ordinal));

        var error = act.Should().Throw<ManifestException>().Which.Errors.Should().Contain(e => e.Message.Contains(message, StringComparison.Ordinal)).Which;
        $"{error.Line},{error.Column}".Should().Be($"{line},{column}", error.ToString());
    }
}
