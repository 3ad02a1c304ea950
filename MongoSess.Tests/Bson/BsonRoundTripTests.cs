using System.Buffers;
using MongoSessions.Bson;

namespace MongoSessions.Tests.Bson;

public sealed class BsonRoundTripTests
{
    public static IEnumerable<TestCaseData> EveryType() =>
        BsonSamples.EveryType().Select(sample => new TestCaseData(sample.Name).SetName($"Every_type_round_trips({sample.Name})"));

    [TestCaseSource(nameof(EveryType))]
    public void Every_type_round_trips(string name)
    {
        var value = BsonSamples.EveryType().Single(sample => sample.Name == name).Value;
        var document = new BsonDocument().Add(name, value);

        var decoded = BsonBinaryReader.ReadDocument(BsonBinaryWriter.ToBytes(document));

        Assert.That(decoded, Has.Count.EqualTo(1));
        Assert.That(decoded[0].Name, Is.EqualTo(name));
        Assert.That(decoded[0].Value, Is.EqualTo(value));
    }

    [Test]
    public void Document_with_every_type_round_trips_through_a_buffer_writer()
    {
        var document = BsonSamples.EveryTypeDocument();
        var output = new ArrayBufferWriter<byte>();
        output.Write(new byte[] { 0xAA });

        BsonBinaryWriter.Write(output, document);

        Assert.That(output.WrittenSpan[1..].ToArray(), Is.EqualTo(BsonBinaryWriter.ToBytes(document)));
        Assert.That(BsonBinaryReader.ReadDocument(output.WrittenSpan[1..]), Is.EqualTo(document));
    }

    [Test]
    public void Int32_element_has_the_bytes_of_the_bson_spec()
    {
        var bytes = BsonBinaryWriter.ToBytes(new BsonDocument().Add("a", new BsonInt32(1)));

        Assert.That(Convert.ToHexString(bytes), Is.EqualTo("0C0000001061000100000000"));
    }

    [Test]
    public void Array_is_written_with_keys_counting_from_zero()
    {
        var document = new BsonDocument().Add("a", new BsonArray().Add(new BsonInt32(10)).Add(new BsonInt32(20)));

        var bytes = BsonBinaryWriter.ToBytes(document);

        Assert.That(Convert.ToHexString(bytes), Is.EqualTo("1B000000046100130000001030000A000000103100140000000000"));
    }

    [Test]
    public void Old_binary_subtype_writes_the_inner_length_and_reads_it_back_out()
    {
        var document = new BsonDocument().Add("x", new BsonBinary(0x02, [0xFF, 0xFF]));

        var bytes = BsonBinaryWriter.ToBytes(document);

        Assert.That(Convert.ToHexString(bytes), Is.EqualTo("13000000057800060000000202000000FFFF00"));
        Assert.That(((BsonBinary)BsonBinaryReader.ReadDocument(bytes)["x"]!).Data, Is.EqualTo(new byte[] { 0xFF, 0xFF }));
    }

    [Test]
    public void Regular_expression_options_are_written_in_alphabetical_order()
    {
        var document = new BsonDocument().Add("a", new BsonRegularExpression("abc", "mix"));

        var decoded = BsonBinaryReader.ReadDocument(BsonBinaryWriter.ToBytes(document));

        Assert.That(decoded["a"], Is.EqualTo(new BsonRegularExpression("abc", "imx")));
    }

    [Test]
    public void Deeply_nested_documents_and_arrays_round_trip()
    {
        var document = new BsonDocument().Add("leaf", new BsonInt32(0));
        for (int i = 0; i < 60; i++)
        {
            document = i % 2 == 0
                ? new BsonDocument().Add("a", new BsonArray().Add(document))
                : new BsonDocument().Add("d", document).Add("n", new BsonInt32(i));
        }

        var decoded = BsonBinaryReader.ReadDocument(BsonBinaryWriter.ToBytes(document));

        Assert.That(decoded, Is.EqualTo(document));
    }

    [Test]
    public void Large_document_grows_the_buffer()
    {
        var document = new BsonDocument();
        for (int i = 0; i < 5_000; i++)
        {
            document.Add($"key{i}", new BsonString(new string('x', i % 100)));
        }

        var bytes = BsonBinaryWriter.ToBytes(document);

        Assert.That(bytes, Has.Length.GreaterThan(256_000));
        Assert.That(BsonBinaryReader.ReadDocument(bytes), Is.EqualTo(document));
    }

    [Test]
    public void Duplicate_names_are_kept_in_order()
    {
        // bson-corpus prose test 2: { "foo": 1, "foo": 2 }
        var bytes = Convert.FromHexString("1700000010666f6f000100000010666f6f000200000000");

        var decoded = BsonBinaryReader.ReadDocument(bytes);

        Assert.That(decoded, Has.Count.EqualTo(2));
        Assert.That(decoded["foo"], Is.EqualTo(new BsonInt32(1)));
        Assert.That(decoded[1].Value, Is.EqualTo(new BsonInt32(2)));
        Assert.That(BsonBinaryWriter.ToBytes(decoded), Is.EqualTo(bytes));
    }
}
