using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>Reads one BSON document from the exact bytes of a message section, with MongoDB.Bson's own reader.</summary>
internal static class BsonDocumentDecoder
{
    /// <exception cref="WireProtocolException">The bytes are not one well-formed BSON document.</exception>
    public static BsonDocument Decode(ReadOnlySpan<byte> bytes, string what)
    {
        try
        {
            using var stream = new MemoryStream(bytes.ToArray(), writable: false);
            using var reader = new BsonBinaryReader(stream);
            var document = BsonSerializer.Deserialize<BsonDocument>(reader);
            if (stream.Position != stream.Length)
            {
                throw new FormatException($"{stream.Length - stream.Position} bytes follow the document.");
            }
            return document;
        }
        catch (Exception e) when (e is FormatException or BsonException or EndOfStreamException or ArgumentException or InvalidOperationException)
        {
            throw new WireProtocolException($"{what} holds invalid BSON: {e.Message}");
        }
    }
}
