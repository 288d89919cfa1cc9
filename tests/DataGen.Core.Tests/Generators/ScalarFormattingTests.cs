using System.Globalization;
using System.Text;
using DataGen.Generators;

namespace DataGen.Core.Tests.Generators;

/// <summary>The UTF-8 writers of dates and decimals the file outputs use per row give the invariant text exactly.</summary>
public sealed class ScalarFormattingTests
{
    public static TheoryData<string> Decimals() =>
    [
        "0", "0.00", "0.05", "-0.05", "1", "-1", "12.50", "10000.00", "-9999.99", "123456789012345678", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808.5", "79228162514264337593543950335", "-79228162514264337593543950335",
        "0.0000000000000000000000000001", "1.0000000000000000000000000000", "3.1415926535897932384626433833",
    ];

    [Theory]
    [MemberData(nameof(Decimals))]
    public void A_decimal_is_written_as_its_invariant_text(string text)
    {
        var value = decimal.Parse(text, CultureInfo.InvariantCulture);

        Utf8(value).Should().Be(value.ToString(CultureInfo.InvariantCulture)).And.Be(ScalarValues.Format(value));
    }

    [Fact]
    public void Random_decimals_of_every_scale_are_written_as_their_invariant_text()
    {
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var value = new decimal(random.Next(), i % 3 == 0 ? random.Next() : 0, i % 7 == 0 ? random.Next() : 0, random.Next(2) == 0, (byte)random.Next(29));

            Utf8(value).Should().Be(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Negative_zero_keeps_what_the_runtime_writes()
    {
        var value = decimal.Negate(0.00m);

        Utf8(value).Should().Be(value.ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(999, 12, 31)]
    [InlineData(2025, 2, 28)]
    [InlineData(9999, 12, 31)]
    public void A_date_is_written_as_yyyy_mm_dd(int year, int month, int day)
    {
        var date = new DateOnly(year, month, day);

        Utf8(date).Should().Be(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).And.Be(ScalarValues.Format(date));
    }

    [Fact]
    public void A_destination_too_short_is_refused_not_overrun()
    {
        Span<byte> small = stackalloc byte[4];

        ScalarValues.TryFormatUtf8(12345.678m, small, out _).Should().BeFalse();
        ScalarValues.TryFormatUtf8(new DateOnly(2025, 1, 1), small, out _).Should().BeFalse();
    }

    private static string Utf8(object value)
    {
        Span<byte> buffer = stackalloc byte[64];
        ScalarValues.TryFormatUtf8(value, buffer, out var written).Should().BeTrue();
        return Encoding.UTF8.GetString(buffer[..written]);
    }
}
