namespace MongoSessions.Bson;

/// <summary>
/// Converts between <see cref="decimal"/> and IEEE 754-2008 decimal128 in the binary integer decimal (BID) encoding
/// that BSON uses: a sign bit, a 14-bit exponent biased by 6176 and a coefficient of up to 113 bits.
/// </summary>
internal static class Decimal128Converter
{
    private const int ExponentBias = 6176;
    private const int MaxDecimalScale = 28;
    private const ulong SignBit = 1UL << 63;
    private const ulong HighCoefficientMask = (1UL << 49) - 1;

    private static readonly UInt128 s_maxDecimalCoefficient = (UInt128.One << 96) - 1;

    // decimal128 spec: a coefficient above 10^34 - 1 is non-canonical and reads as zero
    private static readonly UInt128 s_maxCoefficient = UInt128.Parse("9999999999999999999999999999999999");

    /// <summary>The exact decimal128 for <paramref name="value"/>, keeping its scale (1.50m becomes 150E-2).</summary>
    public static BsonDecimal128 FromDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        int scale = (bits[3] >> 16) & 0xFF;
        ulong high = (uint)bits[2] | ((ulong)(ExponentBias - scale) << 49);
        if (bits[3] < 0)
        {
            high |= SignBit;
        }
        ulong low = ((ulong)(uint)bits[1] << 32) | (uint)bits[0];
        return new BsonDecimal128(high, low);
    }

    /// <summary>
    /// The decimal for <paramref name="value"/>: exact when decimal can hold it, otherwise rounded to the nearest
    /// (ties to even) at decimal's 28-digit scale or 96-bit coefficient.
    /// </summary>
    /// <exception cref="OverflowException">The value is infinite or beyond <see cref="decimal.MaxValue"/>.</exception>
    /// <exception cref="InvalidCastException">The value is NaN.</exception>
    public static decimal ToDecimal(BsonDecimal128 value)
    {
        bool negative = (value.High & SignBit) != 0;
        int exponent;
        UInt128 coefficient;
        if (((value.High >> 61) & 0b11) == 0b11)
        {
            ulong special = (value.High >> 58) & 0b11111;
            if (special == 0b11111)
            {
                throw new InvalidCastException("A decimal128 NaN cannot be converted to System.Decimal.");
            }
            if (special == 0b11110)
            {
                throw new OverflowException($"A decimal128 {(negative ? "-" : "")}Infinity cannot be converted to System.Decimal.");
            }
            // decimal128 spec: with combination bits "11" the coefficient would be 0b100 followed by 111 bits,
            // always above 10^34 - 1, so the value is zero with the exponent that follows those two bits
            exponent = (int)((value.High >> 47) & 0x3FFF) - ExponentBias;
            coefficient = UInt128.Zero;
        }
        else
        {
            exponent = (int)((value.High >> 49) & 0x3FFF) - ExponentBias;
            coefficient = new UInt128(value.High & HighCoefficientMask, value.Low);
            if (coefficient > s_maxCoefficient)
            {
                coefficient = UInt128.Zero;
            }
        }

        if (coefficient == UInt128.Zero)
        {
            return new decimal(0, 0, 0, negative, (byte)Math.Clamp(-exponent, 0, MaxDecimalScale));
        }
        for (; exponent > 0; exponent--)
        {
            if (coefficient > s_maxDecimalCoefficient / 10)
            {
                throw TooLarge();
            }
            coefficient *= 10;
        }

        int scale = -exponent;
        for (int drop = Math.Max(scale - MaxDecimalScale, 0); drop <= scale; drop++)
        {
            var rounded = DropDigits(coefficient, drop);
            if (rounded <= s_maxDecimalCoefficient)
            {
                return Create(rounded, negative, scale - drop);
            }
        }
        throw TooLarge();
    }

    // divides by 10^digits, rounding half to even
    private static UInt128 DropDigits(UInt128 coefficient, int digits)
    {
        if (digits == 0)
        {
            return coefficient;
        }
        if (digits > 34)
        {
            // the coefficient is below 10^34, so less than half of 10^digits
            return UInt128.Zero;
        }
        var divisor = UInt128.One;
        for (int i = 0; i < digits; i++)
        {
            divisor *= 10;
        }
        var (quotient, remainder) = UInt128.DivRem(coefficient, divisor);
        var half = divisor / 2;
        if (remainder > half || (remainder == half && (quotient & UInt128.One) == UInt128.One))
        {
            quotient++;
        }
        return quotient;
    }

    private static decimal Create(UInt128 coefficient, bool negative, int scale) =>
        new((int)(uint)coefficient, (int)(uint)(coefficient >> 32), (int)(uint)(coefficient >> 64), negative, (byte)scale);

    private static OverflowException TooLarge() => new("The decimal128 value is outside the range of System.Decimal.");
}
