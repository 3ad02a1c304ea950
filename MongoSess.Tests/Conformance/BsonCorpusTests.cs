using MongoSessions.Bson;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Conformance;

// bson-corpus.md, "Testing validity" for codecs with a native representation:
//   native_to_bson(bson_to_native(cB)) = cB and native_to_bson(bson_to_native(dB)) = cB.
// every degenerate_bson in the corpus canonicalizes through BSON alone: arrays are re-keyed "0", "1", ... and
// regular expression options are written in alphabetical order (changelog 2016-10-25), so no case is exempted.
// the Extended JSON fields, "lossy" (which only says cB has no exact Extended JSON form; the bytes must still round
// trip) and parseErrors (Extended JSON and decimal128 string parsing, which we do not implement) are out of scope.
public sealed class BsonCorpusTests
{
    public static IEnumerable<TestCaseData> ValidCases() => BsonCorpus.Cases("valid", label: null, (_, testCase) =>
    [
        testCase.GetProperty("canonical_bson").GetString(),
        BsonCorpus.OptionalString(testCase, "degenerate_bson"),
        BsonCorpus.OptionalString(testCase, "converted_bson"),
    ], arity: 3);

    public static IEnumerable<TestCaseData> DecodeErrorCases() =>
        BsonCorpus.Cases("decodeErrors", "decode error", (_, testCase) => [testCase.GetProperty("bson").GetString()], arity: 1);

    [TestCaseSource(nameof(ValidCases))]
    public void Valid_case_round_trips_byte_for_byte(string canonicalHex, string? degenerateHex, string? convertedHex)
    {
        var canonical = Convert.FromHexString(canonicalHex);

        var document = TimeLimit.Run(() => BsonBinaryReader.ReadDocument(canonical));

        Assert.That(BsonBinaryWriter.ToBytes(document), Is.EqualTo(canonical), "canonical_bson re-encoded");
        if (degenerateHex is not null)
        {
            var degenerate = TimeLimit.Run(() => BsonBinaryReader.ReadDocument(Convert.FromHexString(degenerateHex)));
            Assert.That(BsonBinaryWriter.ToBytes(degenerate), Is.EqualTo(canonical), "degenerate_bson re-encoded");
        }
        if (convertedHex is not null)
        {
            // converted_bson may be ignored (bson-corpus.md, "Deprecated types"), but it is canonical BSON, so it round trips too
            var converted = Convert.FromHexString(convertedHex);
            Assert.That(BsonBinaryWriter.ToBytes(BsonBinaryReader.ReadDocument(converted)), Is.EqualTo(converted), "converted_bson re-encoded");
        }
    }

    [TestCaseSource(nameof(DecodeErrorCases))]
    public void Decode_error_case_is_rejected(string bsonHex)
    {
        var bytes = Convert.FromHexString(bsonHex);

        Assert.Throws<BsonFormatException>(() => TimeLimit.Run(() => BsonBinaryReader.ReadDocument(bytes)));
    }
}
