using System.Buffers;
using System.Buffers.Binary;
using MongoSessions.Bson;

namespace MongoSessions.Mongo.Protocol;

/// <summary>
/// The legacy OP_QUERY request and OP_REPLY reply, used only for the first handshake: the handshake spec has drivers
/// send it that way so that any server, however old, answers and can be told apart.
/// </summary>
internal static class OpQueryHandshake
{
    private static readonly byte[] s_adminCommand = "admin.$cmd\0"u8.ToArray();

    public static int Write(ArrayBufferWriter<byte> output, BsonDocument command)
    {
        int start = output.WrittenCount;
        int requestId = MessageHeader.NextRequestId();
        output.GetSpan(MessageHeader.Size);
        output.Advance(MessageHeader.Size);
        var fixedPart = output.GetSpan(4);
        BinaryPrimitives.WriteInt32LittleEndian(fixedPart, 0);
        output.Advance(4);
        output.Write(s_adminCommand);
        var counts = output.GetSpan(8);
        BinaryPrimitives.WriteInt32LittleEndian(counts, 0);
        BinaryPrimitives.WriteInt32LittleEndian(counts[4..], -1);
        output.Advance(8);
        BsonBinaryWriter.Write(output, command);
        var header = new MessageHeader(output.WrittenCount - start, requestId, 0, OpCode.Query);
        header.Write(System.Runtime.InteropServices.MemoryMarshal.AsMemory(output.WrittenMemory).Span.Slice(start, MessageHeader.Size));
        return requestId;
    }

    /// <summary>Parses an OP_REPLY body (after the header) and returns its single document.</summary>
    public static BsonDocument ParseReply(ReadOnlySpan<byte> body)
    {
        // responseFlags (4), cursorID (8), startingFrom (4), numberReturned (4), then the documents
        if (body.Length < 20 + 5)
        {
            throw new InvalidDataException("the handshake reply is too short");
        }
        int returned = BinaryPrimitives.ReadInt32LittleEndian(body[16..]);
        if (returned != 1)
        {
            throw new InvalidDataException($"the handshake reply holds {returned} documents, not 1");
        }
        var documents = body[20..];
        int length = OpMsgReply.DocumentLength(documents);
        return OpMsgReply.ReadDocument(documents[..length]);
    }
}
