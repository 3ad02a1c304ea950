using System.Buffers.Binary;
using MongoSessions.Bson;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Bson;

public sealed class BsonReaderTests
{
    [Test]
    public void Values_decode_from_the_bytes_of_the_bson_spec()
    {
        // { "hello": "world", "n": 5 (int64), "t": true }
        var bytes = Convert.FromHexString("250000000268656C6C6F0006000000776F726C640012" + "6E000500000000000000" + "0874000100");

        var document = BsonBinaryReader.ReadDocument(bytes);

        Assert.That(document["hello"], Is.EqualTo(new BsonString("world")));
        Assert.That(document["n"], Is.EqualTo(new BsonInt64(5)));
        Assert.That(document["t"], Is.EqualTo(BsonBoolean.True));
    }

    [Test]
    public void Trailing_bytes_after_the_document_are_rejected()
    {
        var bytes = BsonBinaryWriter.ToBytes(new BsonDocument().Add("a", new BsonInt32(1)));

        Assert.Throws<BsonFormatException>(() => BsonBinaryReader.ReadDocument([.. bytes, 0]));
    }

    [Test]
    public void Empty_input_is_rejected()
    {
        Assert.Throws<BsonFormatException>(() => BsonBinaryReader.ReadDocument([]));
    }

    [Test]
    public void Invalid_utf8_in_a_name_is_rejected()
    {
        var bytes = Convert.FromHexString("0C00000010E9000100000000");

        Assert.Throws<BsonFormatException>(() => BsonBinaryReader.ReadDocument(bytes));
    }

    [Test]
    public void Overlong_utf8_encoding_is_rejected()
    {
        // "/" encoded in two bytes (C0 AF) is not valid UTF-8
        var bytes = Convert.FromHexString("0F000000026100030000C0AF0000");
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(7), 3);

        Assert.Throws<BsonFormatException>(() => BsonBinaryReader.ReadDocument(bytes));
    }

    [Test]
    public void Nesting_up_to_the_limit_is_accepted()
    {
        var document = BsonBinaryReader.ReadDocument(BsonSamples.NestedDocumentBytes(BsonBinaryReader.MaxDepth));

        int levels = 1;
        for (var inner = document; inner.Count == 1; inner = (BsonDocument)inner["a"]!)
        {
            levels++;
        }
        Assert.That(levels, Is.EqualTo(BsonBinaryReader.MaxDepth));
    }

    [TestCase(BsonBinaryReader.MaxDepth + 1)]
    [TestCase(100_000)]
    public void Nesting_past_the_limit_is_rejected(int levels)
    {
        var bytes = BsonSamples.NestedDocumentBytes(levels);

        Assert.Throws<BsonFormatException>(() => TimeLimit.Run(() => BsonBinaryReader.ReadDocument(bytes)));
    }

    [Test]
    public void Truncated_document_is_rejected()
    {
        var bytes = BsonBinaryWriter.ToBytes(BsonSamples.EveryTypeDocument());

        for (int length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes[..length];
            Assert.Throws<BsonFormatException>(() => BsonBinaryReader.ReadDocument(prefix), $"prefix of {length} bytes");
        }
    }

    [Test]
    public void Truncated_document_with_a_patched_length_keeps_only_whole_elements()
    {
        var original = BsonSamples.EveryTypeDocument();
        var bytes = BsonBinaryWriter.ToBytes(original);
        int rejected = 0;

        for (int length = 5; length < bytes.Length; length++)
        {
            var prefix = bytes[..length];
            BinaryPrimitives.WriteInt32LittleEndian(prefix, length);
            prefix[^1] = 0;
            try
            {
                // a cut right after an element leaves a valid, shorter document
                var decoded = BsonBinaryReader.ReadDocument(prefix);
                Assert.That(decoded, Has.Count.LessThan(original.Count), $"prefix of {length} bytes");
                for (int i = 0; i < decoded.Count; i++)
                {
                    Assert.That(decoded[i], Is.EqualTo(original[i]), $"prefix of {length} bytes, element {i}");
                }
            }
            catch (BsonFormatException)
            {
                rejected++;
            }
        }

        Assert.That(rejected, Is.EqualTo(bytes.Length - 5 - original.Count));
    }

    [Test]
    public void Random_garbage_only_ever_throws_BsonFormatException()
    {
        var random = new Random(20240611);
        var sample = BsonBinaryWriter.ToBytes(BsonSamples.EveryTypeDocument());
        int rejected = 0;

        for (int i = 0; i < 4_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 64)];
                random.NextBytes(input);
                if (input.Length >= 5 && i % 4 == 0)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(input, input.Length);
                    input[^1] = 0;
                }
            }
            else
            {
                input = (byte[])sample.Clone();
                for (int flips = random.Next(1, 5); flips > 0; flips--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }
            }

            try
            {
                var decoded = TimeLimit.Run(() => BsonBinaryReader.ReadDocument(input));
                Assert.That(BsonBinaryReader.ReadDocument(BsonBinaryWriter.ToBytes(decoded)), Has.Count.EqualTo(decoded.Count), $"input {i} re-encoded");
            }
            catch (BsonFormatException)
            {
                rejected++;
            }
            catch (Exception e) when (e is not AssertionException)
            {
                Assert.Fail($"input {i} ({Convert.ToHexString(input)}) threw {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.That(rejected, Is.GreaterThan(3_000));
    }
}
