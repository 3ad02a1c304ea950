using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MongoSessions.Load;

/// <summary>
/// One keep-alive HTTP/1.1 connection over a raw socket, just enough for the servers' small GET responses: it sends
/// a request, reads the status, Content-Length, Set-Cookie and the body, and allocates next to nothing per request,
/// so that the generator stays out of the way of the server it measures.
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private readonly int _port;
    private readonly byte[] _buffer = new byte[8192];
    private Socket? _socket;
    private byte[] _request = [];
    private byte[] _cookieBytes = [];
    private string? _requestPath;
    private string? _requestCookie;

    public RawHttpConnection(int port) => _port = port;

    /// <summary>The session cookie (<c>name=value</c>) the server last set on this connection, sent with every request.</summary>
    public string? Cookie { get; private set; }

    /// <summary>How many times the server closed the connection after a response, as HttpListener does every 100 requests.</summary>
    public long Reconnects { get; private set; }

    /// <summary>Sends GET <paramref name="path"/> and reads the whole response.</summary>
    /// <returns>The status code and the body as a number (-1 when it is not one).</returns>
    public async ValueTask<(int Status, long Number)> GetAsync(string path, CancellationToken cancellationToken)
    {
        var socket = _socket ??= await ConnectAsync(cancellationToken);
        await socket.SendAsync(RequestBytes(path), SocketFlags.None, cancellationToken);
        int filled = 0;
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
        {
            filled += await ReceiveAsync(socket, filled, cancellationToken);
        }
        var (status, contentLength, close) = ParseHeaders(headerEnd);
        int total = headerEnd + 4 + contentLength;
        if (total > _buffer.Length)
        {
            throw new IOException($"response of {total} bytes is larger than the buffer");
        }
        while (filled < total)
        {
            filled += await ReceiveAsync(socket, filled, cancellationToken);
        }
        var body = _buffer.AsSpan(headerEnd + 4, contentLength);
        long number = Utf8Parser.TryParse(body, out long value, out int consumed) && consumed == body.Length ? value : -1;
        if (close)
        {
            // HttpListener ends a keep-alive connection after 100 requests with "Connection: close": open a new one
            Reconnects++;
            Reset();
        }
        return (status, number);
    }

    /// <summary>Drops the socket (after an error); the next request opens a new one and keeps the cookie.</summary>
    public void Reset()
    {
        _socket?.Dispose();
        _socket = null;
    }

    public void Dispose() => Reset();

    private async ValueTask<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _port), cancellationToken);
        return socket;
    }

    private async ValueTask<int> ReceiveAsync(Socket socket, int filled, CancellationToken cancellationToken)
    {
        if (filled == _buffer.Length)
        {
            throw new IOException("response headers are larger than the buffer");
        }
        int n = await socket.ReceiveAsync(_buffer.AsMemory(filled), SocketFlags.None, cancellationToken);
        return n > 0 ? n : throw new IOException("the server closed the connection");
    }

    private ReadOnlyMemory<byte> RequestBytes(string path)
    {
        // rebuilt only when the path or the cookie changes
        if (!ReferenceEquals(path, _requestPath) || !ReferenceEquals(Cookie, _requestCookie))
        {
            var text = new StringBuilder().Append("GET ").Append(path).Append(" HTTP/1.1\r\nHost: 127.0.0.1:").Append(_port).Append("\r\n");
            if (Cookie is not null)
            {
                text.Append("Cookie: ").Append(Cookie).Append("\r\n");
            }
            _request = Encoding.ASCII.GetBytes(text.Append("\r\n").ToString());
            _requestPath = path;
            _requestCookie = Cookie;
        }
        return _request;
    }

    private (int Status, int ContentLength, bool Close) ParseHeaders(int headerEnd)
    {
        var head = _buffer.AsSpan(0, headerEnd);
        int lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? head : head[..lineEnd];
        // "HTTP/1.1 200 OK"
        if (statusLine.Length < 12 || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out _))
        {
            throw new IOException("malformed status line");
        }
        int contentLength = 0;
        bool close = false;
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf("\r\n"u8);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 2)..];
            if (StartsWithIgnoreCase(line, "content-length:"u8))
            {
                Utf8Parser.TryParse(line[15..].TrimStart((byte)' '), out contentLength, out _);
            }
            else if (StartsWithIgnoreCase(line, "connection:"u8))
            {
                close = Ascii.EqualsIgnoreCase(line[11..].Trim((byte)' '), "close"u8);
            }
            else if (StartsWithIgnoreCase(line, "set-cookie:"u8))
            {
                var value = line[11..].TrimStart((byte)' ');
                int semicolon = value.IndexOf((byte)';');
                var pair = semicolon < 0 ? value : value[..semicolon];
                if (Cookie is null || !pair.SequenceEqual(_cookieBytes))
                {
                    _cookieBytes = pair.ToArray();
                    Cookie = Encoding.ASCII.GetString(pair);
                }
            }
        }
        return (status, contentLength, close);
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> line, ReadOnlySpan<byte> prefix) =>
        line.Length >= prefix.Length && Ascii.EqualsIgnoreCase(line[..prefix.Length], prefix);
}
