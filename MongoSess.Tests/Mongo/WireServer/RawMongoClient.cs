using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using MongoSessions.Bson;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Mongo.WireServer;

/// <summary>
/// A deliberately tiny MongoDB client for testing the wire server: it builds OP_MSG / OP_QUERY bytes by hand and
/// parses replies itself, so the server is not checked against its own parser.
/// </summary>
internal sealed class RawMongoClient : IAsyncDisposable
{
    private static int s_requestId = 1000;
    private readonly TcpClient _tcp;

    private RawMongoClient(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        Stream = stream;
    }

    public Stream Stream { get; }

    public static async Task<RawMongoClient> ConnectAsync(int port, bool tls = false)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        Stream stream = tcp.GetStream();
        if (tls)
        {
            var ssl = new SslStream(stream, false, (_, _, _, _) => true);
            await ssl.AuthenticateAsClientAsync("localhost");
            stream = ssl;
        }
        return new RawMongoClient(tcp, stream);
    }

    public static Task<RawMongoClient> ConnectAsync(MongoWireServer server) => ConnectAsync(server.Port, server.Options.TlsCertificate is not null);

    public static int NextRequestId() => Interlocked.Increment(ref s_requestId);

    /// <summary>Sends one OP_MSG command (with $db added) and returns the reply body.</summary>
    public async Task<BsonDocument> RunAsync(BsonDocument command, string database = "test", params (string Id, BsonDocument[] Documents)[] sequences)
    {
        command.Set("$db", new BsonString(database));
        int id = NextRequestId();
        await SendAsync(OpMsg(id, command, sequences));
        var reply = await ReadAsync() ?? throw new IOException("The server closed the connection instead of replying.");
        Assert.That(reply.ResponseTo, Is.EqualTo(id), "responseTo");
        Assert.That(reply.OpCode, Is.EqualTo(2013), "opCode");
        return ParseOpMsgBody(reply.Body);
    }

    /// <summary>Sends an OP_QUERY command and returns the single document of the OP_REPLY.</summary>
    public async Task<(BsonDocument Document, int ResponseFlags, int NumberReturned)> QueryAsync(BsonDocument command, string collection = "admin.$cmd", int flags = 0)
    {
        int id = NextRequestId();
        var name = Encoding.UTF8.GetBytes(collection);
        var query = BsonBinaryWriter.ToBytes(command);
        var body = new byte[4 + name.Length + 1 + 8 + query.Length];
        BinaryPrimitives.WriteInt32LittleEndian(body, flags);
        name.CopyTo(body, 4);
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(4 + name.Length + 1 + 4), -1);
        query.CopyTo(body, 4 + name.Length + 1 + 8);
        await SendAsync(Frame(id, 0, 2004, body));
        var reply = await ReadAsync() ?? throw new IOException("The server closed the connection instead of replying.");
        Assert.That(reply.ResponseTo, Is.EqualTo(id), "responseTo");
        Assert.That(reply.OpCode, Is.EqualTo(1), "opCode");
        int numberReturned = BinaryPrimitives.ReadInt32LittleEndian(reply.Body.AsSpan(16));
        return (BsonBinaryReader.ReadDocument(reply.Body.AsSpan(20)), BinaryPrimitives.ReadInt32LittleEndian(reply.Body), numberReturned);
    }

    public static byte[] OpMsg(int requestId, BsonDocument command, (string Id, BsonDocument[] Documents)[]? sequences = null, uint flags = 0, bool checksum = false)
    {
        var body = new MemoryStream();
        var writer = new BinaryWriter(body);
        writer.Write(flags | (checksum ? 1u : 0u));
        writer.Write((byte)0);
        writer.Write(BsonBinaryWriter.ToBytes(command));
        foreach (var (identifier, documents) in sequences ?? [])
        {
            var payload = new MemoryStream();
            payload.Write(Encoding.UTF8.GetBytes(identifier));
            payload.WriteByte(0);
            foreach (var document in documents)
            {
                payload.Write(BsonBinaryWriter.ToBytes(document));
            }
            writer.Write((byte)1);
            writer.Write((int)payload.Length + 4);
            writer.Write(payload.ToArray());
        }
        var message = Frame(requestId, 0, 2013, body.ToArray(), extra: checksum ? 4 : 0);
        if (checksum)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(message.Length - 4), Crc32C.Compute(message.AsSpan(0, message.Length - 4)));
        }
        return message;
    }

    public static byte[] Frame(int requestId, int responseTo, int opCode, byte[] body, int extra = 0)
    {
        var message = new byte[16 + body.Length + extra];
        BinaryPrimitives.WriteInt32LittleEndian(message, message.Length);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(4), requestId);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(8), responseTo);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(12), opCode);
        body.CopyTo(message, 16);
        return message;
    }

    public static BsonDocument ParseOpMsgBody(byte[] body)
    {
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(body) & ~2u, Is.Zero, "reply flagBits");
        Assert.That(body[4], Is.Zero, "section kind");
        return BsonBinaryReader.ReadDocument(body.AsSpan(5));
    }

    public async Task SendAsync(byte[] bytes)
    {
        await Stream.WriteAsync(bytes);
        await Stream.FlushAsync();
    }

    /// <summary>The next message, or null when the server closed the connection.</summary>
    public async Task<(int Length, int RequestId, int ResponseTo, int OpCode, byte[] Body)?> ReadAsync()
    {
        var header = await ReadExactlyOrNullAsync(16);
        if (header is null)
        {
            return null;
        }
        int length = BinaryPrimitives.ReadInt32LittleEndian(header);
        var body = await ReadExactlyOrNullAsync(length - 16) ?? throw new EndOfStreamException("The reply ended early.");
        return (length, BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4)), BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)),
            BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12)), body);
    }

    /// <summary>All bytes until the server closes the connection (fails the test after a few seconds).</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var all = new MemoryStream();
        try
        {
            await Stream.CopyToAsync(all, timeout.Token);
        }
        catch (IOException)
        {
            // a reset is a close too
        }
        return all.ToArray();
    }

    /// <summary>True when the server closed the connection (reads end) rather than replying.</summary>
    public async Task<bool> IsClosedByServerAsync() => (await ReadToEndAsync()).Length == 0;

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        _tcp.Dispose();
    }

    private async Task<byte[]?> ReadExactlyOrNullAsync(int count)
    {
        var buffer = new byte[count];
        int total = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (total < count)
        {
            int n;
            try
            {
                n = await Stream.ReadAsync(buffer.AsMemory(total), timeout.Token);
            }
            catch (IOException) when (total == 0)
            {
                return null;
            }
            if (n == 0)
            {
                return total == 0 ? null : throw new EndOfStreamException("The message ended early.");
            }
            total += n;
        }
        return buffer;
    }
}
