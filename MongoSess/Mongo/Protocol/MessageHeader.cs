using System.Buffers.Binary;

namespace MongoSessions.Mongo.Protocol;

/// <summary>The 16-byte header of every wire protocol message: total length, request id, the id it answers, opcode.</summary>
internal readonly record struct MessageHeader(int MessageLength, int RequestId, int ResponseTo, OpCode OpCode)
{
    public const int Size = 16;

    private static int s_lastRequestId;

    public static int NextRequestId() => Interlocked.Increment(ref s_lastRequestId);

    public static MessageHeader Read(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadInt32LittleEndian(bytes),
        BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]),
        BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]),
        (OpCode)BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, MessageLength);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], RequestId);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], ResponseTo);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], (int)OpCode);
    }
}
