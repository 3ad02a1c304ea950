using System.Buffers.Binary;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>Turns a good reply into the bytes of a broken one, for hostile-server tests.</summary>
internal static class MalformedReplyWriter
{
    public static byte[] Write(MalformedReply how, byte[] goodReply, int requestId, int responseTo)
    {
        var bytes = (byte[])goodReply.Clone();
        switch (how)
        {
            case MalformedReply.Truncated:
                return bytes[..(bytes.Length / 2)];
            case MalformedReply.WrongLength:
                BinaryPrimitives.WriteInt32LittleEndian(bytes, bytes.Length + 100);
                return bytes;
            case MalformedReply.WrongResponseTo:
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), responseTo + 1000);
                return bytes;
            case MalformedReply.OversizedLength:
                BinaryPrimitives.WriteInt32LittleEndian(bytes, 64 * 1024 * 1024);
                return bytes;
            case MalformedReply.InvalidBson:
                // the kind-0 document starts after header (16), flags (4) and the kind byte (1): claim it is 3 bytes long
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(21), 3);
                return bytes;
            case MalformedReply.WrongOpcode:
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), 9999);
                return bytes;
            case MalformedReply.LengthBelowHeader:
                BinaryPrimitives.WriteInt32LittleEndian(bytes, 8);
                return bytes;
            case MalformedReply.NegativeLength:
                BinaryPrimitives.WriteInt32LittleEndian(bytes, -1);
                return bytes;
            case MalformedReply.LengthTooShort:
                // header, flags, kind byte and half of the body document's length field: the document cannot fit
                BinaryPrimitives.WriteInt32LittleEndian(bytes, 24);
                return bytes;
            case MalformedReply.BsonUnknownElementType:
                // the first element's type byte follows the document's own length field
                bytes[25] = 0x7E;
                return bytes;
            case MalformedReply.BsonMissingTerminator:
                bytes[^1] = 0x01;
                return bytes;
            case MalformedReply.UnknownSectionKind:
                bytes[20] = 0x07;
                return bytes;
            case MalformedReply.TruncatedThenSilent:
                return bytes[..(bytes.Length / 2)];
            default:
                throw new ArgumentOutOfRangeException(nameof(how), how, null);
        }
    }
}
