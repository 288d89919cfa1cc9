using System.Buffers;
using System.Text;
using System.Text.Json;
using DataGen.Generation;
using DataGen.Outputs;

namespace DataGen.Core.Tests.Outputs;

/// <summary>The NDJSON line writer's shortcuts give exactly the bytes of the JSON writer, for every kind of value.</summary>
public sealed class JsonLineTests
{
    private static readonly object?[] Samples =
    [
        null, string.Empty, "plain", "Zoë Müller-Łukasz", "quote \" and \\ backslash", "tab\tnew\nline\r", "\u0001\u001f control",
        "<script>&amp;'</script>", "emoji 😀 pair", "lone \ud800 surrogate", "lone \udc00 low", "\u2028\u2029 separators", "\ufffe\uffff",
        "中文字符", "+1 (555) 010-0199", 0L, -1L, long.MinValue, long.MaxValue, 42, int.MinValue, true, false,
        0m, 12.50m, -0.05m, decimal.MaxValue, decimal.MinValue, decimal.Negate(0.00m), 1.5, double.NaN, double.PositiveInfinity, -0.0, 1e300, 3.14f, float.NaN,
        new DateOnly(1, 1, 1), new DateOnly(2025, 2, 28), new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc), new DateTime(2025, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc),
        new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)), new TimeOnly(23, 59, 59), new TimeOnly(1, 2, 3, 4), Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        TimeSpan.FromMinutes(90), new Dictionary<string, object?> { ["a"] = 1L, ["b \"q\""] = new object?[] { "x", null, 2.5m } },
        new object?[] { 1L, "two", new DateOnly(2025, 1, 1) }, new List<string> { "é", "\n" },
    ];

    [Fact]
    public void Every_kind_of_value_gives_the_json_writers_bytes()
    {
        foreach (var value in Samples)
        {
            Line(["value"], [value]).Should().Be(Expected(["value"], [value]), $"the value {value ?? "null"} ({value?.GetType().Name})");
        }
    }

    [Fact]
    public void Random_rows_give_the_json_writers_bytes()
    {
        var random = new Random(11);
        string[] names = ["id", "naïve \"name\"", "x", "<tag>", "ok"];
        for (var i = 0; i < 2_000; i++)
        {
            var row = names.Select(_ => Samples[random.Next(Samples.Length)]).ToArray();

            Line(names, row).Should().Be(Expected(names, row));
        }
    }

    [Fact]
    public void A_model_without_fields_is_an_empty_object()
    {
        Line([], []).Should().Be("{}\n").And.Be(Expected([], []));
    }

    private static FieldDescriptor[] Fields(string[] names) => names.Select(n => new FieldDescriptor(n, ValueKind.String, true)).ToArray();

    private static string Line(string[] names, object?[] row)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer, JsonValueWriter.Options);
        JsonValueWriter.WriteLine(buffer, json, JsonValueWriter.LinePrefixes(Fields(names)), row);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Expected(string[] names, object?[] row)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, JsonValueWriter.Options))
        {
            JsonValueWriter.WriteRow(json, Fields(names), row);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }
}
