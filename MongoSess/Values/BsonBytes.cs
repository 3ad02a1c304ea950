using System.Buffers.Binary;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;

namespace MongoSessions.Values;

/// <summary>Reads one BSON document from bytes that may be damaged (a session file, a decrypted value).</summary>
internal static class BsonBytes
{
    // session values nest far less; a damaged or hostile file must not exhaust the stack
    private const int MaxDepth = 100;

    /// <exception cref="FormatException">The bytes are not exactly one valid BSON document.</exception>
    public static BsonDocument ReadDocument(ReadOnlySpan<byte> bytes) => ReadDocument(bytes.ToArray());

    /// <exception cref="FormatException">The bytes are not exactly one valid BSON document.</exception>
    public static BsonDocument ReadDocument(byte[] bytes)
    {
        if (bytes.Length < 5 || BinaryPrimitives.ReadInt32LittleEndian(bytes) != bytes.Length || bytes[^1] != 0)
        {
            throw new FormatException($"The bytes are not one BSON document: its length field does not match the {bytes.Length} bytes.");
        }
        if (NestingDepth(bytes) > MaxDepth)
        {
            throw new FormatException($"The BSON document nests more than {MaxDepth} levels deep.");
        }
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var reader = new BsonBinaryReader(stream);
            return BsonSerializer.Deserialize<BsonDocument>(reader);
        }
        catch (Exception e) when (e is BsonException or EndOfStreamException or InvalidOperationException or ArgumentException or IOException or OverflowException)
        {
            throw new FormatException("The bytes are not a valid BSON document: " + e.Message, e);
        }
        catch (FormatException e)
        {
            throw new FormatException("The bytes are not a valid BSON document: " + e.Message, e);
        }
    }

    // walks the element stream with the driver's reader, skipping values without decoding them, so that the
    // deserializer (which recurses once per level) only ever sees documents of bounded depth
    private static int NestingDepth(byte[] bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var reader = new BsonBinaryReader(stream);
            reader.ReadStartDocument();
            int depth = 0;
            int deepest = 0;
            while (true)
            {
                var type = reader.ReadBsonType();
                if (type == BsonType.EndOfDocument)
                {
                    if (reader.State == BsonReaderState.EndOfArray)
                    {
                        reader.ReadEndArray();
                    }
                    else
                    {
                        reader.ReadEndDocument();
                    }
                    if (depth-- == 0)
                    {
                        return deepest;
                    }
                    continue;
                }
                if (reader.State == BsonReaderState.Name)
                {
                    reader.SkipName();
                }
                if (type is BsonType.Document or BsonType.Array)
                {
                    if (type == BsonType.Document)
                    {
                        reader.ReadStartDocument();
                    }
                    else
                    {
                        reader.ReadStartArray();
                    }
                    deepest = Math.Max(deepest, ++depth);
                    if (deepest > MaxDepth)
                    {
                        return deepest;
                    }
                    continue;
                }
                reader.SkipValue();
            }
        }
        catch (Exception e) when (e is BsonException or EndOfStreamException or InvalidOperationException or ArgumentException or IOException or FormatException)
        {
            // damage is reported by the full read, with its own message
            return 0;
        }
    }
}
