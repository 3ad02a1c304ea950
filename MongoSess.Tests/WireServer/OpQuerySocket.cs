using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace MongoSessions.Tests.WireServer;

/// <summary>
/// A bare socket that sends legacy OP_QUERY commands and reads their OP_REPLY, for the few checks the driver cannot
/// make (it chooses the opcode itself).
/// </summary>
internal sealed class OpQuerySocket : IDisposable
{
    private const int OpReply = 1;
    private const int OpQuery = 2004;

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private int _nextRequestId;

    private OpQuerySocket(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<OpQuerySocket> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
        return new OpQuerySocket(client);
    }

    /// <summary>Sends <paramref name="command"/> to "<paramref name="database"/>.$cmd" and returns the one reply document.</summary>
    public async Task<BsonDocument> RunAsync(string database, BsonDocument command)
    {
        var name = Encoding.UTF8.GetBytes(database + ".$cmd\0");
        var query = command.ToBson();
        var message = new byte[16 + 4 + name.Length + 8 + query.Length];
        int requestId = ++_nextRequestId;
        BinaryPrimitives.WriteInt32LittleEndian(message, message.Length);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(4), requestId);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(12), OpQuery);
        name.CopyTo(message, 20);
        // numberToSkip 0, numberToReturn -1: one document
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(20 + name.Length + 4), -1);
        query.CopyTo(message, 20 + name.Length + 8);
        await _stream.WriteAsync(message);

        var header = new byte[16];
        await _stream.ReadExactlyAsync(header);
        var body = new byte[BinaryPrimitives.ReadInt32LittleEndian(header) - 16];
        await _stream.ReadExactlyAsync(body);
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12)), Is.EqualTo(OpReply), "an OP_QUERY is answered with OP_REPLY");
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)), Is.EqualTo(requestId));
        // responseFlags, cursorID, startingFrom, numberReturned, then the documents
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(16)), Is.EqualTo(1));
        return BsonSerializer.Deserialize<BsonDocument>(body[20..]);
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }
}
