using System.Buffers.Binary;

namespace MongoSessions.Mongo.Dns;

/// <summary>Builds a standard query with one question (RFC 1035 section 4.1).</summary>
internal static class DnsQueryMessage
{
    public const int HeaderLength = 12;
    public const ushort ClassInternet = 1;

    // flags: QR=0 (query), OPCODE=0 (standard query), RD=1 so a recursive resolver does the work
    private const ushort RecursionDesired = 0x0100;

    public static byte[] Build(ushort id, string name, DnsRecordType type)
    {
        var encodedName = DnsName.Encode(name);
        var message = new byte[HeaderLength + encodedName.Length + 4];
        var span = message.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(span, id);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], RecursionDesired);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], 1);
        encodedName.CopyTo(span[HeaderLength..]);
        var tail = span[(HeaderLength + encodedName.Length)..];
        BinaryPrimitives.WriteUInt16BigEndian(tail, (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(tail[2..], ClassInternet);
        return message;
    }
}
