using System.Buffers.Binary;
using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>Builds the legacy OP_REPLY that answers an OP_QUERY command with one document.</summary>
internal static class OpReplyWriter
{
    public static byte[] Write(int requestId, int responseTo, BsonDocument document)
    {
        var bytes = document.ToBson();
        // responseFlags, cursorID, startingFrom, numberReturned
        var payload = new byte[4 + 8 + 4 + 4 + bytes.Length];
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(16), 1);
        bytes.CopyTo(payload, 20);
        return WireFraming.Frame(requestId, responseTo, WireOpcode.Reply, payload);
    }
}
