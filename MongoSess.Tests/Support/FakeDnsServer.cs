using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MongoSessions.Tests.Support;

/// <summary>
/// A DNS server on 127.0.0.1, UDP and TCP on the same free port, answering from records the test sets, with
/// <see cref="Fault"/> to make it misbehave. Like a real server it truncates UDP replies over 512 bytes.
/// </summary>
internal sealed class FakeDnsServer : IAsyncDisposable
{
    private const int MaxUdpReply = 512;
    private const ushort ReplyFlags = 0x8180; // QR, RD echoed, RA
    private const ushort TruncatedFlag = 0x0200;

    private readonly Socket _udp;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<(string Name, ushort Type), List<byte[]>> _records = [];
    private readonly Task _udpLoop;
    private readonly Task _tcpLoop;
    private volatile DnsFault _fault;
    private int _udpQueries;
    private int _tcpQueries;

    private FakeDnsServer(Socket udp, TcpListener tcp)
    {
        _udp = udp;
        _tcp = tcp;
        EndPoint = (IPEndPoint)udp.LocalEndPoint!;
        _udpLoop = ServeUdpAsync();
        _tcpLoop = ServeTcpAsync();
    }

    public IPEndPoint EndPoint { get; }

    public DnsFault Fault { get => _fault; set => _fault = value; }

    public int UdpQueries => Volatile.Read(ref _udpQueries);

    public int TcpQueries => Volatile.Read(ref _tcpQueries);

    /// <summary>Every query received, over either transport.</summary>
    public ConcurrentQueue<byte[]> Queries { get; } = new();

    public static FakeDnsServer Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort.Next();
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var tcp = new TcpListener(IPAddress.Loopback, port);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                tcp.Start();
                return new FakeDnsServer(udp, tcp);
            }
            catch (SocketException) when (attempt < 20)
            {
                // another process took the port between the probe and the bind: try another one
                udp.Dispose();
                tcp.Stop();
            }
        }
    }

    public void AddSrv(string name, string target, int port, int priority = 0, int weight = 0) =>
        Add(name, DnsMessageBuilder.TypeSrv, DnsMessageBuilder.SrvData(port, target, priority, weight));

    /// <summary>One TXT record made of the given character-strings.</summary>
    public void AddTxt(string name, params string[] strings) =>
        Add(name, DnsMessageBuilder.TypeTxt, DnsMessageBuilder.TxtData(strings));

    public void AddCname(string name, string target) =>
        Add(name, DnsMessageBuilder.TypeCname, DnsMessageBuilder.NameData(target));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        _tcp.Stop();
        await Task.WhenAll(_udpLoop, _tcpLoop);
        _stop.Dispose();
    }

    private void Add(string name, ushort type, byte[] data)
    {
        lock (_records)
        {
            var key = (name.TrimEnd('.').ToLowerInvariant(), type);
            if (!_records.TryGetValue(key, out var list))
            {
                _records[key] = list = [];
            }
            list.Add(data);
        }
    }

    private async Task ServeUdpAsync()
    {
        var buffer = new byte[65_535];
        try
        {
            while (true)
            {
                var received = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                Interlocked.Increment(ref _udpQueries);
                var reply = Answer(buffer[..received.ReceivedBytes], overTcp: false);
                if (reply is not null)
                {
                    await _udp.SendToAsync(reply, SocketFlags.None, received.RemoteEndPoint, _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    private async Task ServeTcpAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _tcp.AcceptTcpClientAsync(_stop.Token);
                connections.Add(ServeTcpClientAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
        await Task.WhenAll(connections);
    }

    private async Task ServeTcpClientAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var prefix = new byte[2];
            while (true)
            {
                await stream.ReadExactlyAsync(prefix, _stop.Token);
                var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
                await stream.ReadExactlyAsync(query, _stop.Token);
                Interlocked.Increment(ref _tcpQueries);
                var reply = Answer(query, overTcp: true);
                if (reply is null)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }
                var framed = new byte[2 + reply!.Length];
                BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)reply.Length);
                reply.CopyTo(framed, 2);
                await stream.WriteAsync(framed, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // the client hung up, or the server stopped
        }
    }

    private byte[]? Answer(byte[] query, bool overTcp)
    {
        Queries.Enqueue(query);
        var fault = Fault;
        if (query.Length < 12 || fault == DnsFault.Silent)
        {
            return null;
        }
        var id = BinaryPrimitives.ReadUInt16BigEndian(query);
        if (fault == DnsFault.Garbage)
        {
            var garbage = new byte[48];
            new Random(1234).NextBytes(garbage);
            BinaryPrimitives.WriteUInt16BigEndian(garbage, id);
            BinaryPrimitives.WriteUInt16BigEndian(garbage.AsSpan(2), ReplyFlags);
            return garbage;
        }
        var (name, nameEnd) = ReadQueryName(query);
        var type = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(nameEnd));
        var question = query[12..(nameEnd + 4)];
        var rcode = fault switch { DnsFault.NameError => 3, DnsFault.ServerFailure => 2, _ => 0 };
        var answers = rcode == 0 ? Lookup(name, type) : [];
        var replyId = fault == DnsFault.WrongId ? (ushort)(id ^ 0x5A5A) : id;

        if (!overTcp && fault == DnsFault.Truncate)
        {
            return Truncated(replyId, question);
        }
        var extra = fault is DnsFault.PointerLoop or DnsFault.TruncatedRecord ? 1 : 0;
        var reply = new DnsMessageBuilder().Header(replyId, (ushort)(ReplyFlags | rcode), 1, answers.Count + extra).Bytes(question);
        foreach (var (owner, recordType, data) in answers)
        {
            if (owner == name)
            {
                reply.RecordAt(12, recordType, data);
            }
            else
            {
                reply.Record(owner, recordType, data);
            }
        }
        if (fault == DnsFault.PointerLoop)
        {
            reply.RecordAt(reply.Length, type, DnsMessageBuilder.SrvData(27017, "loop.example.com"));
        }
        if (fault == DnsFault.TruncatedRecord)
        {
            reply.Pointer(12).UInt16(type).UInt16(1).UInt32(60).UInt16(100).Bytes(0, 0, 0, 0);
        }
        var bytes = reply.ToArray();
        return !overTcp && bytes.Length > MaxUdpReply ? Truncated(replyId, question) : bytes;
    }

    private static byte[] Truncated(ushort id, byte[] question) =>
        new DnsMessageBuilder().Header(id, ReplyFlags | TruncatedFlag, 1, 0).Bytes(question).ToArray();

    private List<(string Owner, ushort Type, byte[] Data)> Lookup(string name, ushort type)
    {
        lock (_records)
        {
            if (_records.TryGetValue((name, type), out var direct))
            {
                return [.. direct.Select(d => (name, type, d))];
            }
            if (_records.TryGetValue((name, DnsMessageBuilder.TypeCname), out var aliases))
            {
                var target = ReadQueryName(aliases[0], 0).Name;
                var chained = _records.TryGetValue((target, type), out var found) ? found : [];
                return [(name, DnsMessageBuilder.TypeCname, aliases[0]), .. chained.Select(d => (target, type, d))];
            }
            return [];
        }
    }

    private static (string Name, int End) ReadQueryName(byte[] message, int start = 12)
    {
        var labels = new List<string>();
        var position = start;
        while (message[position] != 0)
        {
            labels.Add(Encoding.ASCII.GetString(message, position + 1, message[position]));
            position += 1 + message[position];
        }
        return (string.Join('.', labels).ToLowerInvariant(), position + 1);
    }
}
