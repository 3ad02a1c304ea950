using System.Buffers.Binary;
using System.Text;
using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>Parses an OP_MSG into its command, with every kind-1 document sequence merged in as an array.</summary>
internal static class OpMsgRequest
{
    // OP_MSG spec: bits 0-15 are required and a receiver must reject a message with one it does not know; the
    // driver sets none (no checksums, no unacknowledged writes), only exhaustAllowed (bit 16) when streaming hellos
    private const uint RequiredBitsMask = 0xFFFF;

    /// <exception cref="WireProtocolException">The message breaks the OP_MSG format.</exception>
    public static BsonDocument Parse(WireMessage message)
    {
        ReadOnlySpan<byte> body = message.Body;
        if (body.Length < 5)
        {
            throw new WireProtocolException("OP_MSG is too short.");
        }
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(body);
        if ((flags & RequiredBitsMask) != 0)
        {
            throw new WireProtocolException($"OP_MSG has required flag bits the test server does not support: 0x{flags:X8}.");
        }
        body = body[4..];
        BsonDocument? command = null;
        var sequences = new List<(string Identifier, BsonArray Documents)>();
        while (!body.IsEmpty)
        {
            byte kind = body[0];
            body = body[1..];
            switch (kind)
            {
                case 0 when command is null:
                    command = ReadDocument(ref body);
                    break;
                case 0:
                    throw new WireProtocolException("OP_MSG has more than one kind-0 section.");
                case 1:
                    sequences.Add(ReadSequence(ref body));
                    break;
                default:
                    throw new WireProtocolException($"OP_MSG has an unknown section kind {kind}.");
            }
        }
        if (command is null)
        {
            throw new WireProtocolException("OP_MSG has no kind-0 section.");
        }
        foreach (var (identifier, documents) in sequences)
        {
            if (command.Contains(identifier))
            {
                throw new WireProtocolException($"OP_MSG names '{identifier}' both in the body and as a document sequence.");
            }
            command.Add(identifier, documents);
        }
        return command;
    }

    private static BsonDocument ReadDocument(ref ReadOnlySpan<byte> input)
    {
        if (input.Length < 4)
        {
            throw new WireProtocolException("OP_MSG section ends inside a document length.");
        }
        int length = BinaryPrimitives.ReadInt32LittleEndian(input);
        if (length < 5 || length > input.Length)
        {
            throw new WireProtocolException($"OP_MSG document length {length} does not fit its section.");
        }
        var document = Decode(input[..length]);
        input = input[length..];
        return document;
    }

    // OP_MSG spec: a kind-1 section's size includes its own four bytes
    private static (string, BsonArray) ReadSequence(ref ReadOnlySpan<byte> input)
    {
        if (input.Length < 4)
        {
            throw new WireProtocolException("OP_MSG kind-1 section ends inside its size.");
        }
        int size = BinaryPrimitives.ReadInt32LittleEndian(input);
        if (size < 5 || size > input.Length)
        {
            throw new WireProtocolException($"OP_MSG kind-1 size {size} does not fit the message.");
        }
        var section = input[4..size];
        input = input[size..];
        int nul = section.IndexOf((byte)0);
        if (nul < 0)
        {
            throw new WireProtocolException("OP_MSG kind-1 identifier is not terminated.");
        }
        string identifier = Encoding.UTF8.GetString(section[..nul]);
        section = section[(nul + 1)..];
        var documents = new BsonArray();
        while (!section.IsEmpty)
        {
            documents.Add(ReadDocument(ref section));
        }
        return (identifier, documents);
    }

    private static BsonDocument Decode(ReadOnlySpan<byte> bytes) => BsonDocumentDecoder.Decode(bytes, "OP_MSG");
}
