using System.Buffers.Binary;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>Reads and writes the standard message header: messageLength, requestID, responseTo, opCode (little-endian int32s).</summary>
internal static class WireFraming
{
    public const int HeaderLength = 16;

    /// <returns>The next message, or null when the peer closed the stream between messages.</returns>
    /// <exception cref="WireProtocolException">The length is impossible or over <paramref name="maxMessageSizeBytes"/>.</exception>
    public static async Task<WireMessage?> ReadAsync(Stream stream, int maxMessageSizeBytes, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderLength];
        int read = await ReadFullyAsync(stream, header, cancellationToken);
        if (read == 0)
        {
            return null;
        }
        if (read < HeaderLength)
        {
            throw new WireProtocolException("The stream ended inside a message header.");
        }
        int length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < HeaderLength || length > maxMessageSizeBytes)
        {
            throw new WireProtocolException($"Message length {length} is outside 16..{maxMessageSizeBytes}.");
        }
        var body = new byte[length - HeaderLength];
        if (await ReadFullyAsync(stream, body, cancellationToken) < body.Length)
        {
            throw new WireProtocolException("The stream ended inside a message body.");
        }
        return new WireMessage(
            BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4)),
            BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)),
            BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12)),
            body);
    }

    public static byte[] Frame(int requestId, int responseTo, int opCode, ReadOnlySpan<byte> body)
    {
        var message = new byte[HeaderLength + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(message, message.Length);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(4), requestId);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(8), responseTo);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(12), opCode);
        body.CopyTo(message.AsSpan(HeaderLength));
        return message;
    }

    private static async Task<int> ReadFullyAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }
}
