namespace DataGen.Randomness;

/// <summary>
/// Logarithm, exponential and power computed with +, −, ×, ÷ and square root only: IEEE 754 makes
/// those exact on every machine, whereas <see cref="Math.Log(double)"/> and friends may differ in the
/// last bit between platforms' C runtimes — and one bit is enough to change a generated value.
/// </summary>
internal static class DeterministicMath
{
    private const double Ln2 = 0.6931471805599453094172321;

    // ln 2 split in two (as in fdlibm) so k·ln2 is exact in the high part: range reduction keeps full precision.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;

    /// <summary>Natural logarithm of a positive finite number.</summary>
    public static double Log(double x)
    {
        if (double.IsNaN(x) || x < 0)
        {
            return double.NaN;
        }

        if (x == 0)
        {
            return double.NegativeInfinity;
        }

        if (double.IsPositiveInfinity(x))
        {
            return x;
        }

        // x = m · 2^e with m in [1/√2, √2): ln x = e·ln2 + 2·atanh((m−1)/(m+1)).
        var bits = BitConverter.DoubleToInt64Bits(x);
        var exponent = (int)((bits >> 52) & 0x7FF);
        if (exponent == 0)
        {
            // Subnormal: scale into the normal range first.
            return Log(x * 18014398509481984.0) - (54 * Ln2);
        }

        exponent -= 1023;
        var mantissa = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L);
        if (mantissa > 1.4142135623730951)
        {
            mantissa /= 2;
            exponent++;
        }

        var t = (mantissa - 1) / (mantissa + 1);
        var t2 = t * t;
        var term = t;
        var sum = 0.0;
        for (var k = 1; k < 60; k += 2)
        {
            var add = term / k;
            sum += add;
            if (Math.Abs(add) < 1e-18)
            {
                break;
            }

            term *= t2;
        }

        return (exponent * Ln2Hi) + ((exponent * Ln2Lo) + (2 * sum));
    }

    /// <summary>e raised to <paramref name="x"/>.</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        if (x > 709.78)
        {
            return double.PositiveInfinity;
        }

        if (x < -745.2)
        {
            return 0;
        }

        // x = k·ln2 + r with |r| ≤ ln2/2: e^x = 2^k · e^r, e^r by Taylor series.
        var k = (int)Math.Round(x / Ln2, MidpointRounding.ToEven);
        var r = (x - (k * Ln2Hi)) - (k * Ln2Lo);
        var term = 1.0;
        var sum = 1.0;
        for (var n = 1; n < 30; n++)
        {
            term *= r / n;
            sum += term;
            if (Math.Abs(term) < 1e-18)
            {
                break;
            }
        }

        return Math.ScaleB(sum, k);
    }

    /// <summary><paramref name="x"/> raised to <paramref name="y"/> for positive <paramref name="x"/>.</summary>
    public static double Pow(double x, double y) => x == 0 ? 0 : Exp(y * Log(x));
}
