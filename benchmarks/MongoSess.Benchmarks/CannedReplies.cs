using System.Buffers.Binary;
using MongoSessions.Bson;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Benchmarks;

/// <summary>
/// The answers of a "server" that does no work: a standalone's hello to hellos, one fixed reply to every other
/// command. Each connection takes its own copy, since answering patches the request id into the reply.
/// </summary>
internal sealed class CannedReplies
{
    private readonly byte[] _hello;
    private readonly byte[] _legacyHello;
    private readonly byte[] _command;

    public CannedReplies(BsonDocument commandReply)
        : this(OpMsgWriter.Write(0, 0, Hello()), OpReplyWriter.Write(0, 0, Hello()), OpMsgWriter.Write(0, 0, commandReply))
    {
    }

    private CannedReplies(byte[] hello, byte[] legacyHello, byte[] command)
    {
        _hello = hello;
        _legacyHello = legacyHello;
        _command = command;
    }

    /// <summary>What mongod answers to the store's <c>views += 1</c> findAndModify.</summary>
    public static BsonDocument IncrementReply() => new BsonDocument()
        .Add("lastErrorObject", new BsonDocument().Add("n", new BsonInt32(1)).Add("updatedExisting", BsonBoolean.True))
        .Add("value", new BsonDocument().Add("data", new BsonDocument().Add("views", new BsonInt64(7))))
        .Add("ok", new BsonDouble(1));

    public CannedReplies Copy() => new((byte[])_hello.Clone(), (byte[])_legacyHello.Clone(), (byte[])_command.Clone());

    /// <summary>The reply to the request in <paramref name="request"/> (a whole message), answering its request id.</summary>
    public byte[] Answer(ReadOnlySpan<byte> request)
    {
        int opCode = BinaryPrimitives.ReadInt32LittleEndian(request[12..]);
        var reply = opCode == 2004 ? _legacyHello : IsHello(request) ? _hello : _command;
        BinaryPrimitives.WriteInt32LittleEndian(reply.AsSpan(8), BinaryPrimitives.ReadInt32LittleEndian(request[4..]));
        return reply;
    }

    private static BsonDocument Hello() => new BsonDocument()
        .Add("ismaster", BsonBoolean.True)
        .Add("isWritablePrimary", BsonBoolean.True)
        .Add("maxBsonObjectSize", new BsonInt32(16 * 1024 * 1024))
        .Add("maxMessageSizeBytes", new BsonInt32(48_000_000))
        .Add("maxWriteBatchSize", new BsonInt32(100_000))
        .Add("localTime", BsonDateTime.FromDateTimeOffset(DateTimeOffset.UtcNow))
        .Add("logicalSessionTimeoutMinutes", new BsonInt32(30))
        .Add("connectionId", new BsonInt32(1))
        .Add("minWireVersion", new BsonInt32(0))
        .Add("maxWireVersion", new BsonInt32(21))
        .Add("readOnly", BsonBoolean.False)
        .Add("ok", new BsonDouble(1));

    // OP_MSG: header (16), flags (4), section kind (1), document length (4), first element's type (1), then its name
    private static bool IsHello(ReadOnlySpan<byte> message)
    {
        var name = message[26..];
        return name.StartsWith("hello\0"u8) || name.StartsWith("isMaster\0"u8) || name.StartsWith("ismaster\0"u8);
    }
}
