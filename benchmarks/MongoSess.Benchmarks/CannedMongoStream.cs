using System.Buffers.Binary;
using MongoSessions.Bson;
using MongoSessions.Mongo;
using MongoSessions.Mongo.Connections;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Benchmarks;

/// <summary>
/// A connection to a "server" that answers from memory: hellos with a standalone's hello, every other command with
/// one fixed reply. Nothing is parsed and nothing allocated per message, so a benchmark over it measures the client's
/// own cost per command, without a socket or a server.
/// </summary>
internal sealed class CannedMongoStream(byte[] helloReply, byte[] legacyHelloReply, byte[] commandReply) : Stream
{
    private byte[] _reply = [];
    private int _replyLength;
    private int _readAt;

    public static BsonDocument Hello() => new BsonDocument()
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

    public static IStreamOpener Opener(BsonDocument commandReply)
    {
        var hello = OpMsgWriter.Write(0, 0, Hello());
        var legacy = OpReplyWriter.Write(0, 0, Hello());
        var reply = OpMsgWriter.Write(0, 0, commandReply);
        return new CannedOpener(() => new CannedMongoStream(hello, legacy, reply));
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int opCode = BinaryPrimitives.ReadInt32LittleEndian(buffer[12..]);
        _reply = opCode == 2004 ? legacyHelloReply : IsHello(buffer) ? helloReply : commandReply;
        _replyLength = _reply.Length;
        // answer the request just written
        BinaryPrimitives.WriteInt32LittleEndian(_reply.AsSpan(8), BinaryPrimitives.ReadInt32LittleEndian(buffer[4..]));
        _readAt = 0;
    }

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(buffer.Length, _replyLength - _readAt);
        _reply.AsSpan(_readAt, n).CopyTo(buffer);
        _readAt += n;
        return n;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    // OP_MSG: header (16), flags (4), section kind (1), document length (4), first element's type (1), then its name
    private static bool IsHello(ReadOnlySpan<byte> message)
    {
        var name = message[26..];
        return name.StartsWith("hello\0"u8) || name.StartsWith("isMaster\0"u8) || name.StartsWith("ismaster\0"u8);
    }

    private sealed class CannedOpener(Func<Stream> create) : IStreamOpener
    {
        public Task<Stream> OpenAsync(MongoEndPoint endPoint, ConnectionSettings settings, CancellationToken cancellationToken) => Task.FromResult(create());
    }
}
