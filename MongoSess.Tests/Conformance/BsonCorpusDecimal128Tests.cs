using System.Globalization;
using System.Text.Json;
using MongoSessions.Bson;

namespace MongoSessions.Tests.Conformance;

// checks Decimal128Converter.ToDecimal on every valid decimal128 corpus value against decimal.Parse of the value's
// canonical Extended JSON string ({"d": {"$numberDecimal": "..."}})
public sealed class BsonCorpusDecimal128Tests
{
    public static IEnumerable<TestCaseData> DecimalCases() => BsonCorpus.Cases("valid", "to decimal", (file, testCase) =>
    {
        if (BsonCorpus.OptionalString(file, "bson_type") != "0x13")
        {
            return null;
        }
        using var extjson = JsonDocument.Parse(testCase.GetProperty("canonical_extjson").GetString()!);
        string text = extjson.RootElement.GetProperty("d").GetProperty("$numberDecimal").GetString()!;
        return [testCase.GetProperty("canonical_bson").GetString(), text];
    }, arity: 2);

    [TestCaseSource(nameof(DecimalCases))]
    public void Decimal128_converts_to_the_decimal_its_text_denotes(string canonicalHex, string text)
    {
        var value = (BsonDecimal128)BsonBinaryReader.ReadDocument(Convert.FromHexString(canonicalHex))["d"]!;

        if (text.EndsWith("NaN", StringComparison.Ordinal))
        {
            Assert.Throws<InvalidCastException>(() => Decimal128Converter.ToDecimal(value));
        }
        else if (text.EndsWith("Infinity", StringComparison.Ordinal))
        {
            Assert.Throws<OverflowException>(() => Decimal128Converter.ToDecimal(value));
        }
        else if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal expected))
        {
            decimal actual = Decimal128Converter.ToDecimal(value);
            Assert.That(actual, Is.EqualTo(expected));
            Assert.That(decimal.GetBits(Decimal128Converter.ToDecimal(Decimal128Converter.FromDecimal(actual))), Is.EqualTo(decimal.GetBits(actual)), "decimal round trip");
            if (IsCanonical(value) && actual.ToString(CultureInfo.InvariantCulture) == text)
            {
                Assert.That(Decimal128Converter.FromDecimal(actual), Is.EqualTo(value), "an exact conversion gives back the same bits");
            }
        }
        else
        {
            Assert.Throws<OverflowException>(() => Decimal128Converter.ToDecimal(value));
        }
    }

    // decimal128 spec: combination bits "11" (outside NaN and Infinity) or a coefficient above 10^34 - 1 is a non-canonical zero
    private static bool IsCanonical(BsonDecimal128 value) =>
        ((value.High >> 61) & 0b11) != 0b11 && new UInt128(value.High & ((1UL << 49) - 1), value.Low) < UInt128.Parse("10000000000000000000000000000000000");
}
