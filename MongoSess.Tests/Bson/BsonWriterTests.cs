using MongoSessions.Bson;

namespace MongoSessions.Tests.Bson;

public sealed class BsonWriterTests
{
    [Test]
    public void Nul_in_a_top_level_name_is_rejected()
    {
        var document = new BsonDocument().Add("a\0b", new BsonInt32(1));

        Assert.Throws<ArgumentException>(() => BsonBinaryWriter.ToBytes(document));
    }

    [Test]
    public void Nul_in_a_nested_name_is_rejected()
    {
        var document = new BsonDocument().Add("a", new BsonDocument().Add("\0", BsonNull.Value));

        Assert.Throws<ArgumentException>(() => BsonBinaryWriter.ToBytes(document));
    }

    [Test]
    public void Nul_in_a_regular_expression_pattern_is_rejected()
    {
        var document = new BsonDocument().Add("a", new BsonRegularExpression("a\0b", ""));

        Assert.Throws<ArgumentException>(() => BsonBinaryWriter.ToBytes(document));
    }

    [Test]
    public void Nul_in_regular_expression_options_is_rejected()
    {
        var document = new BsonDocument().Add("a", new BsonRegularExpression("ab", "i\0"));

        Assert.Throws<ArgumentException>(() => BsonBinaryWriter.ToBytes(document));
    }

    [Test]
    public void Nul_inside_a_string_value_is_allowed()
    {
        var document = new BsonDocument().Add("a", new BsonString("x\0y"));

        Assert.That(BsonBinaryReader.ReadDocument(BsonBinaryWriter.ToBytes(document)), Is.EqualTo(document));
    }

    [Test]
    public void Lone_surrogate_in_a_string_is_rejected()
    {
        var document = new BsonDocument().Add("a", new BsonString("x\uD800y"));

        Assert.Throws<System.Text.EncoderFallbackException>(() => BsonBinaryWriter.ToBytes(document));
    }

    [Test]
    public void Object_id_of_the_wrong_length_is_rejected()
    {
        var document = new BsonDocument().Add("_id", new BsonObjectId([1, 2, 3]));

        Assert.Throws<ArgumentException>(() => BsonBinaryWriter.ToBytes(document));
    }

    [Test]
    public void Document_inside_itself_is_rejected_instead_of_overflowing_the_stack()
    {
        var document = new BsonDocument();
        document.Add("self", document);

        Assert.Throws<ArgumentException>(() => BsonBinaryWriter.ToBytes(document));
    }

    [Test]
    public void Nesting_up_to_the_reader_limit_is_written()
    {
        var document = new BsonDocument();
        for (int level = 1; level < BsonBinaryReader.MaxDepth; level++)
        {
            document = new BsonDocument().Add("a", document);
        }

        var bytes = BsonBinaryWriter.ToBytes(document);

        Assert.That(bytes, Is.EqualTo(BsonSamples.NestedDocumentBytes(BsonBinaryReader.MaxDepth)));
        Assert.Throws<ArgumentException>(() => BsonBinaryWriter.ToBytes(new BsonDocument().Add("a", document)));
    }
}
