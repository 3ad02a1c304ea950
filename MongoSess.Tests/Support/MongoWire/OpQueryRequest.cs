using System.Buffers.Binary;
using System.Text;
using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>A legacy OP_QUERY, which the driver uses for the first isMaster of a connection and for saslStart/saslContinue.</summary>
internal sealed record OpQueryRequest(string FullCollectionName, BsonDocument Command)
{
    /// <exception cref="WireProtocolException">The message breaks the OP_QUERY format.</exception>
    public static OpQueryRequest Parse(WireMessage message)
    {
        ReadOnlySpan<byte> body = message.Body;
        if (body.Length < 4)
        {
            throw new WireProtocolException("OP_QUERY is too short.");
        }
        // flags: the only one the driver sets is secondaryOk
        body = body[4..];
        int nul = body.IndexOf((byte)0);
        if (nul < 0)
        {
            throw new WireProtocolException("OP_QUERY collection name is not terminated.");
        }
        string name = Encoding.UTF8.GetString(body[..nul]);
        body = body[(nul + 1)..];
        // numberToSkip and numberToReturn
        if (body.Length < 8 + 5)
        {
            throw new WireProtocolException("OP_QUERY ends before its query.");
        }
        body = body[8..];
        int length = BinaryPrimitives.ReadInt32LittleEndian(body);
        if (length < 5 || length > body.Length)
        {
            throw new WireProtocolException("OP_QUERY query length does not fit the message.");
        }
        // an optional returnFieldsSelector may follow; commands ignore it
        return new OpQueryRequest(name, BsonDocumentDecoder.Decode(body[..length], "OP_QUERY"));
    }
}
