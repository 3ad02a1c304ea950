using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using MongoSessions.Bson;

namespace MongoSessions.Mongo.Protocol;

/// <summary>
/// Writes one OP_MSG request: the command as the kind-0 body and, optionally, one kind-1 document sequence (such as
/// the documents of an insert), all into one buffer so the message leaves in a single write.
/// </summary>
internal static class OpMsgRequest
{
    public static int Write(ArrayBufferWriter<byte> output, BsonDocument command, string? sequenceIdentifier = null, IReadOnlyList<BsonDocument>? sequence = null)
    {
        int start = output.WrittenCount;
        int requestId = MessageHeader.NextRequestId();
        output.GetSpan(MessageHeader.Size);
        output.Advance(MessageHeader.Size);
        Span<byte> flags = output.GetSpan(4);
        BinaryPrimitives.WriteUInt32LittleEndian(flags, (uint)OpMsgFlags.None);
        output.Advance(4);

        output.GetSpan(1)[0] = 0;
        output.Advance(1);
        BsonBinaryWriter.Write(output, command);

        if (sequenceIdentifier is not null && sequence is not null)
        {
            output.GetSpan(1)[0] = 1;
            output.Advance(1);
            int sizeAt = output.WrittenCount;
            output.GetSpan(4);
            output.Advance(4);
            int nameLength = Encoding.UTF8.GetBytes(sequenceIdentifier, output.GetSpan(Encoding.UTF8.GetMaxByteCount(sequenceIdentifier.Length) + 1));
            output.GetSpan(nameLength + 1)[nameLength] = 0;
            output.Advance(nameLength + 1);
            foreach (var document in sequence)
            {
                BsonBinaryWriter.Write(output, document);
            }
            // OP_MSG spec: a kind-1 section's size includes its own four bytes
            BinaryPrimitives.WriteInt32LittleEndian(Written(output, sizeAt, 4), output.WrittenCount - sizeAt);
        }

        var header = new MessageHeader(output.WrittenCount - start, requestId, 0, OpCode.Msg);
        header.Write(Written(output, start, MessageHeader.Size));
        return requestId;
    }

    // ArrayBufferWriter hands out its written memory read-only; the length fields are patched in place once known
    private static Span<byte> Written(ArrayBufferWriter<byte> output, int offset, int length) =>
        System.Runtime.InteropServices.MemoryMarshal.AsMemory(output.WrittenMemory).Span.Slice(offset, length);
}
