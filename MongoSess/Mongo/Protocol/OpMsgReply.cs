using System.Buffers.Binary;
using MongoSessions.Bson;

namespace MongoSessions.Mongo.Protocol;

/// <summary>Parses the body of an OP_MSG reply (everything after the header) into its kind-0 document.</summary>
internal static class OpMsgReply
{
    /// <exception cref="InvalidDataException">The body is not a valid OP_MSG reply; the connection names the server.</exception>
    public static BsonDocument Parse(ReadOnlySpan<byte> body)
    {
        if (body.Length < 5)
        {
            throw Invalid("it is shorter than the flags and one section");
        }
        var flags = (OpMsgFlags)BinaryPrimitives.ReadUInt32LittleEndian(body);
        var known = OpMsgFlags.ChecksumPresent | OpMsgFlags.MoreToCome;
        if (((uint)flags & (uint)OpMsgFlags.RequiredMask & ~(uint)known) != 0)
        {
            throw Invalid($"it has unknown required flag bits 0x{(uint)flags:x}");
        }
        var sections = body[4..];
        if ((flags & OpMsgFlags.ChecksumPresent) != 0)
        {
            // the CRC-32C trailer protects against corruption TCP already detects; it is skipped, not checked
            if (sections.Length < 4)
            {
                throw Invalid("its checksum is missing");
            }
            sections = sections[..^4];
        }
        BsonDocument? document = null;
        while (!sections.IsEmpty)
        {
            byte kind = sections[0];
            sections = sections[1..];
            if (kind == 0)
            {
                if (document is not null)
                {
                    throw Invalid("it has two body sections");
                }
                int length = DocumentLength(sections);
                document = ReadDocument(sections[..length]);
                sections = sections[length..];
            }
            else if (kind == 1)
            {
                // servers only send document sequences with exhaust cursors, which the client never asks for
                int length = sections.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(sections) : -1;
                if (length < 5 || length > sections.Length)
                {
                    throw Invalid("a document sequence has a wrong size");
                }
                sections = sections[length..];
            }
            else
            {
                throw Invalid($"it has a section of unknown kind {kind}");
            }
        }
        return document ?? throw Invalid("it has no body section");
    }

    internal static int DocumentLength(ReadOnlySpan<byte> bytes)
    {
        int length = bytes.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(bytes) : -1;
        if (length < 5 || length > bytes.Length)
        {
            throw Invalid("a document length runs past the message");
        }
        return length;
    }

    internal static BsonDocument ReadDocument(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return BsonBinaryReader.ReadDocument(bytes);
        }
        catch (FormatException e)
        {
            // the connection's message adds its own full stop
            throw Invalid("it holds malformed BSON: " + e.Message.TrimEnd('.'));
        }
    }

    private static InvalidDataException Invalid(string why) => new(why);
}
