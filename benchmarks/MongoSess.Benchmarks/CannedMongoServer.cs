using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MongoDB.Bson;

namespace MongoSessions.Benchmarks;

/// <summary>
/// A loopback TCP server that the official driver accepts as a standalone MongoDB and that answers every command with
/// a fixed reply chosen by its name, allocating nothing per request: with it, a benchmark sees the driver's and
/// MongoSess's real socket and CPU cost, and almost none of a server's.
/// </summary>
internal sealed class CannedMongoServer : IAsyncDisposable
{
    private const int OpReply = 1;
    private const int OpQuery = 2004;
    private const int OpMsg = 2013;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Socket> _clients = [];
    private readonly CannedReplies _replies;
    private readonly Task _accepting;

    public CannedMongoServer(CannedReplies replies)
    {
        _replies = replies;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }
        await _accepting;
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            client.NoDelay = true;
            lock (_clients)
            {
                _clients.Add(client);
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var request = new byte[64 * 1024];
        var reply = new byte[64 * 1024];
        int requestId = 0;
        try
        {
            while (true)
            {
                int filled = 0;
                while (filled < 4 || filled < BinaryPrimitives.ReadInt32LittleEndian(request))
                {
                    int n = await client.ReceiveAsync(request.AsMemory(filled), SocketFlags.None, _stopping.Token);
                    if (n == 0)
                    {
                        return;
                    }
                    filled += n;
                }
                int length = Answer(request.AsSpan(0, filled), reply, ++requestId);
                await client.SendAsync(reply.AsMemory(0, length), SocketFlags.None, _stopping.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // the benchmark is over
        }
    }

    // the command's name is the first element of its document: the driver's first hello comes as OP_QUERY and is
    // answered with OP_REPLY, everything after as OP_MSG
    private int Answer(ReadOnlySpan<byte> message, Span<byte> reply, int requestId)
    {
        int responseTo = BinaryPrimitives.ReadInt32LittleEndian(message[4..]);
        int opCode = BinaryPrimitives.ReadInt32LittleEndian(message[12..]);
        ReadOnlySpan<byte> body = message[16..];
        ReadOnlySpan<byte> document;
        if (opCode == OpQuery)
        {
            int nameEnd = body[4..].IndexOf((byte)0);
            document = body[(4 + nameEnd + 1 + 8)..];
        }
        else
        {
            // flag bits, then the kind-0 section's document (the driver sends it first)
            document = body[5..];
        }
        var bytes = _replies.For(CommandName(document));
        int headerAndPrefix = opCode == OpQuery ? 16 + 20 : 16 + 5;
        int total = headerAndPrefix + bytes.Length;
        BinaryPrimitives.WriteInt32LittleEndian(reply, total);
        BinaryPrimitives.WriteInt32LittleEndian(reply[4..], requestId);
        BinaryPrimitives.WriteInt32LittleEndian(reply[8..], responseTo);
        if (opCode == OpQuery)
        {
            BinaryPrimitives.WriteInt32LittleEndian(reply[12..], OpReply);
            reply.Slice(16, 20).Clear();
            // numberReturned: one document
            BinaryPrimitives.WriteInt32LittleEndian(reply[32..], 1);
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(reply[12..], OpMsg);
            reply.Slice(16, 5).Clear();
        }
        bytes.CopyTo(reply[headerAndPrefix..]);
        return total;
    }

    private static ReadOnlySpan<byte> CommandName(ReadOnlySpan<byte> document)
    {
        var name = document[5..];
        return name[..name.IndexOf((byte)0)];
    }
}
