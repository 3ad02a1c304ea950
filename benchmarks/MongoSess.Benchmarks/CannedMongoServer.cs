using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace MongoSessions.Benchmarks;

/// <summary>
/// A loopback TCP server that answers every request with <see cref="CannedReplies"/>, reusing its buffers: with it,
/// a benchmark sees the client's real socket and async cost, and almost no server allocations or server time.
/// </summary>
internal sealed class CannedMongoServer : IAsyncDisposable
{
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
        _stopping.Cancel();
        _listener.Stop();
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }
        await _accepting.ConfigureAwait(false);
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
            _ = ServeAsync(client, _replies.Copy());
        }
    }

    private async Task ServeAsync(Socket client, CannedReplies replies)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int filled = 0;
                while (filled < 4 || filled < BinaryPrimitives.ReadInt32LittleEndian(buffer))
                {
                    int n = await client.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, _stopping.Token);
                    if (n == 0)
                    {
                        return;
                    }
                    filled += n;
                }
                var reply = replies.Answer(buffer.AsSpan(0, filled));
                await client.SendAsync(reply, SocketFlags.None, _stopping.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // the benchmark is over
        }
    }
}
