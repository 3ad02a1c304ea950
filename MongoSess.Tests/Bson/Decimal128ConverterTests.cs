using MongoSessions.Bson;

namespace MongoSessions.Tests.Bson;

public sealed class Decimal128ConverterTests
{
    private static readonly decimal s_negativeZero = new(0, 0, 0, isNegative: true, scale: 0);

    [Test]
    public void Zero_is_exponent_zero_with_no_coefficient()
    {
        Assert.That(Decimal128Converter.FromDecimal(0m), Is.EqualTo(new BsonDecimal128(0x3040000000000000, 0)));
    }

    [Test]
    public void Negative_zero_keeps_its_sign()
    {
        var value = Decimal128Converter.FromDecimal(s_negativeZero);

        Assert.That(value, Is.EqualTo(new BsonDecimal128(0xB040000000000000, 0)));
        Assert.That(decimal.IsNegative(Decimal128Converter.ToDecimal(value)), Is.True);
    }

    [Test]
    public void Trailing_zeros_survive_as_scale()
    {
        var value = Decimal128Converter.FromDecimal(1.50m);

        Assert.That(value, Is.EqualTo(new BsonDecimal128(0x303C000000000000, 150)));
        Assert.That(Decimal128Converter.ToDecimal(value).ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo("1.50"));
    }

    [TestCase("79228162514264337593543950335")]
    [TestCase("-79228162514264337593543950335")]
    [TestCase("0.0000000000000000000000000001")]
    [TestCase("-7.9228162514264337593543950335")]
    [TestCase("123456789.000")]
    public void Decimal_round_trips_exactly(string text)
    {
        decimal value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

        decimal back = Decimal128Converter.ToDecimal(Decimal128Converter.FromDecimal(value));

        Assert.That(decimal.GetBits(back), Is.EqualTo(decimal.GetBits(value)));
    }

    [Test]
    public void Extremes_of_decimal_round_trip()
    {
        Assert.That(Decimal128Converter.ToDecimal(Decimal128Converter.FromDecimal(decimal.MaxValue)), Is.EqualTo(decimal.MaxValue));
        Assert.That(Decimal128Converter.ToDecimal(Decimal128Converter.FromDecimal(decimal.MinValue)), Is.EqualTo(decimal.MinValue));
    }

    [Test]
    public void Positive_exponent_is_multiplied_out()
    {
        // bson-corpus decimal128-1.json "1E+3"
        decimal value = Decimal128Converter.ToDecimal(new BsonDecimal128(0x3046000000000000, 1));

        Assert.That(value, Is.EqualTo(1000m));
        Assert.That(value.Scale, Is.Zero);
    }

    [Test]
    public void Exponent_below_decimal_scale_drops_only_zeros_when_it_can()
    {
        // 1000E-30
        decimal value = Decimal128Converter.ToDecimal(new BsonDecimal128((ulong)(6176 - 30) << 49, 1000));

        Assert.That(value.ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo("0.0000000000000000000000000010"));
    }

    [TestCase(15UL, "0.0000000000000000000000000002")]
    [TestCase(25UL, "0.0000000000000000000000000002")]
    [TestCase(26UL, "0.0000000000000000000000000003")]
    [TestCase(4UL, "0.0000000000000000000000000000")]
    public void Digits_beyond_decimal_scale_round_half_to_even(ulong coefficient, string expected)
    {
        // coefficient E-29
        decimal value = Decimal128Converter.ToDecimal(new BsonDecimal128((ulong)(6176 - 29) << 49, coefficient));

        Assert.That(value.ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(expected));
    }

    [Test]
    public void Thirty_four_digits_round_to_what_decimal_holds()
    {
        // 1234567890123456789012345678901234E-10
        var coefficient = UInt128.Parse("1234567890123456789012345678901234");
        var value = new BsonDecimal128(((ulong)(6176 - 10) << 49) | (ulong)(coefficient >> 64), (ulong)coefficient);

        Assert.That(Decimal128Converter.ToDecimal(value), Is.EqualTo(123456789012345678901234.56789m));
    }

    [Test]
    public void Tiny_values_round_to_zero()
    {
        // bson-corpus decimal128-1.json "1E-6176"
        Assert.That(Decimal128Converter.ToDecimal(new BsonDecimal128(0, 1)), Is.EqualTo(0m));
    }

    [Test]
    public void Non_canonical_coefficient_reads_as_zero()
    {
        // bson-corpus decimal128-1.json "Invalid representation treated as 0E3"
        Assert.That(Decimal128Converter.ToDecimal(new BsonDecimal128(0x6C11FFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF)), Is.EqualTo(0m));
    }

    [Test]
    public void Value_beyond_decimal_range_throws_overflow()
    {
        // 1E+29
        Assert.Throws<OverflowException>(() => Decimal128Converter.ToDecimal(new BsonDecimal128((ulong)(6176 + 29) << 49, 1)));
        // 9.999999999999999999999999999999999E+6144
        Assert.Throws<OverflowException>(() => Decimal128Converter.ToDecimal(new BsonDecimal128(0x5FFFED09BEAD87C0, 0x378D8E63FFFFFFFF)));
    }

    [Test]
    public void Infinity_throws_overflow()
    {
        Assert.Throws<OverflowException>(() => Decimal128Converter.ToDecimal(new BsonDecimal128(0x7800000000000000, 0)));
        Assert.Throws<OverflowException>(() => Decimal128Converter.ToDecimal(new BsonDecimal128(0xF800000000000000, 0)));
    }

    [Test]
    public void NaN_throws_invalid_cast()
    {
        Assert.Throws<InvalidCastException>(() => Decimal128Converter.ToDecimal(new BsonDecimal128(0x7C00000000000000, 0)));
        Assert.Throws<InvalidCastException>(() => Decimal128Converter.ToDecimal(new BsonDecimal128(0x7E00000000000000, 0x12)));
    }
}
