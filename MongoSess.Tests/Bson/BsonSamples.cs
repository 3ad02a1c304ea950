using System.Buffers.Binary;
using MongoSessions.Bson;

namespace MongoSessions.Tests.Bson;

internal static class BsonSamples
{
    public static readonly byte[] ObjectIdBytes = Convert.FromHexString("56E1FC72E0C917E9C4714161");

    /// <summary>One named element of every BSON type.</summary>
    public static IEnumerable<(string Name, BsonValue Value)> EveryType()
    {
        yield return ("double", new BsonDouble(-1.5));
        yield return ("string", new BsonString("h\u00e9llo \u2606 \U0001F600 with\0nul"));
        yield return ("document", new BsonDocument().Add("x", new BsonInt32(1)).Add("y", new BsonString("z")));
        yield return ("array", new BsonArray().Add(new BsonInt32(1)).Add(new BsonArray().Add(BsonNull.Value)));
        yield return ("binary", new BsonBinary(BsonBinary.GenericSubtype, [1, 2, 3]));
        yield return ("old binary", new BsonBinary(0x02, [0xFF, 0xFF]));
        yield return ("undefined", BsonUndefined.Value);
        yield return ("objectId", new BsonObjectId(ObjectIdBytes));
        yield return ("true", BsonBoolean.True);
        yield return ("false", BsonBoolean.False);
        yield return ("dateTime", new BsonDateTime(1_700_000_000_123));
        yield return ("null", BsonNull.Value);
        yield return ("regex", new BsonRegularExpression("^a.*b$", "imx"));
        yield return ("dbPointer", new BsonDbPointer("db.collection", ObjectIdBytes));
        yield return ("javaScript", new BsonJavaScript("function() { return 1; }"));
        yield return ("symbol", new BsonSymbol("sym"));
        yield return ("javaScriptWithScope", new BsonJavaScriptWithScope("x + y", new BsonDocument().Add("x", new BsonInt64(2))));
        yield return ("int32", new BsonInt32(int.MinValue));
        yield return ("timestamp", new BsonTimestamp(((ulong)1_700_000_000 << 32) | 7));
        yield return ("int64", new BsonInt64(long.MaxValue));
        yield return ("decimal128", new BsonDecimal128(0x3040000000000000, 42));
        yield return ("minKey", BsonMinKey.Value);
        yield return ("maxKey", BsonMaxKey.Value);
    }

    public static BsonDocument EveryTypeDocument()
    {
        var document = new BsonDocument();
        foreach (var (name, value) in EveryType())
        {
            document.Add(name, value);
        }
        return document;
    }

    /// <summary>The bytes of <paramref name="levels"/> documents nested in one another under the name "a", built without recursion.</summary>
    public static byte[] NestedDocumentBytes(int levels)
    {
        const int PerLevel = 4 + 1 + 2 + 1;
        var bytes = new byte[(levels - 1) * PerLevel + 5];
        int position = 0;
        for (int level = 0; level < levels - 1; level++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(position), bytes.Length - level * PerLevel);
            bytes[position + 4] = (byte)BsonType.Document;
            bytes[position + 5] = (byte)'a';
            position += 7;
        }
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(position), 5);
        return bytes;
    }
}
