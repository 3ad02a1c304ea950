using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>Builds OP_MSG messages with one kind-0 section, as mongod replies.</summary>
internal static class OpMsgWriter
{
    public static byte[] Write(int requestId, int responseTo, BsonDocument body)
    {
        var document = body.ToBson();
        var payload = new byte[4 + 1 + document.Length];
        // flagBits 0, then one kind-0 section
        payload[4] = 0;
        document.CopyTo(payload, 5);
        return WireFraming.Frame(requestId, responseTo, WireOpcode.Msg, payload);
    }
}
